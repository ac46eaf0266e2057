// Contoso ends our GDAP relationship between approval and provisioning: through the real endpoint, a fake connector and
// the sandbox, the request waits for a new relationship instead of failing, the requester and the approvers read why,
// and it is granted once Contoso approves the new relationship and an approver approves again.
import { acceptRelationship } from '../../src/sandbox/relationship-page';
import { cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, SAM, type TeamsUser } from '../support/teams-users';

const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const ALICE = 'c0000001-0000-4000-8000-0000000000a1';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const FIVE_MINUTES = 5 * 60_000;

type Action = { verb?: string; data?: Record<string, unknown> };

describe('GDAP access to the customer lost after approval', () => {
  let h: Harness;
  const opts = (locale = 'en-US') => ({ serviceUrl: h.connector.serviceUrl, locale });
  const textsTo = (who: TeamsUser) => h.connector.to(who.conversationId).filter((a) => a.method === 'POST').map((a) => a.body.text ?? '').filter(Boolean);
  const cardsTo = (who: TeamsUser) => h.connector.to(who.conversationId).map((a) => cardOf(a)).filter((c): c is CardJson => Boolean(c));
  const stored = (id: string) => h.bot.store.requests.get(id as never);
  const alicesContributor = () => h.sandbox.state.roleAssignments.filter((a) => a.principalId === ALICE && a.roleDefinitionName === CONTRIBUTOR);
  const poll = async () => {
    h.clock.advance(FIVE_MINUTES);
    await h.bot.relationships.pollNow();
    await h.bot.idle();
  };

  beforeEach(async () => {
    h = await startHarness({ GDAP_SECURITY_GROUPS: AZURE_MANAGERS });
    await h.post(installFrom(ADA, opts('fr-FR')));
    await h.post(installFrom(ALEX, opts()));
  });
  afterEach(async () => h.stop());

  it('when Contoso ends our GDAP relationship after Ada approved, then Sam and the approvers read why it waits, Sam gets a new relationship request, and it is granted once Contoso approves it', async () => {
    // Arrange: Sam's request for Alice on Contoso, confirmed, waits for approval
    await h.post(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", opts()));
    const requestId = (cardsTo(SAM).at(-1)?.actions as Action[] | undefined)?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error(`no confirmation card: ${cardText(cardsTo(SAM).at(-1))}`);
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.bot.idle();
    expect((await stored(requestId))?.state).toBe('pending_approval');
    // Contoso's global administrator terminates the relationship in their admin center
    const ended = h.sandbox.state.gdapRelationships.filter((r) => r.customerTenantId.toLowerCase() === CONTOSO && r.status === 'active');
    expect(ended.length).toBeGreaterThan(0);
    for (const relationship of ended) relationship.status = 'terminated';

    // Act: Ada approves
    await h.post(actionFrom(ADA, 'approve', { requestId }, opts('fr-FR')));
    await h.bot.idle();

    // Assert: nothing granted, nothing failed; it waits, and each of them reads why
    expect((await stored(requestId))?.state).toBe('awaiting_relationship');
    expect(alicesContributor()).toHaveLength(0);
    expect(textsTo(SAM).filter((t) => t.includes('waits') && t.includes('no relationship with Contoso'))).toHaveLength(1);
    expect(textsTo(ALEX).filter((t) => t.startsWith('Action needed for Contoso') && t.includes('no relationship with Contoso'))).toHaveLength(1);
    expect(textsTo(ADA).filter((t) => t.startsWith('Action requise') && t.includes('Contoso'))).toHaveLength(1);
    expect([...textsTo(SAM), ...textsTo(ALEX)].some((t) => t.includes('I could not give'))).toBe(false);

    // Act: the watcher sends Sam a new GDAP relationship request; Contoso approves it; Alex approves the request again
    await poll();
    const relationshipId = (await stored(requestId))?.relationship?.relationshipId ?? '';
    expect(ended.map((r) => r.id)).not.toContain(relationshipId);
    expect(cardsTo(SAM).some((c) => cardText(c).includes(relationshipId))).toBe(true);
    expect(acceptRelationship(h.sandbox.state, { relationship: relationshipId })).toBe(true);
    await poll();
    await poll();
    expect((await stored(requestId))?.state).toBe('pending_approval');
    await h.post(actionFrom(ALEX, 'approve', { requestId }, opts()));
    await h.bot.idle();

    // Assert: granted
    expect((await stored(requestId))?.state).toBe('active');
    expect(alicesContributor()).toHaveLength(1);
  });
});
