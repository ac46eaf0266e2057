// The approval-timeout sweep on two bot instances sharing one store (both sweep at once, as when the lease changes
// hands mid-sweep): each overdue request times out once — one audit entry, one message — and the instance that lost
// the race records nothing about it.
import { requestId } from '../../src/domain/ids';
import type { Store } from '../../src/store/ports';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { makeRequest, tempStorePath } from '../store/store-fixtures';
import { sweepingApproval } from '../support/sweeping-approval';

const DAY = 24 * 3_600_000;
const clock = { now: () => new Date('2025-03-03T09:00:00.000Z') };
const approvalOn = (store: Store) => sweepingApproval(store, clock, DAY);

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
