// Writes asked for together share one SQLite commit; each still succeeds, loses its race or fails on its own.
import Database from 'better-sqlite3';
import { statSync } from 'node:fs';
import type { AccessRequest } from '../../src/domain/access-request';
import { principalId } from '../../src/domain/ids';
import { guardedBy } from '../../src/store/sqlite-guard';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/ports';
import { insert, makeRequest, tempStorePath } from './store-fixtures';

const approvedBy = (request: AccessRequest, approver: string): AccessRequest => ({
  ...request,
  version: request.version + 1,
  state: 'approved',
  approvals: [{ by: { id: principalId(approver), name: approver }, at: '2025-03-01T09:05:00.000Z' }],
  updatedAt: '2025-03-01T09:05:00.000Z',
});

const approve = (store: Store, request: AccessRequest, approver: string) =>
  store.changes.record({ request: approvedBy(request, approver), audit: { requestId: request.id, event: 'approved', actor: approver, at: '2025-03-01T09:05:00.000Z' } });

describe('SQLite group commit', () => {
  let file: ReturnType<typeof tempStorePath>;
  beforeEach(() => { file = tempStorePath(); });
  afterEach(() => file.cleanup());

  it('when two approvers decide the same request in the same instant, then one decision is stored and the other is told it lost', async () => {
    const store = openSqliteStore(file.path);
    try {
      const request = makeRequest('r-race', { state: 'pending_approval' });
      await insert(store, request);
      // Act: both changes are asked for before either is committed, so they land in the same commit.
      const results = await Promise.all([approve(store, request, 'ada'), approve(store, request, 'bob')]);
      // Assert
      expect(results).toEqual([true, false]);
      expect((await store.requests.get(request.id))?.approvals.map((vote) => vote.by.name)).toEqual(['ada']);
      expect((await store.audit.list({ requestId: request.id })).map((entry) => entry.event)).toEqual(['drafted', 'approved']);
      expect((await store.audit.verify()).ok).toBe(true);
    } finally {
      await store.close();
    }
  });

  it('when many drafts arrive together, then each is stored with its own audit entry, in one unbroken chain, with fewer disk writes than one by one', async () => {
    const drafts = (prefix: string) => Array.from({ length: 20 }, (_, i) => makeRequest(`${prefix}-${i}`, { justification: 'x'.repeat(500) }));
    const walGrowth = async (write: (store: Store, requests: AccessRequest[]) => Promise<void>, prefix: string): Promise<number> => {
      const one = tempStorePath();
      const store = openSqliteStore(one.path, { backgroundCheckpoints: false });
      try {
        await insert(store, makeRequest(`${prefix}-first`));
        const before = statSync(`${one.path}-wal`).size;
        const requests = drafts(prefix);
        await write(store, requests);
        const grown = statSync(`${one.path}-wal`).size - before;
        for (const request of requests) expect((await store.requests.get(request.id))?.justification).toHaveLength(500);
        expect((await store.audit.list({})).length).toBe(21);
        expect((await store.audit.verify()).ok).toBe(true);
        return grown;
      } finally {
        await store.close();
        one.cleanup();
      }
    };
    // Act
    const oneByOne = await walGrowth(async (store, requests) => { for (const request of requests) await insert(store, request); }, 'seq');
    const together = await walGrowth(async (store, requests) => { await Promise.all(requests.map((request) => insert(store, request))); }, 'all');
    // Assert: the pages every draft touches (the tables' and indexes' last pages) are written once per commit.
    expect(together).toBeLessThan(oneByOne / 2);
  });

  it('when one write of a group breaks a constraint, then it alone is refused and the others are committed', async () => {
    const db = new Database(file.path);
    try {
      db.exec('CREATE TABLE names (name TEXT PRIMARY KEY)');
      const guard = guardedBy(1_000, db);
      const add = (name: string) => guard.write(() => db.prepare('INSERT INTO names (name) VALUES (?)').run(name).changes);
      // Act
      const outcomes = await Promise.allSettled([add('ada'), add('ada'), add('bob')]);
      await guard.settled();
      // Assert
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
      expect(outcomes[1]).toHaveProperty('reason.code', 'SQLITE_CONSTRAINT_PRIMARYKEY');
      expect(db.prepare<[], { name: string }>('SELECT name FROM names ORDER BY name').all().map((row) => row.name)).toEqual(['ada', 'bob']);
    } finally {
      db.close();
    }
  });

  it('when more writes are asked for at once than one commit takes, then every one is committed, in the order asked', async () => {
    const db = new Database(file.path);
    try {
      db.exec('CREATE TABLE entries (n INTEGER)');
      const guard = guardedBy(1_000, db);
      // Act: 200 writes in one turn of the event loop (more than a commit's 64).
      await Promise.all(Array.from({ length: 200 }, (_, n) => guard.write(() => db.prepare('INSERT INTO entries (n) VALUES (?)').run(n))));
      // Assert
      expect(db.prepare<[], { n: number }>('SELECT n FROM entries ORDER BY rowid').all().map((row) => row.n)).toEqual(Array.from({ length: 200 }, (_, n) => n));
    } finally {
      db.close();
    }
  });

  it('when the file stays locked by another connection past the wait, then every write of the group is refused as the store being unavailable, and none is stored', async () => {
    const db = new Database(file.path);
    const other = new Database(file.path);
    try {
      db.exec('CREATE TABLE names (name TEXT PRIMARY KEY)');
      db.pragma('busy_timeout = 0');
      other.exec('BEGIN IMMEDIATE');
      const guard = guardedBy(100, db);
      const add = (name: string) => guard.write(() => db.prepare('INSERT INTO names (name) VALUES (?)').run(name).changes);
      // Act
      const outcomes = await Promise.allSettled([add('ada'), add('bob')]);
      other.exec('ROLLBACK');
      // Assert
      expect(outcomes.map((outcome) => outcome.status)).toEqual(['rejected', 'rejected']);
      expect(outcomes[0]).toHaveProperty('reason.name', 'StoreUnavailableError');
      expect(db.prepare('SELECT COUNT(*) AS n FROM names').get()).toEqual({ n: 0 });
    } finally {
      db.close();
      other.close();
    }
  });
  describe('a card row (where a draft was shown) joins the next commit', () => {
    const card = (requestId: AccessRequest['id']) => ({ requestId, userId: 'sam', conversationId: 'c-sam', activityId: `a-${requestId}`, role: 'requester' as const });
    const cardsOnDisk = (path: string): number => {
      const reader = new Database(path, { readonly: true });
      try {
        return (reader.prepare('SELECT COUNT(*) AS n FROM card_messages').get() as { n: number }).n;
      } finally {
        reader.close();
      }
    };
    const turns = (n: number) => Array.from({ length: n }).reduce<Promise<void>>((done) => done.then(() => new Promise<void>((next) => setImmediate(next))), Promise.resolve());

    it('when another turn writes soon after, then the row asked for soon is committed with that write, not alone before it', async () => {
      const db = new Database(file.path);
      try {
        db.exec('CREATE TABLE cards (id TEXT PRIMARY KEY); CREATE TABLE drafts (id TEXT PRIMARY KEY)');
        // A long wait, so that only the next write (not the timer) can commit the row, however slow the machine.
        const guard = guardedBy(1_000, db, { soonMs: 60_000 });
        const onDisk = (table: string) => {
          const reader = new Database(file.path, { readonly: true });
          try {
            return (reader.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;
          } finally {
            reader.close();
          }
        };
        // Act: the row is asked for soon; a few turns of the event loop pass (a commit of its own would be done by now)
        const row = guard.write(() => db.prepare('INSERT INTO cards (id) VALUES (?)').run('a-1'), 'soon');
        await turns(5);
        const beforeTheDraft = onDisk('cards');
        await guard.write(() => db.prepare('INSERT INTO drafts (id) VALUES (?)').run('d-1'));
        await row;
        // Assert
        expect(beforeTheDraft).toBe(0);
        expect([onDisk('cards'), onDisk('drafts')]).toEqual([1, 1]);
      } finally {
        db.close();
      }
    });

    it('when nothing else is written, then the card row is committed by itself a moment later', async () => {
      const store = openSqliteStore(file.path);
      try {
        const shown = makeRequest('r-alone');
        await insert(store, shown);
        // Act
        await store.cards.add(card(shown.id));
        // Assert
        expect(cardsOnDisk(file.path)).toBe(1);
      } finally {
        await store.close();
      }
    });

    it('when the cards of a request are read while its card row waits, then the read sees it', async () => {
      const store = openSqliteStore(file.path);
      try {
        const shown = makeRequest('r-read');
        await insert(store, shown);
        // Act: not awaited, read at once
        void store.cards.add(card(shown.id));
        const cards = await store.cards.list(shown.id);
        // Assert
        expect(cards.map((c) => c.activityId)).toEqual(['a-r-read']);
      } finally {
        await store.close();
      }
    });

    it('when the store closes while a card row waits, then the row is committed first', async () => {
      const store = openSqliteStore(file.path);
      const shown = makeRequest('r-close');
      await insert(store, shown);
      // Act
      const added = store.cards.add(card(shown.id));
      await store.close();
      // Assert
      await expect(added).resolves.toBeUndefined();
      expect(cardsOnDisk(file.path)).toBe(1);
    });
  });
});
