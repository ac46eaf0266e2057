// Removals when the bot's GDAP access to the customer is gone (relationship ended, access assignment removed): an
// approved revoke and the end of time-bound access wait for the access instead of failing or calling ARM again and
// again; Sam and the approvers are told once; the role is removed once the access is back. With the sandbox's ARM,
// which refuses a partner user without GDAP roles in the customer as Azure does (403 AuthorizationFailed).
import { approved, contosoApprovesNewGdap, contosoEndsGdap, granted, startWorld, type World } from './removal-support';

const HOUR = 3_600_000;
const GONE = { kind: 'no_relationship', reseller: true };

describe('removals that wait for the access to their customer', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => w.stop());

  it('when time-bound access ends after Contoso ended our GDAP relationship, then the removal waits (one refused DELETE, not one per sweep), Sam and the approvers hear it once, and the role is removed once access is back', async () => {
    // Arrange: Alice's Contributor on Contoso for one hour; Contoso ends the relationship meanwhile
    const grant = await granted(w, { expiresAt: new Date(Date.now() + HOUR).toISOString() });
    contosoEndsGdap(w);
    w.advance(HOUR);

    // Act: the sweeps at the end, every minute
    await w.expiry.sweep();
    w.advance(60_000);
    await w.expiry.sweep();
    await w.watcher.pollNow();

    // Assert: ARM refused once; the role is still there; the request waits, active, for the relationship
    expect(w.deletes(grant.assignmentName)).toEqual([403]);
    expect(w.assignments(grant.assignmentName)).toBe(1);
    expect(await w.store.requests.get(grant.id)).toMatchObject({ state: 'active', removalWait: { missing: GONE } });
    expect(w.told.requester).toEqual([expect.stringMatching(
      /^The time is up for Alice Martin's Contributor role on Contoso Production, but I could not remove it yet: our access to Contoso is gone \(.*\)\. We have no relationship with Contoso .* The role stays until then\. The removal is not dropped: I carry it out by myself as soon as our access is back, with no new approval\.$/,
    )]);
    expect(w.told.approvers).toEqual([
      expect.stringMatching(/^Action needed for Contoso \(request from Sam\): a role removal on Contoso Production .* waits: our access to Contoso is gone .* I remove it by myself as soon as access is back, with no new approval\.$/),
      expect.stringMatching(/^Action requise pour Contoso \(demande de Sam\)\u00a0: le retrait d'un rôle sur Contoso Production .* est en attente\u00a0: nous n'avons plus accès à Contoso .* sans nouvelle approbation\.$/),
    ]);

    // Act: Contoso approves a new GDAP relationship; the watcher's next round
    await contosoApprovesNewGdap(w);
    await w.watcher.pollNow();

    // Assert: removed in Azure, expired, and nobody told anything more about waiting
    expect(w.deletes(grant.assignmentName)).toEqual([403, 200]);
    expect(w.assignments(grant.assignmentName)).toBe(0);
    const ended = await w.store.requests.get(grant.id);
    expect(ended?.state).toBe('expired');
    expect(ended?.removalWait).toBeUndefined();
    expect(w.told.requester).toHaveLength(1);
    expect(w.told.approvers).toHaveLength(2);
  });

  it('when an approved removal finds our GDAP relationship with Contoso ended, then it waits instead of failing, resumes do not call ARM again, and it is made once access is back', async () => {
    // Arrange: Alice holds Contributor (granted earlier); Ada approved its removal; Contoso ends the relationship
    const grant = await granted(w);
    const removal = await approved(w, { action: 'revoke', assignmentName: grant.assignmentName });
    contosoEndsGdap(w);

    // Act: the removal, then the minute resumes (and a restart's)
    await w.revocation.start(removal.id);
    await w.revocation.resume();
    await w.revocation.idle();

    // Assert: refused once, not failed: it waits in `provisioning`; Sam told once, in words about a removal
    expect(w.deletes(grant.assignmentName)).toEqual([403]);
    expect(await w.store.requests.get(removal.id)).toMatchObject({ state: 'provisioning', removalWait: { missing: GONE } });
    expect(w.told.requester).toEqual([expect.stringMatching(/^I could not remove Contributor from Alice Martin on Contoso Production yet: our access to Contoso is gone .* with no new approval\.$/)]);
    expect(w.told.approvers).toHaveLength(2);

    // Act: access back; the watcher's round
    await contosoApprovesNewGdap(w);
    await w.watcher.pollNow();
    await w.revocation.idle();

    // Assert: removed, revoked
    expect(w.deletes(grant.assignmentName)).toEqual([403, 200]);
    expect(w.assignments(grant.assignmentName)).toBe(0);
    expect(await w.store.requests.get(removal.id)).toMatchObject({ state: 'revoked', outcome: { kind: 'removed' } });
  });

  it('when ARM refuses a removal while our access to Contoso is intact, then it fails with Azure\'s code as before and nobody is told to wait', async () => {
    const grant = await granted(w);
    const removal = await approved(w, { action: 'revoke', assignmentName: grant.assignmentName });
    w.sandbox.faults.add({ operation: 'roleAssignments.delete', kind: 'forbidden', times: 1 });

    await w.revocation.start(removal.id);

    expect(await w.store.requests.get(removal.id)).toMatchObject({ state: 'failed', outcome: { kind: 'failed', code: 'AuthorizationFailed' } });
    expect(w.assignments(grant.assignmentName)).toBe(1);
    expect(w.told).toEqual({ requester: [], approvers: [] });
  });
});
