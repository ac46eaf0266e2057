// The policy's requesters (and the approvers) are the people the bot answers about access; anyone else in the partner tenant reads nothing.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, PAT, SAM, type TeamsUser } from '../support/teams-users';

const REFUSED_EN = "The partner's policy does not let you request access or see who holds it. Ask an admin agent to add you to the sales agents.";
const REFUSED_FR = "La politique du partenaire ne vous permet ni de demander un accès ni de voir qui en dispose. Demandez à un agent d'administration de vous ajouter aux agents commerciaux.";

describe('who the bot answers about access', () => {
  let h: Harness;
  let dir: string;
  let requestId: unknown;
  const opts = (locale?: string) => ({ serviceUrl: h.connector.serviceUrl, ...(locale ? { locale } : {}) });
  const say = async (who: TeamsUser, text: string, locale?: string) => {
    await h.post(messageFrom(who, text, opts(locale)));
    return h.connector.to(who.conversationId).at(-1);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'readers-'));
    const file = join(dir, 'policy.yaml');
    // Sam alone may request; Ada and Alex approve (APPROVERS); Pat is in the partner tenant and in neither list.
    writeFileSync(file, `requesters:\n  users: ["${SAM.aadObjectId}"]\n`);
    h = await startHarness({ POLICY_FILE: file });
    for (const user of [ADA, ALEX, PAT]) await h.post(installFrom(user, opts()));
    const card = cardOf(await say(SAM, "give Alice Contributor on Contoso's prod subscription"));
    requestId = card?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.post(actionFrom(ADA, 'approve', { requestId }, opts()));
    await h.bot.idle();
  });
  afterAll(async () => {
    await h.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it.each([
    ['who has access to Contoso prod?'],
    ['history of Contoso prod'],
    ['my requests'],
    ['pending approvals'],
    // A name misspelt on purpose: the answer would suggest the customer's users by name.
    ['give Alise Reader on Contoso prod'],
  ])('when someone who is neither a requester nor an approver writes "%s", then they are told the policy does not let them, and see no one\'s access', async (text) => {
    const reply = await say(PAT, text);
    expect(reply?.body.text).toBe(REFUSED_EN);
    expect(JSON.stringify(reply?.body)).not.toMatch(/Alice|Contoso Production/);
  });

  it('when they write in French, then the refusal is in French', async () => {
    const reply = await say(PAT, "qui a accès à l'abonnement prod de Contoso ?", 'fr-FR');
    expect(reply?.body.text).toBe(REFUSED_FR);
  });

  it('when they ask for the current state of a request\'s card (its id seen in a channel or a forward), then they are refused and see no one\'s access', async () => {
    const answer = await h.post(actionFrom(PAT, 'refresh', { requestId }, opts()));
    expect(JSON.stringify(answer.body)).not.toMatch(/Alice|Contoso/);
    expect(JSON.stringify(answer.body)).toMatch(/not valid any more/);
  });

  it('when the requester or an approver asks for the current state of the card, then they see it', async () => {
    for (const who of [SAM, ALEX]) {
      const answer = await h.post(actionFrom(who, 'refresh', { requestId }, opts()));
      expect(JSON.stringify(answer.body)).toMatch(/Alice Martin/);
    }
  });

  it('when they ask for help, then the help card still comes (it names no one)', async () => {
    expect(cardText(cardOf(await say(PAT, 'help')))).toContain('What I can do');
  });

  it('when an approver who is not a requester asks, then they see the history and who has access, to decide on what they approve', async () => {
    expect(cardText(cardOf(await say(ALEX, 'history of Contoso prod')))).toContain('Alice Martin — Contributor');
    const listed = cardText(cardOf(await say(ALEX, 'who has access to Contoso prod?')));
    expect(listed).toContain('Alice Martin — Contributor');
    expect(listed).toContain('approved by Ada Approver');
  });

  it('when the requester asks, then they see their requests and who has access as before', async () => {
    expect(cardText(cardOf(await say(SAM, 'my requests')))).toContain('Alice Martin — Contributor on Contoso / Contoso Production');
    expect(cardText(cardOf(await say(SAM, 'who has access to Contoso prod?')))).toContain('Alice Martin — Contributor');
  });
});
