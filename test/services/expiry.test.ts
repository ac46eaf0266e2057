// ExpiryService with a real SQLite store and the real ARM SDK client against the sandbox: one reminder before the end,
// DELETE at the end (204 "already gone" is fine), `expired` recorded and told, and sweeps that survive a restart.
import type { AccessRequest } from '../../src/domain/access-request';
import { ExpiryService } from '../../src/services/expiry';
import { ProvisioningService } from '../../src/services/provisioning';
import { approvedRequest, PROD, startWorld, type World } from './provisioning-support';

const HOUR = 3_600_000;

function expiryFor(w: World): ExpiryService {
  return new ExpiryService({ requests: w.store.requests, changes: w.changes, clock: w.clock, rbac: w.rbac, onError: (error) => w.errors.push(error) });
}

/** Provisions a time-bound request for real (PUT to the sandbox); returns it as stored (active). */
async function grantFor(w: World, durationInMs: number, overrides: Partial<AccessRequest> = {}): Promise<AccessRequest> {
  const request = approvedRequest(w.clock, { expiresAt: new Date(w.clock.at + durationInMs).toISOString(), ...overrides });
  await w.insert(request);
  await new ProvisioningService({ requests: w.store.requests, changes: w.changes, clock: w.clock, rbac: w.rbac, onError: (e) => w.errors.push(e) }).start(request.id);
  const active = (await w.store.requests.get(request.id));
  if (active?.state !== 'active') throw new Error(`not granted: ${JSON.stringify(active?.outcome)}`);
  return active;
}

describe('ExpiryService', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(() => w.stop());

  it('when time-bound access reaches its end, then the assignment is deleted in Azure, the request is expired and the requester told', async () => {
    const request = await grantFor(w, 8 * HOUR);
    expect(w.sandbox.state.findAssignment(PROD, request.assignmentName)).toBeDefined();
    const expiry = expiryFor(w);

    w.clock.advance(8 * HOUR - 1);
    expect(await expiry.sweep()).toMatchObject({ expired: 0 });
    w.clock.advance(1);
    expect(await expiry.sweep()).toEqual({ reminded: 0, expired: 1, failed: 0 });

    expect(w.sandbox.state.findAssignment(PROD, request.assignmentName)).toBeUndefined();
    expect(w.sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([200]);
    expect((await w.store.requests.get(request.id))?.state).toBe('expired');
    expect(w.notifier.changes.at(-1)).toEqual({ id: request.id, state: 'expired' });
    expect((await w.store.audit.list(request.id)).at(-1)).toMatchObject({ event: 'expired', detail: { removed: true } });
  });

  it('when the end comes within the reminder lead (1 h), then the requester is reminded once, whatever the number of sweeps', async () => {
    const request = await grantFor(w, 8 * HOUR);
    const expiry = expiryFor(w);
    w.clock.advance(7 * HOUR - 1);
    await expiry.sweep();
    expect(w.notifier.reminders).toHaveLength(0);
    w.clock.advance(1);
    await expiry.sweep();
    w.clock.advance(30 * 60_000);
    await expiry.sweep();
    await expiryFor(w).sweep(); // another instance, or after a restart
    expect(w.notifier.reminders.map((r) => r.id)).toEqual([request.id]);
    expect((await w.store.requests.get(request.id))).toMatchObject({ state: 'active', reminderSentAt: new Date(w.clock.at - 30 * 60_000).toISOString() });
  });

  it('when someone already removed the assignment, then ARM answers 204 and the request still expires', async () => {
    const request = await grantFor(w, HOUR);
    const held = w.sandbox.state.findAssignment(PROD, request.assignmentName);
    if (held) w.sandbox.state.removeAssignment(held);
    w.clock.advance(HOUR);
    expect(await expiryFor(w).sweep()).toMatchObject({ expired: 1 });
    expect(w.sandbox.requests.filter((r) => r.method === 'DELETE').map((r) => r.status)).toEqual([204]);
    expect((await w.store.audit.list(request.id)).at(-1)).toMatchObject({ event: 'expired', detail: { removed: false } });
  });

  it('when ARM refuses the DELETE, then the request stays active and the next sweep removes it', async () => {
    const request = await grantFor(w, HOUR);
    w.clock.advance(2 * HOUR);
    w.sandbox.faults.add({ operation: 'roleAssignments.delete', kind: 'forbidden' });
    expect(await expiryFor(w).sweep()).toMatchObject({ expired: 0, failed: 1 });
    expect((await w.store.requests.get(request.id))?.state).toBe('active');
    expect(w.errors).toHaveLength(1);
    expect(await expiryFor(w).sweep()).toMatchObject({ expired: 1 });
    expect(w.sandbox.state.findAssignment(PROD, request.assignmentName)).toBeUndefined();
  });

  it('when the person already had the role before the request, then at the end nothing is deleted and the request expires', async () => {
    const bob = { id: 'c0000001-0000-4000-8000-0000000000b1' as AccessRequest['principal']['id'], displayName: 'Bob', userPrincipalName: 'bob@contoso.onmicrosoft.com', principalType: 'User' as const };
    const request = await grantFor(w, HOUR, { principal: bob, role: { definitionId: `${PROD}/providers/Microsoft.Authorization/roleDefinitions/acdd72a7-3385-48ef-bd42-f606fba81ae7`, name: 'Reader' } });
    expect(request.outcome?.kind).toBe('already_existed');
    w.clock.advance(HOUR);
    expect(await expiryFor(w).sweep()).toMatchObject({ expired: 1 });
    expect(w.sandbox.requests.filter((r) => r.method === 'DELETE')).toHaveLength(0);
    expect(w.sandbox.state.findAssignment(PROD, 'b0b0b0b0-0000-4000-8000-000000000001')).toBeDefined();
  });

  it('when access has no end, then the sweeper leaves it alone', async () => {
    const request = approvedRequest(w.clock);
    await w.insert(request);
    await new ProvisioningService({ requests: w.store.requests, changes: w.changes, clock: w.clock, rbac: w.rbac, onError: (e) => w.errors.push(e) }).start(request.id);
    w.clock.advance(1000 * HOUR);
    expect(await expiryFor(w).sweep()).toEqual({ reminded: 0, expired: 0, failed: 0 });
    expect((await w.store.requests.get(request.id))?.state).toBe('active');
  });

  it('when more ended grants wait for their access than one sweep reads, then a grant that ended after them is still removed', async () => {
    // Arrange: Alice's grant ends in two hours; three others ended an hour earlier and wait for their customer's access
    const request = await grantFor(w, 2 * HOUR);
    const end = new Date(w.clock.at + HOUR).toISOString();
    for (let n = 0; n < 3; n++) await w.insert(approvedRequest(w.clock, { state: 'active', expiresAt: end, removalWait: { since: end, missing: { kind: 'no_relationship', reseller: true } } }));
    const expiry = new ExpiryService({ requests: w.store.requests, changes: w.changes, clock: w.clock, rbac: w.rbac, onError: (error) => w.errors.push(error), reminderBeforeInMs: 0, limit: 2 });

    // Act
    w.clock.advance(3 * HOUR);
    const swept = await expiry.sweep();

    // Assert: removed in Azure and expired; the waiting ones were not touched
    expect(swept).toEqual({ reminded: 0, expired: 1, failed: 0 });
    expect(w.sandbox.state.findAssignment(PROD, request.assignmentName)).toBeUndefined();
    expect((await w.store.requests.get(request.id))?.state).toBe('expired');
    expect(w.sandbox.requests.filter((r) => r.method === 'DELETE')).toHaveLength(1);
  });
});
