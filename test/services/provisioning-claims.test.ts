// Two instances provisioning (revoking, expiring) on one store: each request under one instance's claim. A second instance that
// starts (and resumes) while the first is mid-call leaves the request alone; it takes over once a dead holder's claim ran out.
import type { AccessRequest } from '../../src/domain/access-request';
import { ExpiryService } from '../../src/services/expiry';
import { JobLeases } from '../../src/services/job-leases';
import type { AzureRbacGateway } from '../../src/services/ports';
import { ProvisioningService } from '../../src/services/provisioning';
import { RevocationService } from '../../src/services/revocation';
import type { Store } from '../../src/store/ports';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { sendingChanges } from '../support/sending-changes';
import { answerHeld, approvedRequest, READER_GUID, startWorld, type World } from './provisioning-support';

const CLAIM_TTL_MS = 60_000;

/** An instance of the bot's provisioning on its own connection to the world's store, with its own lease holder. */
function instance(w: World, holder: string, store: Store, rbac: AzureRbacGateway = w.rbac): { service: ProvisioningService; errors: unknown[] } {
  const errors: unknown[] = [];
  const jobs = new JobLeases({ leases: store.leases, holder, clock: w.clock, onError: (error) => errors.push(error) });
  const { changes } = sendingChanges(store, w.notifier);
  const service = new ProvisioningService({
    requests: store.requests, changes, clock: w.clock, rbac, sleep: w.sleep, jobs, claimTtlInMs: CLAIM_TTL_MS,
    onError: (error) => errors.push(error),
  });
  return { service, errors };
}

const events = async (w: World, request: AccessRequest) => (await w.store.audit.list(request.id)).map((entry) => entry.event);
const assignmentsOf = (w: World, request: AccessRequest) => w.sandbox.state.roleAssignments.filter((a) => a.name === request.assignmentName);
const putsOf = (w: World, request: AccessRequest) => w.sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(request.assignmentName));
const shown = (w: World, request: AccessRequest) => w.notifier.changes.filter((c) => c.id === request.id).map((c) => c.state);

