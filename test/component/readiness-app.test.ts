// Readiness in the app model (ACCESS_MODEL=app: client credentials in each customer tenant), through the real endpoint,
// a fake connector and the sandbox with its Entra: a consented customer is granted through the app's own service
// principal; one that never consented gets the admin-consent link, to the requester and to the approvers.
import { cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, ALEX, installFrom, SAM } from '../support/teams-users';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE = 'c0000001-0000-4000-8000-0000000000a1';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
/** The partner app's service principal in Contoso's tenant (where it holds RBAC Administrator on Production). */
const APP_SP_IN_CONTOSO = 'c0000001-0000-4000-8000-00000000a990';
const PHARMA = 'c0000002-0000-4000-8000-000000000002';

describe('readiness, app model: the app consented and given its role per customer', () => {
  let h: Harness;
  const { opts, textsTo, samAsks, click } = conversation(() => h);

  beforeEach(async () => {
    h = await startHarness({ ACCESS_MODEL: 'app' });
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
  });
  afterEach(async () => h.stop());

  it('when Contoso consented the app and gave its service principal RBAC Administrator on Production, then the role is granted by that service principal', async () => {
    const { requestId } = await samAsks("give Alice Contributor on Contoso's prod subscription");
    await click(SAM, 'confirm', requestId);
    await click(ADA, 'approve', requestId);

    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('active');
    const granted = h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === ALICE && a.roleDefinitionName === CONTRIBUTOR);
    expect(granted).toHaveLength(1);
    expect(granted[0]?.createdBy).toBe(APP_SP_IN_CONTOSO);
  });

  it('when Contoso Pharma never consented the app, then Sam and the approvers get the admin-consent link of that tenant, and the request waits', async () => {
    const consentUrl = `${h.sandbox.authorityHost}/${PHARMA}/adminconsent?client_id=${h.sandbox.partnerApp.clientId}`;

    // Act: Sam asks (Pharma's directory is closed to the app: Eve is looked up later) and confirms
    const { card, requestId } = await samAsks('give Eve Contributor on Contoso Pharma Pharma Research');
    const draft = cardText(card);
    await click(SAM, 'confirm', requestId);

    // Assert: the draft says what is missing (consent, User.Read.All), who does it and where
    expect(draft).toContain("The bot's app is not consented in Contoso Pharma's directory");
    expect(draft).toContain('User.Read.All');
    expect(draft).toContain(consentUrl);
    expect(draft).toContain("Eve (looked up in Contoso Pharma's directory once I may read it)");
    // …the request waits; the approvers have the link too, once
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('awaiting_relationship');
    for (const approver of [ADA, ALEX]) expect(textsTo(approver).filter((t) => t.startsWith('Action needed for Contoso Pharma') && t.includes(consentUrl))).toHaveLength(1);
    expect(h.sandbox.state.roleAssignments.filter((a) => a.scope.startsWith('/subscriptions/c0000002-') && a.principalType === 'User')).toHaveLength(0);
  });
});
