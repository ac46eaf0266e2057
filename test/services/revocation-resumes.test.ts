// Two bot instances on one store and a removal waiting for the access to its customer: a resume that did not run on
// one instance (the other held the request's claim) leaves nothing behind that makes a later resume call ARM.
// With the sandbox's ARM, which records every DELETE it answered.
import { createGateways } from '../../src/gateways';
import { JobLeases } from '../../src/services/job-leases';
import { RevocationService } from '../../src/services/revocation';
import { sandboxUserCredential } from '../support/sandbox-tokens';
import { approved, contosoEndsGdap, CONTOSO, granted, PARTNER, PROD, startWorld, type World } from './removal-support';

describe('a waiting removal resumed on two instances', () => {
  let w: World;
  let stops: (() => Promise<void>)[] = [];
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(async () => {
    for (const stop of stops) await stop();
    stops = [];
    await w.stop();
  });

  /**
   * One bot instance's revocation: the same store, Azure and readiness, its own leases. It has been running: it holds
   * a token for Contoso (an hour's), so what it asks after our GDAP relationship ended reaches ARM, which refuses it.
   */
  async function instance(holder: string): Promise<RevocationService> {
    const { sandbox } = w;
    const gateways = createGateways({ armEndpoint: sandbox.url, graphEndpoint: sandbox.url, partnerCenterEndpoint: sandbox.url, credential: sandboxUserCredential(sandbox), partnerTenantId: PARTNER, tlsCa: sandbox.caCertPem, retryOptions: { maxRetries: 0 } });
    const clock = { now: () => new Date() };
    const jobs = new JobLeases({ leases: w.store.leases, holder, clock });
    const revocation = new RevocationService({ requests: w.store.requests, changes: w.store.changes, clock, rbac: gateways.rbac, readiness: w.readiness, jobs, onError: (error) => {
      throw error;
    } });
    await gateways.rbac.listRoleAssignments(CONTOSO.tenantId, PROD);
    stops.push(async () => {
      await revocation.stop();
      await jobs.stop();
    });
    return revocation;
  }

  it('when one instance\'s resume finds the claim held by the other, whose removal is refused again, then its next minute resume leaves the waiting removal alone (no third DELETE)', async () => {
    // Arrange: Alice holds Contributor; Ada approved its removal; Contoso ended our GDAP relationship; instance A's
    // removal was refused (403) and waits for the access.
    const a = await instance('instance-a');
    const b = await instance('instance-b');
    const grant = await granted(w);
    const removal = await approved(w, { action: 'revoke', assignmentName: grant.assignmentName });
    contosoEndsGdap(w);
    await a.start(removal.id);
    expect(w.deletes(grant.assignmentName)).toEqual([403]);

    // Act: both instances' watchers resume it (as when access seemed back). B takes the claim first; its DELETE is
    // slow at ARM; A's resume finds the claim held and does nothing. B's DELETE is refused: it waits again.
    w.sandbox.faults.add({ operation: 'roleAssignments.delete', kind: 'delay', delayMs: 300 });
    const byB = b.resumeWaiting(removal.id);
    while (w.sandbox.faults.pending.length > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    expect(await a.resumeWaiting(removal.id)).toBe(false);
    expect(await byB).toBe(true);
    expect(w.deletes(grant.assignmentName)).toEqual([403, 403]);
    expect(await w.store.requests.get(removal.id)).toMatchObject({ state: 'provisioning', removalWait: { missing: { kind: 'no_relationship' } } });

    // Act: A's minute resume (ClaimedRunner.resumeEvery), twice
    await a.resume();
    await a.idle();
    await a.resume();
    await a.idle();

    // Assert: Azure received no DELETE more; the removal still waits, and the role is still there to remove
    expect(w.deletes(grant.assignmentName)).toEqual([403, 403]);
    expect(await w.store.requests.get(removal.id)).toMatchObject({ state: 'provisioning', removalWait: { missing: { kind: 'no_relationship' } } });
    expect(w.assignments(grant.assignmentName)).toBe(1);
  });
});
