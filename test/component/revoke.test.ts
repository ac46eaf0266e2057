// Taking access away through chat: "remove Bob's Reader on Contoso prod" → confirm → approve → ARM DELETE.
import { buttonsOf, cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, SAM, type TeamsUser } from '../support/teams-users';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const BOB = 'c0000001-0000-4000-8000-0000000000b1';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

describe('revoking access', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const say = async (who: TeamsUser, text: string) => {
    await h.post(messageFrom(who, text, opts()));
    return h.connector.to(who.conversationId).at(-1);
  };
  const bobsReader = () => h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === BOB && a.roleDefinitionName === READER);

  beforeEach(async () => {
    h = await startHarness();
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
  });
  afterEach(async () => h.stop());

  it('when a sales agent asks to remove a role and an approver approves, then the assignment is gone from Azure and both are told', async () => {
    expect(bobsReader()).toHaveLength(1);
    const card = cardOf(await say(SAM, "remove Bob's Reader on Contoso prod"));
    expect(cardText(card)).toContain('Azure access removal');
    expect(cardText(card)).toContain('Bob Durand (bob@contoso.onmicrosoft.com)');
    expect(cardText(card)).toContain('Role: Reader');
    expect(buttonsOf(card)).toEqual(['Confirm', 'Cancel']);
    const requestId = card?.actions?.[0]?.data?.requestId;

    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.bot.idle();
    expect(bobsReader()).toHaveLength(1);
    await h.post(actionFrom(ADA, 'approve', { requestId }, opts()));
    await h.bot.idle();

    expect(bobsReader()).toHaveLength(0);
    const toSam = h.connector.to(SAM.conversationId).map((a) => a.body.text ?? '');
    expect(toSam.some((t) => t.includes('Done: Bob Durand no longer has Reader on Contoso Production'))).toBe(true);
  });

  it('when the person has no such role there, then the agent is told there is nothing to remove and nothing is stored', async () => {
    const reply = await say(SAM, "remove Alice's Owner on Contoso prod");
    expect(reply?.body.text).toContain('Alice Martin has no Owner role assigned on Contoso / Contoso Production, so there is nothing to remove');
    expect((await h.bot.store.requests.listByState(['draft']))).toHaveLength(0);
  });

  it('when asked in French, then the removal is understood and answered in French', async () => {
    const card = cardOf(await say(SAM, "retire à Bob le rôle Lecteur sur l'abonnement prod de Contoso"));
    expect(cardText(card)).toContain("Retrait d'accès Azure");
    expect(buttonsOf(card)).toEqual(['Confirmer', 'Annuler']);
  });
});
