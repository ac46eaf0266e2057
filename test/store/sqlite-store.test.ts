// The durable store: compare-and-set on a version, one write per change (request, audit entry, outbox), the outbox,
// the due index, survival across a restart, a locked file that fails one write without freezing the others.
import Database from 'better-sqlite3';
import { spawn } from 'node:child_process';
import type { AccessRequest } from '../../src/domain/access-request';
import { principalId, requestId, subscriptionId } from '../../src/domain/ids';
import type { Change, OutboxMessage, Store } from '../../src/store/ports';
import type { CardMessage } from '../../src/store/request-store';
import { openSqliteStore, type SqliteStoreOptions } from '../../src/store/sqlite-store';
import { FABRIKAM, insert, makeRequest, tempStorePath } from './store-fixtures';

/** The next version of a request, as a service would record it: the change, who made it, and what it sends. */
const change = (request: AccessRequest, event: string, outbox: readonly OutboxMessage[] = []): Change => ({
  request, audit: { requestId: request.id, event, actor: 'pat', at: request.updatedAt }, outbox,
});
const message = (kind: OutboxMessage['kind'], request: AccessRequest): OutboxMessage => ({ kind, requestId: request.id, payload: { request } });

/** Counts the turns of the event loop (where other users' turns run) until stop() is called. */
function countTurns(): { stop: () => number } {
  let turns = 0;
  let next = setImmediate(function turn() { turns += 1; next = setImmediate(turn); });
  return { stop: () => { clearImmediate(next); return turns; } };
}
const turnsPassed = (n: number): Promise<void> => new Promise((resolve) => {
  const turn = (left: number): void => { if (left === 0) resolve(); else setImmediate(turn, left - 1); };
  turn(n);
});
/** Run by another process: takes the write lock on argv[1], says so, holds it argv[2] ms, releases it. */
const HOLD_LOCK = `const db = new (require('better-sqlite3'))(process.argv[1]); db.exec('BEGIN IMMEDIATE'); process.stdout.write('locked\\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(process.argv[2])); db.exec('ROLLBACK'); db.close();`;

