// Read-only answers through the real endpoint: who has access, my requests, pending approvals, a subscription's history.
import { cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, PAT, SAM, type TeamsUser } from '../support/teams-users';

describe('lists', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const say = async (who: TeamsUser, text: string) => {
    await h.post(messageFrom(who, text, opts()));
    return h.connector.to(who.conversationId).at(-1);
  };
  const grant = async (text: string) => {
    const card = cardOf(await say(SAM, text));
    const requestId = card?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    return requestId as string;
  };

  beforeAll(async () => {
    h = await startHarness();
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
    const granted = await grant("give Alice Contributor on Contoso's prod subscription");
    await h.post(actionFrom(ADA, 'approve', { requestId: granted }, opts()));
    await h.bot.idle();
    await grant('give Bob Reader on Contoso Dev');
    await h.bot.idle();
  });
  afterAll(async () => h.stop());

  it('when someone asks who has access to a subscription, then every assignment in force is listed with names and what the bot granted', async () => {
    const text = cardText(cardOf(await say(SAM, 'who has access to Contoso prod?')));
    expect(text).toContain('Who has access to Contoso / Contoso Production');
    expect(text).toContain('Alice Martin — Contributor');
    expect(text).toContain('requested by Sam Seller, approved by Ada Approver');
    expect(text).toContain('Bob Durand — Reader');
  });

  it('when the question is in French, then the list is in French', async () => {
    const text = cardText(cardOf(await say(SAM, "qui a accès à l'abonnement prod de Contoso ?")));
    expect(text).toContain('Qui a accès à Contoso / Contoso Production');
  });

  it('when a sales agent asks for their requests, then they see each with its state', async () => {
    const text = cardText(cardOf(await say(SAM, 'my requests')));
    expect(text).toContain('Your requests');
    expect(text).toContain('Alice Martin — Contributor on Contoso / Contoso Production');
    expect(text).toContain('Granted');
    expect(text).toContain('Bob Durand — Reader on Contoso / Contoso Dev');
    expect(text).toContain('Waiting for approval');
  });

  it('when an approver asks for pending approvals, then the waiting request is listed; a non-approver is told it is for approvers', async () => {
    expect(cardText(cardOf(await say(ADA, 'pending approvals')))).toContain('Bob Durand — Reader');
    expect((await say(PAT, 'pending approvals'))?.body.text).toBe('Only approvers can see what is waiting for approval.');
  });

  it('when someone asks for the history of a subscription, then the requests made on it are listed', async () => {
    const text = cardText(cardOf(await say(SAM, 'history of Contoso prod')));
    expect(text).toContain('History of Contoso / Contoso Production');
    expect(text).toContain('Alice Martin — Contributor');
    expect(text).not.toContain('Bob Durand');
  });
});