describe('provisioning claims: two instances on one store', () => {
  let w: World;
  let second: Store;
  beforeEach(async () => {
    w = await startWorld();
    second = openSqliteStore(w.storePath);
  });
  afterEach(async () => {
    await second.close();
    await w.stop();
  });

  it('when an instance starts and resumes while another is mid-provisioning, then the request is provisioned once', async () => {
    const request = approvedRequest(w.clock);
    await w.insert(request);
    const arm = answerHeld(w.rbac, 'create');
    const a = instance(w, 'instance-a', w.store, arm.rbac);
    const b = instance(w, 'instance-b', second);

    const provisioning = a.service.start(request.id);
    await arm.reached;
    // B starts now: it finds the request `provisioning` and another instance's claim on it.
    await b.service.resume();
    expect(await events(w, request)).toEqual(['seeded', 'provisioning_started']);
    expect(putsOf(w, request)).toHaveLength(1);

    arm.letThrough();
    await provisioning;
    await b.service.resume();
    await b.service.stop();

    expect(await w.store.requests.get(request.id)).toMatchObject({ state: 'active', outcome: { kind: 'created' } });
    expect(await events(w, request)).toEqual(['seeded', 'provisioning_started', 'provisioned']);
    expect(putsOf(w, request)).toHaveLength(1);
    expect(assignmentsOf(w, request)).toHaveLength(1);
    expect(shown(w, request)).toEqual(['provisioning', 'active']);
    expect([...a.errors, ...b.errors]).toEqual([]);
  });

  it('when the holder dies mid-call (ARM holds its answer), then the other instance finishes the request once the claim ran out', async () => {
    const request = approvedRequest(w.clock);
    await w.insert(request);
    // ARM makes the assignment and holds its answer far longer than the test: the first instance never hears back.
    w.sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'delay', delayMs: 600_000, after: true, times: 1 });
    const a = instance(w, 'instance-a', w.store);
    const b = instance(w, 'instance-b', second);
    void a.service.start(request.id);
    while (assignmentsOf(w, request).length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // A dies: nothing it does reaches the store any more; its claim is never released nor renewed.
    await w.store.close();

    await b.service.resume();
    expect(putsOf(w, request)).toHaveLength(1);
    expect((await second.requests.get(request.id))?.state).toBe('provisioning');

    w.clock.advance(CLAIM_TTL_MS);
    await b.service.resume();
    await b.service.stop();

    expect(await second.requests.get(request.id)).toMatchObject({ state: 'active', outcome: { kind: 'created' } });
    const audit = (await second.audit.list(request.id)).map((entry) => entry.event);
    // The second start is the takeover, on the record; the outcome is written once.
    expect(audit).toEqual(['seeded', 'provisioning_started', 'provisioning_started', 'provisioned']);
    expect(assignmentsOf(w, request)).toHaveLength(1);
    expect(shown(w, request).filter((state) => state === 'active')).toHaveLength(1);
    expect(b.errors).toEqual([]);
  });

  it('when an instance resumes while another is mid-removal, then the removal is done and recorded once', async () => {
    // Arrange: Alice holds Contributor under the request's name; a removal of it was approved.
    const grant = approvedRequest(w.clock);
    w.sandbox.state.roleAssignments.push({
      name: grant.assignmentName, scope: grant.scope, roleDefinitionName: grant.role.definitionId.split('/').at(-1) ?? '', principalId: grant.principal.id, principalType: 'User',
      description: null, createdOn: '2026-01-01T00:00:00.0000000Z', updatedOn: '2026-01-01T00:00:00.0000000Z', createdBy: null, updatedBy: null,
    });
    const removal = { ...grant, action: 'revoke' as const };
    await w.insert(removal);
    const arm = answerHeld(w.rbac, 'delete');
    const errors: unknown[] = [];
    const revocationOn = (store: Store, holder: string, rbac: AzureRbacGateway) => new RevocationService({
      requests: store.requests, changes: sendingChanges(store, w.notifier).changes, clock: w.clock, rbac,
      jobs: new JobLeases({ leases: store.leases, holder, clock: w.clock }), onError: (error) => errors.push(error),
    });
    const a = revocationOn(w.store, 'instance-a', arm.rbac);
    const b = revocationOn(second, 'instance-b', w.rbac);
    // Act
    const removing = a.start(removal.id);
    await arm.reached;
    await b.resume();
    const whileHeld = await events(w, removal);
    arm.letThrough();
    await removing;
    await b.resume();
    await b.stop();
    // Assert
    expect(whileHeld).toEqual(['seeded', 'revocation_started']);
    expect(await events(w, removal)).toEqual(['seeded', 'revocation_started', 'revoked']);
    expect(w.sandbox.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith(removal.assignmentName))).toHaveLength(1);
    expect(assignmentsOf(w, removal)).toHaveLength(0);
    expect(shown(w, removal).filter((state) => state !== 'provisioning')).toHaveLength(1);
    expect(errors).toEqual([]);
  });

  it('when the expiry sweep lease changes hands mid-DELETE, then each expired request is deleted once at ARM and expired once', async () => {
    // Arrange: two time-bound grants that ended; A's first DELETE reaches ARM and its answer is held.
    const grant = async (durationInMs: number, roleGuid?: string): Promise<AccessRequest> => {
      const request = approvedRequest(w.clock, { expiresAt: new Date(w.clock.at + durationInMs).toISOString(), ...(roleGuid ? { roleGuid } : {}) });
      await w.insert(request);
      await instance(w, 'granting', w.store).service.start(request.id);
      return request;
    };
    const first = await grant(60 * 60_000);
    const next = await grant(61 * 60_000, READER_GUID);
    w.clock.advance(2 * 60 * 60_000);
    const arm = answerHeld(w.rbac, 'delete');
    const errors: unknown[] = [];
    // Each instance's sweep lease lasts 30 s, each request's claim 60 s.
    const expiryOn = (store: Store, holder: string, rbac: AzureRbacGateway) => new ExpiryService({
      requests: store.requests, changes: sendingChanges(store, w.notifier).changes, clock: w.clock, rbac, reminderBeforeInMs: 0,
      jobs: new JobLeases({ leases: store.leases, holder, clock: w.clock, ttlInMs: 30_000 }), claimTtlInMs: CLAIM_TTL_MS, onError: (error) => errors.push(error),
    });
    const a = expiryOn(w.store, 'instance-a', arm.rbac);
    const b = expiryOn(second, 'instance-b', w.rbac);
    // Act: A stalls past its sweep lease (its renewals did not land); B takes the sweep over and runs it whole.
    const sweepingA = a.sweep();
    await arm.reached;
    w.clock.advance(30_000);
    const sweptB = await b.sweep();
    arm.letThrough();
    const sweptA = await sweepingA;
    // Assert
    const deletesOf = (request: AccessRequest) => w.sandbox.requests.filter((r) => r.method === 'DELETE' && r.path.endsWith(request.assignmentName));
    expect(deletesOf(first)).toHaveLength(1);
    expect(deletesOf(next)).toHaveLength(1);
    expect(sweptA.expired + sweptB.expired).toBe(2);
    for (const request of [first, next]) {
      expect((await w.store.requests.get(request.id))?.state).toBe('expired');
      expect((await events(w, request)).filter((event) => event === 'expired')).toHaveLength(1);
      expect(shown(w, request).filter((state) => state === 'expired')).toHaveLength(1);
      expect(assignmentsOf(w, request)).toHaveLength(0);
    }
    expect(errors).toEqual([]);
  });
});
