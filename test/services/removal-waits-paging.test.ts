// The waiting removals the relationship watcher takes up are found however many other ended grants are overdue
// before them (read by due time, oldest first, `limit` at a time).
import type { AccessRequest } from '../../src/domain/access-request';
import { WaitingRemovals } from '../../src/services/removal-waits';
import type { Store } from '../../src/store/ports';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { insert, makeRequest, tempStorePath } from '../store/store-fixtures';

const clock = { now: () => new Date('2025-03-03T09:00:00.000Z') };
const GONE = { kind: 'no_relationship', reseller: true } as const;
const notCalled = () => ({ resumeWaiting: () => Promise.reject(new Error('not expected')) });

describe('waiting removals behind many overdue grants', () => {
  let file: ReturnType<typeof tempStorePath>;
  let store: Store;
  beforeEach(() => {
    file = tempStorePath();
    store = openSqliteStore(file.path);
  });
  afterEach(async () => {
    await store.close();
    file.cleanup();
  });

  const activeUntil = (n: number, expiresAt: string, extra: Partial<AccessRequest> = {}) =>
    makeRequest(`e0000000-0000-4000-8000-00000000000${n}`, { state: 'active', expiresAt, ...extra });

  it('when more ended grants than one read holds end before the waiting ones, then every waiting one is still found', async () => {
    // Arrange: five grants ended on 1 March (the expiry sweep's backlog), two that wait for their access ended later
    for (let n = 0; n < 5; n++) await insert(store, activeUntil(n, `2025-03-01T1${n}:00:00.000Z`));
    await insert(store, activeUntil(5, '2025-03-02T10:00:00.000Z', { removalWait: { since: '2025-03-02T10:00:00.000Z', missing: GONE } }));
    await insert(store, activeUntil(6, '2025-03-02T11:00:00.000Z', { removalWait: { since: '2025-03-02T11:00:00.000Z', missing: GONE } }));
    const removals = new WaitingRemovals({ requests: store.requests, clock, revocation: notCalled, expiry: notCalled, limit: 2 });

    // Act
    const waiting = await removals.waiting();

    // Assert
    expect(waiting.map((request) => request.id).sort()).toEqual(['e0000000-0000-4000-8000-000000000005', 'e0000000-0000-4000-8000-000000000006']);
  });
});
