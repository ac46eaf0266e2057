// Needs the main.ts wiring of h-gdap's report (readiness with GDAP completion, removals waiting for access): through the
// real endpoint, a fake connector and the sandbox, an approved removal whose GDAP access assignment a partner admin
// deleted in Partner Center waits instead of failing, Sam and the approvers read why (en, fr), the bot creates the
// assignment again, and the role is removed once it is active — with no new approval.
import { cardOf } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, SAM, type TeamsUser } from '../support/teams-users';
import { GRAPH, rawCall } from '../sandbox/raw-client';

const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const BOB = 'c0000001-0000-4000-8000-0000000000b1';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const FIVE_MINUTES = 5 * 60_000;
const RELATIONSHIPS = '/v1.0/tenantRelationships/delegatedAdminRelationships';

describe('a removal when our GDAP access assignment is gone', () => {
  let h: Harness;
  const opts = (locale = 'en-US') => ({ serviceUrl: h.connector.serviceUrl, locale });
  const textsTo = (who: TeamsUser) => h.connector.to(who.conversationId).filter((a) => a.method === 'POST').map((a) => a.body.text ?? '');
  const bobsReader = () => h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === BOB && a.roleDefinitionName === READER);
  const deletes = () => h.sandbox.requests.filter((r) => r.method === 'DELETE' && r.path.includes('/roleAssignments/')).map((r) => r.status);

  beforeEach(async () => {
    h = await startHarness({ GDAP_SECURITY_GROUPS: AZURE_MANAGERS });
    await h.post(installFrom(ADA, opts('fr-FR')));
    await h.post(installFrom(ALEX, opts()));
  });
  afterEach(async () => h.stop());

  it('when a partner admin deletes our access assignment for Contoso before Ada approves a removal, then it waits, everyone reads why, and Bob\'s Reader is removed once the bot has re-created the assignment', async () => {
    // Arrange: Sam asks to remove Bob's Reader and confirms; a partner admin deletes Azure Managers' assignment for Contoso
    await h.post(messageFrom(SAM, "remove Bob's Reader on Contoso prod", opts()));
    const requestId = cardOf(h.connector.to(SAM.conversationId).at(-1))?.actions?.[0]?.data?.requestId;
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.bot.idle();
    const relationship = h.sandbox.state.gdapRelationships.find((r) => r.customerTenantId === CONTOSO && r.status === 'active');
    const path = `${RELATIONSHIPS}/${relationship?.id ?? ''}/accessAssignments`;
    const listed = (await rawCall(h.sandbox, 'GET', path, { scope: GRAPH })).body as { value: { id: string; '@odata.etag': string; accessContainer: { accessContainerId: string } }[] };
    const ours = listed.value.find((a) => a.accessContainer.accessContainerId === AZURE_MANAGERS);
    expect((await rawCall(h.sandbox, 'DELETE', `${path}/${ours?.id ?? ''}`, { scope: GRAPH, headers: { 'if-match': ours?.['@odata.etag'] ?? '' } })).status).toBe(204);

    // Act: Ada approves
    await h.post(actionFrom(ADA, 'approve', { requestId }, opts('fr-FR')));
    await h.bot.idle();

    // Assert: refused once, not failed; Bob keeps Reader for now; Sam and the approvers read that it waits and why
    expect(deletes()).toEqual([403]);
    expect(bobsReader()).toHaveLength(1);
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('provisioning');
    expect(textsTo(SAM).filter((t) => t.startsWith('I could not remove'))).toEqual([expect.stringMatching(
      /^I could not remove Reader from Bob Durand on Contoso Production yet: our access to Contoso is gone .* had been removed \(in Partner Center\)\. I created it again; .* with no new approval\.$/,
    )]);
    expect(textsTo(ALEX).filter((t) => t.startsWith('Action needed for Contoso'))).toEqual([expect.stringContaining('a role removal on Contoso Production')]);
    expect(textsTo(ADA).filter((t) => t.startsWith('Action requise pour Contoso'))).toEqual([expect.stringContaining("le retrait d'un rôle sur Contoso Production")]);

    // Act: the watcher's next round (the re-created assignment is active)
    h.clock.advance(FIVE_MINUTES);
    await h.bot.relationships.pollNow();
    await h.bot.idle();

    // Assert: removed, and Sam told it is done
    expect(deletes()).toEqual([403, 200]);
    expect(bobsReader()).toHaveLength(0);
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('revoked');
    expect(textsTo(SAM).some((t) => t.includes('Done: Bob Durand no longer has Reader on Contoso Production'))).toBe(true);
  });
});
