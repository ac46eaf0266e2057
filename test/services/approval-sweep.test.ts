// The approval-timeout sweep on two bot instances sharing one store (both sweep at once, as when the lease changes
// hands mid-sweep): each overdue request times out once — one audit entry, one message — and the instance that lost
// the race records nothing about it.
import type { TokenCredential } from '@azure/identity';
import { requestId } from '../../src/domain/ids';
import { createGateways } from '../../src/gateways';
import { loadPolicy } from '../../src/policy/load-policy';
import { AccessControl } from '../../src/services/access-control';
import { ApprovalService } from '../../src/services/approval';
import type { Store } from '../../src/store/ports';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { makeRequest, tempStorePath } from '../store/store-fixtures';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const DAY = 24 * 3_600_000;
const clock = { now: () => new Date('2025-03-03T09:00:00.000Z') };
/** Timing out asks no cloud: a credential that would say so. */
const noCloud: TokenCredential = { getToken: () => Promise.reject(new Error('the approval sweep calls no cloud')) };

function approvalOn(store: Store): ApprovalService {
  const gateways = createGateways({ armEndpoint: 'https://127.0.0.1:9', graphEndpoint: 'https://127.0.0.1:9', partnerCenterEndpoint: 'https://127.0.0.1:9', credential: noCloud, partnerTenantId: PARTNER });
  const access = new AccessControl({ policy: loadPolicy(undefined), approvers: [], directory: gateways.directory, partnerTenantId: PARTNER, clock });
  return new ApprovalService({ requests: store.requests, changes: store.changes, clock, access, approvalTtlInMs: DAY, onApproved: () => undefined });
}

describe('the approval-timeout sweep on two instances', () => {
  let file: ReturnType<typeof tempStorePath>;
  let stores: Store[];
  beforeEach(() => {
    file = tempStorePath();
    stores = [openSqliteStore(file.path), openSqliteStore(file.path)];
  });
  afterEach(async () => {
    for (const store of stores) await store.close();
    file.cleanup();
  });

  it('when both instances sweep the same 6 overdue requests at once, then each times out once, with one audit entry and one message', async () => {
    // Arrange: six requests waiting for approval since two days (the window is one).
    const [a, b] = stores;
    if (!a || !b) throw new Error('not opened');
    const ids = Array.from({ length: 6 }, (_, n) => `a0000000-0000-4000-8000-00000000000${n}`);
    for (const id of ids) {
      const request = makeRequest(id, { state: 'pending_approval', pendingSince: '2025-03-01T09:00:00.000Z' });
      await a.changes.record({ request, audit: { requestId: request.id, event: 'confirmed', actor: 'sam', at: request.updatedAt } });
    }
    // Act
    const [first, second] = await Promise.all([approvalOn(a).expireOverdue(), approvalOn(b).expireOverdue()]);
    // Assert: every request timed out by exactly one of them; the trail holds the time-out once and nothing else.
    expect([...first, ...second].map((request) => request.id).sort()).toEqual(ids);
    for (const id of ids) {
      expect((await a.requests.get(requestId(id)))?.state).toBe('timed_out');
      expect((await a.audit.list(id)).map((entry) => entry.event)).toEqual(['confirmed', 'timed_out']);
    }
    expect((await a.outbox.pending(100)).map((message) => message.requestId).sort()).toEqual(ids);
  });
});
