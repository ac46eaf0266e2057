// Role names through the real endpoint: a French sales agent and a French approver read "Contributeur (Contributor)"
// on their cards and « Contributeur » in the outcome; the English approver reads exactly what he read before.
import { cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, SAM } from '../support/teams-users';

describe('role names people read', () => {
  let h: Harness;
  const french = () => ({ serviceUrl: h.connector.serviceUrl, locale: 'fr-FR' });
  const english = () => ({ serviceUrl: h.connector.serviceUrl, locale: 'en-US' });
  const lastCardTo = (conversationId: string) => cardOf(h.connector.to(conversationId).filter((a) => a.method === 'POST').at(-1));

  beforeAll(async () => {
    h = await startHarness();
    // Arrange: Ada works in French, Alex in English; both installed the bot.
    expect((await h.post(installFrom(ADA, french()))).status).toBe(200);
    expect((await h.post(installFrom(ALEX, english()))).status).toBe(200);
  });
  afterAll(async () => h.stop());

  it('when Sam asks in French and Ada approves, then French cards and messages name Contributeur, with Contributor beside it on cards', async () => {
    // Act 1: Sam writes in French.
    await h.post(messageFrom(SAM, "donne à Alice le rôle Contributeur sur l'abonnement prod de Contoso", french()));
    const draft = lastCardTo(SAM.conversationId);
    expect(cardText(draft)).toContain('Rôle: Contributeur (Contributor)');
    const requestId = draft?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error('no confirmation card');

    // Act 2: Sam confirms; the approval cards go out, each in its approver's language.
    await h.post(actionFrom(SAM, 'confirm', { requestId }, french()));
    await h.bot.idle();
    expect(cardText(lastCardTo(ADA.conversationId))).toContain('Rôle: Contributeur (Contributor)');
    const alexCard = cardText(lastCardTo(ALEX.conversationId));
    expect(alexCard).toContain('Role: Contributor');
    expect(alexCard).not.toContain('Contributeur');

    // Act 3: Ada approves.
    const approved = await h.post(actionFrom(ADA, 'approve', { requestId }, french()));
    expect(cardText((approved.body as { value: CardJson }).value)).toContain('Rôle: Contributeur (Contributor)');
    await h.bot.idle();

    // Assert: what Sam and Ada are told afterwards names the role in French; Azure holds the Contributor assignment.
    for (const who of [SAM, ADA]) {
      const told = h.connector.to(who.conversationId).map((a) => JSON.stringify(a.body)).join('\n');
      expect(told).toContain('a maintenant le rôle Contributeur sur Contoso Production');
      expect(told).not.toContain('le rôle Contributor');
    }
    expect(h.connector.to(ALEX.conversationId).map((a) => JSON.stringify(a.body)).join('\n')).not.toContain('Contributeur');
    expect(h.sandbox.state.roleAssignments.some((a) => a.roleDefinitionName === 'b24988ac-6180-42a0-ab88-20f7382dd24c' && a.principalId === 'c0000001-0000-4000-8000-0000000000a1')).toBe(true);
  });

  it('when Sam asks in French for a role the bot cannot find, then the roles offered carry the French portal name beside the ARM name', async () => {
    await h.post(messageFrom(SAM, "donne à Alice le rôle Administrateur sur l'abonnement prod de Contoso", french()));
    const answer = cardOf(h.connector.to(SAM.conversationId).filter((a) => a.method === 'POST').at(-1));
    expect(cardText(answer)).toContain('Vouliez-vous dire');
    // A built-in role the French portal names; one it does not name keeps its ARM name.
    expect((answer?.actions ?? []).map((a) => a.title)).toEqual(["Administrateur de l'accès utilisateur (User Access Administrator)", 'Role Based Access Control Administrator']);
  });

  it('when Sam mistypes a role in French, then the French names close to it are offered to choose from, none taken for him', async () => {
    await h.post(messageFrom(SAM, "donne à Alice le rôle Contribteur sur l'abonnement prod de Contoso", french()));
    const answer = cardOf(h.connector.to(SAM.conversationId).filter((a) => a.method === 'POST').at(-1));
    expect(cardText(answer)).toContain('Vouliez-vous dire');
    expect((answer?.actions ?? []).map((a) => a.title)).toContain('Contributeur (Contributor)');
    expect(answer?.actions?.some((a) => a.verb === 'confirm')).toBe(false);
  });

  it('when Sam asks in French who has access, then each line names the role as the French portal does', async () => {
    await h.post(messageFrom(SAM, "qui a accès à l'abonnement prod de Contoso ?", french()));
    const text = cardText(lastCardTo(SAM.conversationId));
    expect(text).toContain('Alice Martin — Contributeur');
    expect(text).not.toMatch(/— Contributor\b/);
  });

  it('when Sam asks in English, then his card reads Contributor alone, as before', async () => {
    await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's dev subscription", english()));
    const text = cardText(lastCardTo(SAM.conversationId));
    expect(text).toContain('Role: Contributor');
    expect(text).not.toContain('Contributeur');
  });
});
