// A GDAP access assignment removed in Partner Center while the relationship stays active: readiness gives the partner's
// security group the relationship's roles again (the POST Graph documents), as when the relationship was first accepted;
// a grant Azure refused meanwhile waits, goes back to the approvers once the assignment is active, and is granted.
import { DEFAULT_GDAP_ROLES } from '../../src/services/relationships';
import { missingKeys, readFixture } from '../gateways/microsoft-fixtures';
import { ADA, approved, AZURE_MANAGERS, CONTOSO, contosoRelationship, partnerAdminDeletesAssignment, startWorld, type World } from './removal-support';

const CONTOSO_PROD = { tenantId: CONTOSO.tenantId, subscription: { id: 'c0000001-5b50-4000-8000-000000000001' as never } };

describe('a removed access assignment is created again', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => w.stop());

  const posted = () => w.sandbox.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/accessAssignments'));

  it('when a partner admin deletes our access assignment for Contoso, then readiness asks Graph for it again as Graph documents it, and Contoso is ready once Microsoft activates it', async () => {
    // Arrange
    await partnerAdminDeletesAssignment(w);

    // Act
    const first = await w.readiness.check(CONTOSO_PROD, { fresh: true });
    const then = await w.readiness.check(CONTOSO_PROD, { fresh: true });

    // Assert: one POST on Contoso's relationship, in the documented shape, for Azure Managers with roles it holds
    expect(first).toMatchObject({ ready: false, gap: { kind: 'access_assignment_restored', groups: [{ id: AZURE_MANAGERS }] } });
    const relationship = contosoRelationship(w);
    expect(posted().map((r) => r.path)).toEqual([`/v1.0/tenantRelationships/delegatedAdminRelationships/${relationship?.id ?? ''}/accessAssignments`]);
    const { _source, ...documented } = readFixture('graph-gdap/create_delegatedadminaccessassignment.request.json') as Record<string, unknown>;
    const body = posted()[0]?.body as { accessContainer: unknown; accessDetails: { unifiedRoles: { roleDefinitionId: string }[] } };
    expect(missingKeys(documented, body)).toEqual([]);
    expect(body.accessContainer).toEqual({ accessContainerId: AZURE_MANAGERS, accessContainerType: 'securityGroup' });
    const roles = body.accessDetails.unifiedRoles.map((r) => r.roleDefinitionId);
    expect(roles.length).toBeGreaterThan(0);
    expect(roles.every((r) => relationship?.roles.includes(r) && (DEFAULT_GDAP_ROLES as readonly string[]).includes(r))).toBe(true);
    expect(then).toEqual({ ready: true });
    expect(posted()).toHaveLength(1);
    expect((await w.store.audit.list()).filter((e) => e.event === 'gdap_access_assigned')).toHaveLength(1);
  });

  it('when a confirmed request for Contoso finds the assignment deleted, then it waits, Sam and the approvers read that I created it again (someone removed it, maybe on purpose), and it goes to approval once active', async () => {
    // Arrange: Sam confirmed a request for Alice; a partner admin had deleted our assignment for Contoso
    const request = await approved(w, { state: 'awaiting_relationship', approvals: [], relationship: { mode: 'gdap', since: new Date().toISOString() } });
    await partnerAdminDeletesAssignment(w);

    // Act: what Confirm does for a request that waits
    await w.relationships.invite(request);

    // Assert
    expect(await w.store.requests.get(request.id)).toMatchObject({ state: 'awaiting_relationship', relationship: { missing: { kind: 'access_assignment_restored' } } });
    expect(w.told.requester).toEqual([expect.stringMatching(/^Your request for Alice Martin \(Contributor\) on Contoso waits\. Our GDAP relationship with Contoso is active, but the access assignment .* had been removed \(in Partner Center\)\. I created it again; Microsoft activates it within a few minutes\. This request waits until then/)]);
    // Each approver once, in their language.
    expect(w.told.approvers).toEqual([expect.stringMatching(/had been removed \(in Partner Center\)\. I created it again/), expect.stringMatching(/avait été supprimée .* Je l'ai recréée/)]);
    expect(posted()).toHaveLength(1);

    // Act: the watcher's round
    await w.watcher.pollNow();
    expect((await w.store.requests.get(request.id))?.state).toBe('pending_approval');
  });

  it('when the assignment was deleted between approval and the grant, then Sam reads that I created it again, and the request goes back to approval and is granted', async () => {
    // Arrange: Ada approved Alice's Contributor; a partner admin deletes our assignment for Contoso
    const request = await approved(w);
    await partnerAdminDeletesAssignment(w);

    // Act: the grant (Azure refuses it: no GDAP role reaches the service account in Contoso)
    await w.provisioning.start(request.id);

    // Assert: waits, approvals cleared; Sam reads what happened and that it goes on by itself
    expect(w.assignments(request.assignmentName)).toBe(0);
    expect(await w.store.requests.get(request.id)).toMatchObject({ state: 'awaiting_relationship', approvals: [], relationship: { missing: { kind: 'access_assignment_restored' } } });
    expect(w.told.requester).toEqual([expect.stringMatching(
      /^Your request for Alice Martin \(Contributor\) on Contoso had been approved, but I could not grant it: our access to Contoso is gone .* the access assignment that gives the security group "[^"]+" \(5a0e0002-0000-4000-8000-000000000004\) its roles there had been removed \(in Partner Center\)\. I created it again; .* the approvers will then need to approve it again\.$/,
    )]);

    // Act: the watcher's round (the assignment is active now); Ada approves again; the grant
    await w.watcher.pollNow();
    expect((await w.store.requests.get(request.id))?.state).toBe('pending_approval');
    expect((await w.approval.approve(request.id, ADA)).ok).toBe(true);
    await w.provisioning.start(request.id);

    // Assert
    expect((await w.store.requests.get(request.id))?.state).toBe('active');
    expect(w.assignments(request.assignmentName)).toBe(1);
    expect(posted()).toHaveLength(1);
  });
});
