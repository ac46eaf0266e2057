// Customers the bot may not act for yet, through the real HTTP endpoint: invitation card (the reseller link for a
// customer who is not the partner's reseller customer yet, then GDAP), the customer's acceptance in the sandbox, the
// request resuming to approval and Azure; reminder and expiry; GDAP relationships through Graph.
import { readFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { join } from 'node:path';
import { cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, SAM, type TeamsUser } from '../support/teams-users';
import { acceptRelationship } from '../../src/sandbox/relationship-page';
import { userToken } from '../support/sandbox-tokens';

const NORTHWIND = 'c0000004-0000-4000-8000-000000000004';
const NORTHWIND_MAIN = '/subscriptions/c0000004-5b50-4000-8000-000000000001';
const NINA = 'c0000004-0000-4000-8000-0000000000f1';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const PARTNER_ID = '7d4c9e21-5a3b-4f60-8e12-3c9b5a7d2f41';
const DAY = 86_400_000;
const FIXTURES = join(__dirname, '..', 'fixtures', 'microsoft-apis', 'graph-gdap');

interface InvokeBody {
  statusCode: number;
  value: CardJson | string;
}
type Action = { type?: string; title?: string; url?: string; verb?: string; data?: Record<string, unknown> };

describe('customers without delegated access', () => {
  let h: Harness;
  const opts = (locale = 'en-US') => ({ serviceUrl: h.connector.serviceUrl, locale });
  const cardsTo = (who: TeamsUser) => h.connector.to(who.conversationId).map((a) => cardOf(a)).filter((c): c is CardJson => Boolean(c));
  const textsTo = (who: TeamsUser) => h.connector.to(who.conversationId).filter((a) => a.method === 'POST').map((a) => a.body.text ?? '');
  const invitationCard = (who: TeamsUser) => cardsTo(who).filter((c) => !(c.actions as Action[] | undefined)?.some((a) => a.type === 'Action.Execute')).at(-1);
  const actionsOf = (card: CardJson | undefined) => (card?.actions ?? []) as Action[];
  const stateOf = async (id: string) => (await h.bot.store.requests.get(id as never))?.state;

  /** The customer's global administrator clicks Accept on the sandbox's relationship page (a form POST). */
  const acceptOnSandboxPage = (pageUrl: string, field: string, value: string) =>
    new Promise<{ status: number; html: string }>((resolve, reject) => {
      const body = new URLSearchParams({ [field]: value }).toString();
      const req = httpsRequest(`${pageUrl}/accept`, { method: 'POST', ca: h.sandbox.caCertPem, headers: { 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(body) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, html: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });

  /** Sam asks for Nina on Northwind and confirms; returns the request id and what the click answered. */
  const askAndConfirm = async (text: string, locale = 'en-US') => {
    await h.post(messageFrom(SAM, text, opts(locale)));
    const draft = cardsTo(SAM).at(-1);
    const requestId = actionsOf(draft).find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error(`no confirmation card: ${cardText(draft)}`);
    const response = await h.post(actionFrom(SAM, 'confirm', { requestId }, opts(locale)));
    await h.bot.idle();
    return { requestId, draft, confirmed: response.body as InvokeBody };
  };

  afterEach(async () => h?.stop());

  /** Northwind is not (yet) the partner's reseller customer: the sandbox's switch. */
  const notYetReseller = () => {
    const northwind = h.sandbox.state.customer(NORTHWIND);
    if (!northwind) throw new Error('Northwind is not in the seed');
    northwind.relationshipToPartner = 'none';
  };

  describe('with the reseller relationship link (default)', () => {
    beforeEach(async () => {
      h = await startHarness({ RELATIONSHIP_REMINDER_AFTER: '3d', GDAP_SECURITY_GROUPS: AZURE_MANAGERS });
      for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
    });

    it('when Sam asks for Northwind, who is not a reseller customer yet, then he gets the reseller link, then the GDAP invitation, and once both are accepted the request goes to approval and into Azure', async () => {
      // Arrange + Act: ask, confirm
      notYetReseller();
      const { requestId, draft, confirmed } = await askAndConfirm("give Nina Contributor on Northwind's subscription");

      // Assert: the draft says what Confirm will do; Confirm waits for the relationship, nobody is asked to approve yet
      expect(cardText(draft)).toContain('Northwind Traders has not given us access to their tenant yet');
      expect(cardText(confirmed.value as CardJson)).toContain('Waiting for the customer to accept the relationship');
      expect((await stateOf(requestId))).toBe('awaiting_relationship');
      expect(cardsTo(ADA)).toHaveLength(0);

      // Assert: the invitation card carries Partner Center's URL exactly as returned, a ready e-mail (EN + FR) and a mailto
      const pageUrl = `${h.sandbox.url}/_sandbox/relationship/${PARTNER_ID}`;
      const card = invitationCard(SAM);
      const text = cardText(card);
      expect(text).toContain('Relationship request for Northwind Traders');
      expect(text).toContain(pageUrl);
      expect(text).toContain('Subject: Please accept our Microsoft partner relationship request – Northwind Traders');
      expect(text).toContain('a global administrator of Northwind Traders must do it');
      // Nina cannot be looked up before Northwind lets us read its directory: the invitation names her as Sam wrote it
      expect(text).toContain('Contributor — Nina — Northwind Main');
      const actions = actionsOf(card);
      expect(actions.map((a) => a.type)).toEqual(['Action.OpenUrl', 'Action.OpenUrl', 'Action.OpenUrl']);
      expect(actions[0]?.url).toBe(pageUrl);
      const mail = new URL(actions[1]?.url ?? '');
      expect(mail.protocol).toBe('mailto:');
      expect(mail.searchParams.get('subject')).toBe('Please accept our Microsoft partner relationship request – Northwind Traders');
      expect(mail.searchParams.get('body')).toContain(pageUrl);
      expect(new URL(actions[2]?.url ?? '').searchParams.get('body')).toContain('Marche à suivre');

      // Act: not accepted yet → nothing moves; then the customer accepts on the sandbox page
      await h.bot.relationships.pollNow();
      expect((await stateOf(requestId))).toBe('awaiting_relationship');
      const page = await acceptOnSandboxPage(pageUrl, 'customer', NORTHWIND);
      expect(page.status).toBe(200);
      h.clock.advance(5 * 60_000);
      await h.bot.relationships.pollNow();
      await h.bot.idle();

      // Assert: a reseller customer now, but that gives no admin rights: the GDAP invitation follows by itself
      expect((await stateOf(requestId))).toBe('awaiting_relationship');
      const relationshipId = (await h.bot.store.requests.get(requestId as never))?.relationship?.relationshipId ?? '';
      expect(cardText(invitationCard(SAM))).toContain(`granularAdminRelationships/${relationshipId}`);

      // Act: the customer approves the GDAP relationship; the watcher gives its roles to Azure Managers, then finds them active
      expect((await acceptOnSandboxPage(pageUrl, 'relationship', relationshipId)).status).toBe(200);
      for (let i = 0; i < 2; i++) {
        h.clock.advance(5 * 60_000);
        await h.bot.relationships.pollNow();
        await h.bot.idle();
      }

      // Assert: resumed to approval, Sam told, Ada has an approval card
      expect((await stateOf(requestId))).toBe('pending_approval');
      expect(textsTo(SAM).some((t) => t.includes('Northwind Traders accepted our relationship request'))).toBe(true);
      const approvalCard = cardsTo(ADA).at(-1);
      expect(actionsOf(approvalCard).map((a) => a.verb)).toContain('approve');

      // Act: Ada approves
      await h.post(actionFrom(ADA, 'approve', { requestId }, opts()));
      await h.bot.idle();

      // Assert: the assignment is in the sandbox's ARM
      expect(h.sandbox.state.roleAssignments.filter((a) => a.scope === NORTHWIND_MAIN && a.principalId === NINA && a.roleDefinitionName === CONTRIBUTOR)).toHaveLength(1);
      expect((await stateOf(requestId))).toBe('active');
    });

    it('when Sam writes in French, then the card and the invitation are in French', async () => {
      await askAndConfirm('donne à Nina le rôle Contributeur sur Northwind', 'fr-FR');
      const card = invitationCard(SAM);
      const text = cardText(card);
      expect(text).toContain('Demande de relation pour Northwind Traders');
      expect(text).toContain("Objet: Merci d'accepter notre demande de relation partenaire Microsoft – Northwind Traders");
      expect(text).toContain('par un administrateur général de Northwind Traders');
      expect(actionsOf(card).map((a) => a.title)).toEqual(['Ouvrir le lien', "Envoyer l'invitation par e-mail", "Envoyer l'invitation en anglais"]);
      expect(new URL(actionsOf(card)[2]?.url ?? '').searchParams.get('body')).toContain('What to do');
    });

    it('when the customer does not answer, then Sam is reminded once, and after 14 days the request is closed with a clear message', async () => {
      const { requestId } = await askAndConfirm("give Nina Contributor on Northwind's subscription");
      h.clock.advance(3 * DAY + 60_000);
      await h.bot.relationships.pollNow();
      await h.bot.idle();
      h.clock.advance(60 * 60_000);
      await h.bot.relationships.pollNow();
      await h.bot.idle();
      const reminders = textsTo(SAM).filter((t) => t.includes('has not accepted our relationship request yet'));
      expect(reminders).toHaveLength(1);
      expect((await stateOf(requestId))).toBe('awaiting_relationship');

      // Survives a restart: the new process finds the waiting request in the store
      await h.restart();
      h.clock.advance(11 * DAY);
      await h.bot.relationships.pollNow();
      await h.bot.idle();
      expect((await stateOf(requestId))).toBe('timed_out');
      expect(textsTo(SAM).some((t) => t.includes('Northwind Traders did not accept our relationship request within 14 days'))).toBe(true);
      expect(cardsTo(ADA)).toHaveLength(0);
    });

    it('when Sam asks directly, then he gets the invitation card (the reseller link, or GDAP for a reseller customer), and a customer with access needs none', async () => {
      await h.post(messageFrom(SAM, 'send Northwind a relationship request', opts()));
      expect(cardText(invitationCard(SAM))).toContain('I created a GDAP relationship with Northwind Traders');
      notYetReseller();
      await h.post(messageFrom(SAM, 'send Northwind a relationship request', opts()));
      expect(cardText(invitationCard(SAM))).toContain(`${h.sandbox.url}/_sandbox/relationship/${PARTNER_ID}`);
      await h.post(messageFrom(SAM, 'envoie une demande de relation à Contoso', opts('fr-FR')));
      expect(textsTo(SAM).at(-1)).toContain('Nous avons déjà avec Contoso une relation active');
    });
  });

  describe('in GDAP mode', () => {
    const ROLES = ['88d8e3e3-8f55-4a1e-953a-9b9898b8876b', '158c047a-c907-4556-b7ef-446551a6b5f7', 'f2ef992c-3afb-46b9-b7cf-a126ee74c451'];
    beforeEach(async () => {
      h = await startHarness({ RELATIONSHIP_MODE: 'gdap', GDAP_DURATION: 'P365D', GDAP_ROLES: ROLES.join(','), GDAP_AUTO_EXTEND: 'P180D', GDAP_SECURITY_GROUPS: AZURE_MANAGERS });
      for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
    });

    it('when Sam confirms for Northwind, then a relationship with the configured roles is created, locked for approval, and its admin-center link is sent', async () => {
      const { requestId } = await askAndConfirm("give Nina Contributor on Northwind's subscription");

      // The create request has the documented shape, with the configured duration and roles
      const sent = h.sandbox.requests.filter((r) => r.path.toLowerCase().startsWith('/v1.0/tenantrelationships/delegatedadminrelationships'));
      const create = sent.find((r) => r.method === 'POST' && r.path.toLowerCase().endsWith('/delegatedadminrelationships'));
      const documented = JSON.parse(readFileSync(join(FIXTURES, 'create_delegatedadminrelationship.request.json'), 'utf8')) as Record<string, unknown>;
      const body = create?.body as Record<string, unknown> & { customer: Record<string, unknown>; accessDetails: { unifiedRoles: Record<string, unknown>[] } };
      expect(Object.keys(body).sort()).toEqual(Object.keys(documented).sort());
      expect(Object.keys(body.customer).sort()).toEqual(Object.keys(documented.customer as object).sort());
      expect(body).toMatchObject({ duration: 'P365D', autoExtendDuration: 'P180D', customer: { tenantId: NORTHWIND, displayName: 'Northwind Traders' } });
      expect(body.accessDetails.unifiedRoles).toEqual(ROLES.map((roleDefinitionId) => ({ roleDefinitionId })));
      expect(create?.status).toBe(201);
      const answer = JSON.parse(readFileSync(join(FIXTURES, 'create_delegatedadminrelationship.response-201.json'), 'utf8')) as Record<string, unknown>;
      const relationshipId = (await h.bot.store.requests.get(requestId as never))?.relationship?.relationshipId ?? '';
      const stored = await fetchGraph(`/v1.0/tenantRelationships/delegatedAdminRelationships/${relationshipId}`);
      expect(Object.keys(stored).sort()).toEqual(Object.keys(answer).sort());

      // …then locked for approval
      const lock = sent.find((r) => r.method === 'POST' && r.path.endsWith(`/${relationshipId}/requests`));
      expect(lock?.body).toEqual({ action: 'lockForApproval' });
      expect(stored.status).toBe('approvalPending');

      // The card sends the customer the admin-center approval link of that relationship
      const url = `https://admin.microsoft.com/AdminPortal/Home#/partners/invitation/granularAdminRelationships/${relationshipId}`;
      const text = cardText(invitationCard(SAM));
      expect(text).toContain(url);
      expect(text).toContain('Directory Readers, Cloud Application Administrator, Global Reader, for 365 days');

      // The customer approves (the sandbox's page); Graph reports it active; the bot gives the configured roles to
      // Azure Managers (an access assignment, active a moment later); the request resumes
      expect(acceptRelationship(h.sandbox.state, { relationship: relationshipId })).toBe(true);
      for (let i = 0; i < 2; i++) {
        h.clock.advance(5 * 60_000);
        await h.bot.relationships.pollNow();
        await h.bot.idle();
      }
      const assignments = h.sandbox.state.gdapRelationships.find((r) => r.id === relationshipId)?.accessAssignments ?? [];
      expect(assignments.map((a) => [a.groupId, a.status, [...a.roles].sort()])).toEqual([[AZURE_MANAGERS, 'active', [...ROLES].sort()]]);
      expect((await stateOf(requestId))).toBe('pending_approval');
      expect(cardsTo(ADA).length).toBeGreaterThan(0);
    });
  });

  /** A Graph GET against the sandbox, as the partner service account (a token from the sandbox's Entra). */
  async function fetchGraph(path: string): Promise<Record<string, unknown>> {
    const token = await userToken(h.sandbox, { resource: 'https://graph.microsoft.com' });
    return new Promise((resolve, reject) => {
      const req = httpsRequest(`${h.sandbox.url}${path}`, { ca: h.sandbox.caCertPem, headers: { authorization: `Bearer ${token}` } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>));
      });
      req.on('error', reject);
      req.end();
    });
  }
});