describe('the SQLite request store', () => {
  let file: ReturnType<typeof tempStorePath>;
  const opened: Store[] = [];
  const open = (options: SqliteStoreOptions = {}): Store => {
    const store = openSqliteStore(file.path, options);
    opened.push(store);
    return store;
  };

  beforeEach(() => {
    file = tempStorePath();
  });
  afterEach(async () => {
    for (const store of opened.splice(0)) {
      try { await store.close(); } catch { /* already closed by the test */ }
    }
    file.cleanup();
  });

  it('when two changes are based on the same version, then exactly one is stored', async () => {
    // Arrange
    const store = open();
    const request = makeRequest('r-1');
    await insert(store, request);
    // Act
    const first = await store.changes.record(change({ ...request, version: 2, state: 'pending_approval' }, 'confirmed'));
    const second = await store.changes.record(change({ ...request, version: 2, state: 'cancelled' }, 'cancelled'));
    // Assert
    expect([first, second]).toEqual([true, false]);
    expect((await store.requests.get(request.id))?.state).toBe('pending_approval');
  });

  it('when two bot instances share the file and race on one version, then one transition wins', async () => {
    // Arrange
    const a = open();
    const b = open();
    const request = makeRequest('r-2', { state: 'pending_approval' });
    await insert(a, request);
    // Act
    const results = [
      await a.changes.record(change({ ...request, version: 2, state: 'approved' }, 'approved')),
      await b.changes.record(change({ ...request, version: 2, state: 'rejected' }, 'rejected')),
    ];
    // Assert
    expect(results.filter(Boolean)).toHaveLength(1);
    expect((await b.requests.get(request.id))?.state).toBe('approved');
  });

  it('when the same id is created twice, then the second is refused and writes nothing', async () => {
    const store = open();
    const first = makeRequest('r-3');
    await insert(store, first);
    const again = makeRequest('r-3', { state: 'pending_approval', justification: 'INC-2' });
    expect(await store.changes.record(change(again, 'requested', [message('approval_requested', again)]))).toBe(false);
    expect(await store.requests.get(first.id)).toEqual(first);
    expect((await store.audit.list(first.id)).map((e) => e.event)).toEqual(['drafted']);
    expect(await store.outbox.pending(10)).toEqual([]);
  });

  it('when the process restarts on the same file, then requests, conversations, card messages and audit are all there', async () => {
    // Arrange
    const before = open();
    const draft = makeRequest('r-4');
    const request: AccessRequest = { ...draft, state: 'pending_approval', version: 2 };
    await insert(before, draft);
    await before.changes.record(change(request, 'requested'));
    await before.conversations.save({ userId: 'u-1', channelUserId: '29:u1', reference: '{"conversation":{"id":"c1"}}', locale: 'fr', updatedAt: '2025-03-01T09:00:00.000Z' });
    await before.cards.add({ requestId: request.id, userId: 'u-1', conversationId: 'c1', activityId: 'a1', role: 'approver' });
    await before.close();
    // Act
    const after = open();
    // Assert
    expect(await after.requests.get(request.id)).toEqual(request);
    expect(await after.conversations.get('u-1')).toMatchObject({ channelUserId: '29:u1', locale: 'fr' });
    expect(await after.cards.list(request.id)).toEqual([{ requestId: request.id, userId: 'u-1', conversationId: 'c1', activityId: 'a1', role: 'approver' }]);
    expect((await after.audit.list(request.id)).map((e) => e.event)).toEqual(['drafted', 'requested']);
    expect(await after.audit.verify()).toEqual({ ok: true, entries: 2 });
  });

  describe('listRequests', () => {
    const SAM = principalId('5a0e0001-0000-4000-8000-000000000001');
    const PAT = principalId('5a0e0001-0000-4000-8000-000000000009');
    const DEV = subscriptionId('c0000001-5b50-4000-8000-000000000002');
    let store: Store;
    beforeEach(async () => {
      store = open();
      await insert(store, makeRequest('a', { state: 'pending_approval', updatedAt: '2025-03-01T10:00:00.000Z' }));
      await insert(store, makeRequest('b', { state: 'active', updatedAt: '2025-03-02T10:00:00.000Z' }));
      await insert(store, makeRequest('c', { state: 'pending_approval', requester: { id: PAT, name: 'Pat' }, updatedAt: '2025-03-03T10:00:00.000Z' }));
      await insert(store, makeRequest('d', { customer: FABRIKAM, updatedAt: '2025-03-04T10:00:00.000Z' }));
      await insert(store, makeRequest('e', { subscription: { id: DEV, name: 'dev' }, updatedAt: '2025-03-05T10:00:00.000Z' }));
    });

    it.each([
      ['my requests (newest first)', { requesterId: SAM }, ['e', 'd', 'b', 'a']],
      ['pending approvals', { states: ['pending_approval'] as const }, ['c', 'a']],
      ['Contoso prod', { customerTenantId: 'C0000000-0000-4000-8000-00000000C001', subscriptionId: 'c0000001-5b50-4000-8000-000000000001' }, ['c', 'b', 'a']],
      ['the last two', { limit: 2 }, ['e', 'd']],
      ['no state at all', { states: [] }, []],
    ])('when asked for %s, then the matching requests come back', async (_name, filter, ids) => {
      expect((await store.requests.listRequests(filter)).map((r) => r.id)).toEqual(ids);
    });
  });
  describe('one change, one write', () => {
    const AT = '2025-03-01T10:00:00.000Z';
    const draft = makeRequest('r-1');
    const confirmed: AccessRequest = { ...draft, version: 2, state: 'pending_approval', pendingSince: AT, updatedAt: AT };
    let store: Store;
    beforeEach(async () => {
      store = open();
      await insert(store, draft);
    });

    it('when a change is recorded, then the request, its audit entry and its messages (with the request as of the change) are stored', async () => {
      // Act
      const stored = await store.changes.record(change(confirmed, 'confirmed', [message('approval_requested', confirmed), message('request_changed', confirmed)]));
      // Assert
      expect(stored).toBe(true);
      expect(await store.requests.get(draft.id)).toEqual(confirmed);
      expect((await store.audit.list(draft.id)).map((e) => [e.event, e.at])).toEqual([['drafted', draft.createdAt], ['confirmed', AT]]);
      expect(await store.outbox.pending(10)).toEqual([
        { id: expect.any(String), kind: 'approval_requested', requestId: draft.id, payload: { request: confirmed }, createdAt: AT, delivered: [] },
        { id: expect.any(String), kind: 'request_changed', requestId: draft.id, payload: { request: confirmed }, createdAt: AT, delivered: [] },
      ]);
    });

    const cyclic: Record<string, unknown> = { comment: 'loops' };
    cyclic.self = cyclic;
    it.each([
      ['a BigInt', { n: BigInt(1) }, /BigInt/],
      ['a cycle', cyclic, /cyclic/],
    ])('when the audit entry cannot be written (its detail holds %s), then neither the request nor its messages are', async (_what, detail, reason) => {
      // Arrange: a new request and a change of a stored one, each with a message.
      const fresh = makeRequest('r-2', { state: 'pending_approval' });
      const bad = (c: Change): Change => ({ ...c, audit: { ...c.audit, detail } });
      // Act
      const creating = store.changes.record(bad(change(fresh, 'requested', [message('approval_requested', fresh)])));
      await expect(creating).rejects.toThrow(reason);
      const changing = store.changes.record(bad(change(confirmed, 'confirmed', [message('approval_requested', confirmed)])));
      await expect(changing).rejects.toThrow(reason);
      // Assert
      expect(await store.requests.get(fresh.id)).toBeUndefined();
      expect(await store.requests.get(draft.id)).toEqual(draft);
      expect(await store.outbox.pending(10)).toEqual([]);
      expect(await store.audit.verify()).toEqual({ ok: true, entries: 1 });
    });

    it('when a message cannot be written, then neither the request nor its audit entry is', async () => {
      const unsendable: OutboxMessage = { kind: 'request_changed', requestId: draft.id, payload: { request: confirmed, n: BigInt(1) } };
      await expect(store.changes.record(change(confirmed, 'confirmed', [message('approval_requested', confirmed), unsendable]))).rejects.toThrow(/BigInt/);
      expect(await store.requests.get(draft.id)).toEqual(draft);
      expect(await store.outbox.pending(10)).toEqual([]);
      expect((await store.audit.list()).map((e) => e.event)).toEqual(['drafted']);
      expect(await store.audit.verify()).toEqual({ ok: true, entries: 1 });
    });

    it('when a compare-and-set loses, then its audit entry and its messages are not written', async () => {
      // Arrange
      await store.changes.record(change(confirmed, 'confirmed', [message('approval_requested', confirmed)]));
      const cancelled: AccessRequest = { ...draft, version: 2, state: 'cancelled' };
      // Act
      const lost = await store.changes.record(change(cancelled, 'cancelled', [message('request_changed', cancelled)]));
      // Assert
      expect(lost).toBe(false);
      expect((await store.audit.list(draft.id)).map((e) => e.event)).toEqual(['drafted', 'confirmed']);
      expect((await store.outbox.pending(10)).map((m) => [m.kind, m.payload])).toEqual([['approval_requested', { request: confirmed }]]);
      expect(await store.audit.verify()).toEqual({ ok: true, entries: 2 });
    });
  });

  describe('the outbox', () => {
    const approverCard = (request: AccessRequest, userId: string): CardMessage =>
      ({ requestId: request.id, userId, conversationId: `c-${userId}`, activityId: `a-${userId}`, role: 'approver' });
    const pending = makeRequest('r-1', { state: 'pending_approval' });
    const requested = change(pending, 'requested', [message('approval_requested', pending), message('request_changed', pending)]);

    it('when a recipient is reached, then the delivery and the card are recorded together; when done, then the message leaves', async () => {
      // Arrange
      const store = open();
      await store.changes.record(requested);
      const [first] = await store.outbox.pending(1);
      if (!first) throw new Error('nothing pending');
      // Act
      await store.outbox.delivered(first.id, 'approver-1', approverCard(pending, 'approver-1'));
      await store.outbox.delivered(first.id, 'approver-2');
      // Assert
      expect((await store.outbox.pending(10)).map((m) => [m.kind, [...m.delivered].sort()])).toEqual([
        ['approval_requested', ['approver-1', 'approver-2']],
        ['request_changed', []],
      ]);
      expect(await store.cards.list(pending.id)).toEqual([approverCard(pending, 'approver-1')]);
      await store.outbox.done(first.id);
      expect((await store.outbox.pending(10)).map((m) => m.kind)).toEqual(['request_changed']);
    });

    it('when the card cannot be written, then the delivery is not recorded either', async () => {
      // Arrange: a card row SQLite refuses (no activity id: NOT NULL) stands in for a write that fails.
      const store = open();
      await store.changes.record(requested);
      const [first] = await store.outbox.pending(1);
      if (!first) throw new Error('nothing pending');
      const refused = { ...approverCard(pending, 'approver-1'), activityId: null as unknown as string };
      // Act + Assert. Not rejects.toThrow: better-sqlite3 builds its errors in the realm of the first test file that
      // opened a database in this jest worker, so `instanceof Error` fails here whenever another file ran first.
      await expect(store.outbox.delivered(first.id, 'approver-1', refused)).rejects.toHaveProperty('message', expect.stringMatching(/NOT NULL/));
      expect((await store.outbox.pending(1))[0]?.delivered).toEqual([]);
      expect(await store.cards.list(pending.id)).toEqual([]);
    });

    it('when changes are recorded, then their messages are pending in the order the changes were, whatever their times', async () => {
      // Arrange: the second change says it happened first (another instance's clock).
      const store = open();
      const [b, a, c] = ['r-b', 'r-a', 'r-c'].map((id) => makeRequest(id, { state: 'pending_approval' }));
      if (!a || !b || !c) throw new Error('three requests');
      // Act
      await store.changes.record(change({ ...b, updatedAt: '2025-03-01T12:00:00.000Z' }, 'requested', [message('approval_requested', b)]));
      await store.changes.record(change({ ...a, updatedAt: '2025-03-01T08:00:00.000Z' }, 'requested', [message('approval_requested', a)]));
      await store.changes.record(change({ ...c, updatedAt: '2025-03-01T13:00:00.000Z' }, 'requested', [message('approval_requested', c)]));
      // Assert
      expect((await store.outbox.pending(10)).map((m) => m.requestId)).toEqual(['r-b', 'r-a', 'r-c']);
      expect((await store.outbox.pending(2)).map((m) => m.requestId)).toEqual(['r-b', 'r-a']);
    });

    it('when the process restarts before the messages are done, then they are still pending, with whom they reached', async () => {
      // Arrange
      const before = open();
      await before.changes.record(requested);
      const [first] = await before.outbox.pending(1);
      if (!first) throw new Error('nothing pending');
      await before.outbox.delivered(first.id, 'approver-1', approverCard(pending, 'approver-1'));
      await before.close();
      // Act
      const after = open();
      const resend = await after.outbox.pending(10);
      // Assert
      expect(resend.map((m) => [m.id, m.kind, m.payload, m.delivered])).toEqual([
        [first.id, 'approval_requested', { request: pending }, ['approver-1']],
        [expect.any(String), 'request_changed', { request: pending }, []],
      ]);
      await after.outbox.done(first.id);
      expect((await after.outbox.pending(10)).map((m) => m.kind)).toEqual(['request_changed']);
    });
  });

  describe('listDue', () => {
    const BOUND = '2025-03-01T10:00:00.000Z';
    const requests = [
      makeRequest('waiting-since-8', { state: 'pending_approval', pendingSince: '2025-03-01T08:00:00.000Z' }),
      makeRequest('waiting-since-10', { state: 'pending_approval', pendingSince: BOUND }),
      makeRequest('waiting-since-later', { state: 'pending_approval', pendingSince: '2025-03-01T10:00:00.001Z' }),
      makeRequest('ends-at-9', { state: 'active', expiresAt: '2025-03-01T09:00:00.000Z' }),
      makeRequest('never-ends', { state: 'active' }),
      makeRequest('approved-at-7', { state: 'approved', updatedAt: '2025-03-01T07:00:00.000Z' }),
      makeRequest('a-draft', { updatedAt: '2025-03-01T06:00:00.000Z' }),
    ];
    const WATCHED = ['pending_approval', 'active'] as const;

    it('when asked what is due by a time, then the requests in those states due at or before it come, oldest due first, as many as asked', async () => {
      // Arrange
      const store = open();
      for (const request of requests) await insert(store, request);
      // Act + Assert
      const ids = async (dueBefore: string, limit: number): Promise<string[]> => (await store.requests.listDue(WATCHED, dueBefore, limit)).map((r) => r.id);
      expect(await ids(BOUND, 10)).toEqual(['waiting-since-8', 'ends-at-9', 'waiting-since-10']);
      expect(await ids('2025-03-01T11:00:00+01:00', 10)).toEqual(['waiting-since-8', 'ends-at-9', 'waiting-since-10']);
      expect(await ids(BOUND, 2)).toEqual(['waiting-since-8', 'ends-at-9']);
      expect(await ids(BOUND, 0)).toEqual([]);
      expect(await store.requests.listDue([], BOUND, 10)).toEqual([]);
    });

    it('when a due request changes state, then it is due as its new state says', async () => {
      const store = open();
      for (const request of requests) await insert(store, request);
      const first = requests[0];
      if (!first) throw new Error('no request');
      await store.changes.record(change({ ...first, version: 2, state: 'rejected', updatedAt: BOUND }, 'rejected'));
      expect((await store.requests.listDue(WATCHED, BOUND, 10)).map((r) => r.id)).toEqual(['ends-at-9', 'waiting-since-10']);
    });

    it('when the file was written before the due time was indexed, then opening it fills the due times and listDue finds its requests', async () => {
      // Arrange: the requests table of the release before, with its rows.
      const old = new Database(file.path);
      old.exec(`CREATE TABLE requests (id TEXT PRIMARY KEY, version INTEGER NOT NULL, state TEXT NOT NULL, body TEXT NOT NULL, updated_at TEXT NOT NULL);
        CREATE INDEX requests_state ON requests(state);`);
      const row = old.prepare('INSERT INTO requests (id, version, state, body, updated_at) VALUES (?, ?, ?, ?, ?)');
      for (const request of requests) row.run(request.id, request.version, request.state, JSON.stringify(request), request.updatedAt);
      old.close();
      // Act
      const store = open();
      // Assert
      expect((await store.requests.listDue(WATCHED, BOUND, 10)).map((r) => r.id)).toEqual(['waiting-since-8', 'ends-at-9', 'waiting-since-10']);
      expect((await store.requests.listDue(['approved', 'draft'], BOUND, 10)).map((r) => r.id)).toEqual(['approved-at-7']);
      expect(await store.requests.get(requestId('ends-at-9'))).toEqual(requests[3]);
      await store.close();
      expect((await open().requests.listDue(WATCHED, BOUND, 10)).map((r) => r.id)).toEqual(['waiting-since-8', 'ends-at-9', 'waiting-since-10']);
    });
  });

  describe('when another process holds the write lock', () => {
    const request = makeRequest('r-1', { state: 'pending_approval' });
    const requested = change(request, 'requested', [message('approval_requested', request)]);
    let other: Database.Database | undefined;
    /** Another process's write in progress, through its own connection. */
    const lockFile = (): Database.Database => {
      const db = new Database(file.path);
      db.exec('BEGIN IMMEDIATE');
      other = db;
      return db;
    };
    afterEach(() => {
      if (other?.inTransaction) other.exec('ROLLBACK');
      other?.close();
      other = undefined;
    });

    it('past the busy timeout, then the change fails as "store unavailable", writes nothing, and other work ran while it waited', async () => {
      // Arrange
      const store = open({ busyTimeoutInMs: 300 });
      const lock = lockFile();
      const turns = countTurns();
      // Act
      const outcome = store.changes.record(requested);
      await expect(outcome).rejects.toMatchObject({ name: 'StoreUnavailableError', message: expect.stringMatching(/locked/) });
      const turnsMeanwhile = turns.stop();
      // Assert: a wait held on the event loop lets it turn not once before the answer (how many more depends on the machine).
      expect(turnsMeanwhile).toBeGreaterThan(0);
      lock.exec('ROLLBACK');
      expect(await store.requests.get(request.id)).toBeUndefined();
      expect(await store.outbox.pending(10)).toEqual([]);
      expect(await store.audit.verify()).toEqual({ ok: true, entries: 0 });
    });

    it('when a bot instance starts meanwhile (the other one migrating the file, say), then opening waits for the lock instead of failing', async () => {
      // Arrange: the other process must hold the lock on its own clock, since opening blocks this one.
      await open().close();
      const holder = spawn(process.execPath, ['-e', HOLD_LOCK, file.path, '300'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const exited = new Promise<number | null>((resolve) => holder.on('exit', resolve));
      const locked = new Promise<boolean>((resolve) => holder.stdout.once('data', () => resolve(true)));
      if (!(await Promise.race([locked, exited.then(() => false)]))) throw new Error('the lock holder ended before taking the lock');
      // Act
      const store = open();
      // Assert
      expect(await store.changes.record(requested)).toBe(true);
      expect(await exited).toBe(0);
    });

    it('released within the busy timeout, then the loop turned many times while the change waited, and the change is written', async () => {
      // Arrange
      const store = open({ busyTimeoutInMs: 5000 });
      const lock = lockFile();
      let settled = false;
      const outcome = store.changes.record(requested).finally(() => { settled = true; });
      // Act: the change tried, found the lock taken, and waits; meanwhile the event loop turns freely (other users' turns).
      await turnsPassed(200);
      expect(settled).toBe(false);
      lock.exec('ROLLBACK');
      // Assert
      expect(await outcome).toBe(true);
      expect(await store.requests.get(request.id)).toEqual(request);
      expect((await store.outbox.pending(10)).map((m) => m.kind)).toEqual(['approval_requested']);
      expect(await store.audit.verify()).toEqual({ ok: true, entries: 1 });
    });
  });
});
