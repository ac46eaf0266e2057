// The default durable store: one SQLite file (better-sqlite3), requests as JSON documents with a version column.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AccessRequest, RequestState } from '../domain/access-request';
import { dueAtOf } from '../domain/due';
import type { RequestId } from '../domain/ids';
import type { Change, PendingMessage, Store } from './ports';
import type { CardMessage, RequestFilter, StoredConversation } from './request-store';
import { ensureAuditSchema, prepareAudit } from './sqlite-audit';
import { prepareOutbox, OUTBOX_SCHEMA } from './sqlite-outbox';
import { startCheckpointer, type Checkpointer } from './sqlite-checkpointer';
import { guardedBy, type SqliteGuard } from './sqlite-guard';
import { LEASES_SCHEMA, prepareLeases } from './sqlite-leases';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
-- "My requests" and a customer's requests (listRequests): read through an index, newest first, not across the table.
-- The expressions must stay the very ones listRequests filters on, or SQLite cannot use them.
CREATE INDEX IF NOT EXISTS requests_requester ON requests(json_extract(body, '$.requester.id'), updated_at);
CREATE INDEX IF NOT EXISTS requests_customer ON requests(json_extract(body, '$.customer.tenantId') COLLATE NOCASE, updated_at);
CREATE TABLE IF NOT EXISTS conversations (
  user_id TEXT PRIMARY KEY,
  channel_user_id TEXT NOT NULL,
  reference TEXT NOT NULL,
  locale TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS pending_answers (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS card_messages (
  request_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  conversation_id TEXT NOT NULL,
  activity_id TEXT NOT NULL,
  role TEXT NOT NULL,
  PRIMARY KEY (request_id, conversation_id, activity_id)
);
`;

interface RequestRow { body: string }
interface ConversationRow { user_id: string; channel_user_id: string; reference: string; locale: string; updated_at: string }
interface CardRow { request_id: string; user_id: string; conversation_id: string; activity_id: string; role: string }

export interface SqliteStoreOptions {
  /**
   * Open an existing file without writing to it (the audit CLI): no schema creation or migration, and every
   * write throws. The file must exist and hold a current schema.
   */
  readonly readonly?: boolean;
  /**
   * How long a write waits for another process's write lock before the store counts as unavailable. The wait is
   * made of short tries between which other users' turns run. Default 5000.
   */
  readonly busyTimeoutInMs?: number;
  /**
   * Checkpoint the WAL on a worker thread (default true for a file opened for writing) instead of inside the commit
   * that fills it, which would hold a user's turn for the disk (`sqlite-checkpointer.ts`).
   */
  readonly backgroundCheckpoints?: boolean;
  /** Told when the background checkpointer stops working (SQLite's own checkpoints take over). */
  readonly onWarning?: (message: string, error: unknown) => void;
}

const parse = (row: RequestRow): AccessRequest => JSON.parse(row.body) as AccessRequest;

/**
 * A statement prepared when first used: a read-only open (the audit CLI) of a file from an older release then
 * never prepares what it cannot run (columns and tables a newer release adds on its first start).
 */
function lazy<T>(make: () => T): () => T {
  let made: T | undefined;
  return () => (made ??= make());
}

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): Store {
  const readonly = options.readonly ?? false;
  if (readonly && path !== ':memory:' && !existsSync(path)) throw new Error(`no store at ${path} (check STORE)`);
  if (path !== ':memory:' && !readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, readonly ? { readonly: true, fileMustExist: true } : {});
  const lockWaitInMs = Math.max(0, Math.trunc(options.busyTimeoutInMs ?? 5000));
  const guard: SqliteGuard = guardedBy(lockWaitInMs, readonly ? undefined : db);
  try {
    // Opening happens once, before any turn: it may wait the whole time for another instance's write (its migration).
    db.pragma(`busy_timeout = ${lockWaitInMs}`);
    // A 4 MB page cache. better-sqlite3's build sets 16 MB (SQLite's own default is 2 MB), which a store of 10,000
    // requests fills: +16 MB resident for pages the OS file cache holds anyway (bench/README.md, RSS). 4 MB holds the
    // upper B-tree pages that each turn's lookups and appends walk: all of them at 10,000 stored (0.5 MB), most at
    // 100,000 (4.2 MB); a page not held costs a read from the OS cache, not from disk.
    db.pragma('cache_size = -4000');
    if (readonly) {
      assertCurrentSchema(db, path);
    } else {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      migrateDueColumn(db);
      db.exec(OUTBOX_SCHEMA);
      db.exec(LEASES_SCHEMA);
      ensureAuditSchema(db);
    }
    // From now on each try holds the event loop at most this long; the rest of the wait is spent between tries.
    db.pragma(`busy_timeout = ${guard.sliceInMs}`);
  } catch (error) {
    db.close();
    throw error;
  }
  let checkpointer: Checkpointer | undefined;
  if (!readonly && path !== ':memory:' && (options.backgroundCheckpoints ?? true)) {
    db.pragma('wal_autocheckpoint = 0');
    checkpointer = startCheckpointer(path, {
      onFailure: (error) => {
        try {
          db.pragma('wal_autocheckpoint = 1000');
        } catch { /* the connection is closing: nothing left to checkpoint for */ }
        options.onWarning?.('the WAL checkpointer stopped; SQLite checkpoints inside commits again', error);
      },
    });
  }

  const insertRequest = lazy(() => db.prepare('INSERT OR IGNORE INTO requests (id, version, state, body, updated_at, due_at) VALUES (?, ?, ?, ?, ?, ?)'));
  const selectRequest = db.prepare<[string], RequestRow>('SELECT body FROM requests WHERE id = ?');
  const casRequest = lazy(() => db.prepare('UPDATE requests SET version = ?, state = ?, body = ?, updated_at = ?, due_at = ? WHERE id = ? AND version = ?'));
  const upsertConversation = lazy(() => db.prepare(
    `INSERT INTO conversations (user_id, channel_user_id, reference, locale, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET channel_user_id = excluded.channel_user_id, reference = excluded.reference,
       locale = excluded.locale, updated_at = excluded.updated_at`,
  ));
  const selectConversation = db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE user_id = ?');
  const insertCard = lazy(() => db.prepare('INSERT INTO card_messages (request_id, user_id, conversation_id, activity_id, role) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'));
  const selectCards = db.prepare<[string], CardRow>('SELECT * FROM card_messages WHERE request_id = ? ORDER BY rowid');
  const audit = prepareAudit(db);
  const outbox = lazy(() => prepareOutbox(db));
  const addCard = (m: CardMessage): void => {
    insertCard().run(m.requestId, m.userId, m.conversationId, m.activityId, m.role);
  };

  // One write lock for the request, its audit entry and its messages: none is ever stored without the others.
  const record = db.transaction((change: Change): boolean => {
    const next = change.request;
    if (next) {
      const due = dueAtOf(next);
      // Normalised to UTC so that the index compares instants, whatever offset the request was written with.
      const row = [next.state, JSON.stringify(next), next.updatedAt, due === undefined ? null : new Date(due).toISOString()] as const;
      const result = next.version === 1
        ? insertRequest().run(next.id, next.version, ...row)
        : casRequest().run(next.version, ...row, next.id, next.version - 1);
      if (result.changes !== 1) return false;
    }
    audit.appendInTransaction(change.audit, next);
    for (const message of change.outbox ?? []) outbox().add(message, change.audit.at);
    return true;
  });
  const putPending = lazy(() => db.prepare('INSERT OR REPLACE INTO pending_answers (key, value, expires_at) VALUES (?, ?, ?)'));
  const selectPending = lazy(() => db.prepare<[string], { value: string; expires_at: string }>('SELECT value, expires_at FROM pending_answers WHERE key = ?'));
  const deletePending = lazy(() => db.prepare('DELETE FROM pending_answers WHERE key = ?'));
  const deleteExpired = lazy(() => db.prepare('DELETE FROM pending_answers WHERE expires_at < ?'));
  const takePending = db.transaction((key: string, now: string): Record<string, unknown> | undefined => {
    const row = selectPending().get(key);
    if (!row) return undefined;
    deletePending().run(key);
    // Expired answers are cleared as they are met, so the table holds only minutes of questions.
    deleteExpired().run(now);
    return row.expires_at < now ? undefined : (JSON.parse(row.value) as Record<string, unknown>);
  });
  const delivered = db.transaction((messageId: string, recipient: string, card?: CardMessage) => {
    outbox().delivered(messageId, recipient);
    if (card) addCard(card);
  });

  return {
    requests: {
      get: (id: RequestId) => guard.read(() => {
        const row = selectRequest.get(id);
        return row ? parse(row) : undefined;
      }),
      listByState: (states: readonly RequestState[]) => guard.read(() => {
        if (states.length === 0) return [];
        return db.prepare<string[], RequestRow>(`SELECT body FROM requests WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY updated_at`).all(...states).map(parse);
      }),
      listDue: (states: readonly RequestState[], dueBefore: string, limit: number) => guard.read(() => {
        if (states.length === 0 || limit <= 0) return [];
        const sql = `SELECT body FROM requests WHERE state IN (${states.map(() => '?').join(',')}) AND due_at IS NOT NULL AND due_at <= ? ORDER BY due_at LIMIT ?`;
        return db.prepare<(string | number)[], RequestRow>(sql).all(...states, new Date(dueBefore).toISOString(), Math.trunc(limit)).map(parse);
      }),
      listRequests: (filter: RequestFilter) => guard.read(() => listRequests(db, filter)),
    },
    changes: {
      record: (change: Change) => guard.write(() => record.immediate(change)),
    },
    audit: {
      list: (filter) => guard.read(() => audit.list(filter)),
      verify: () => guard.read(() => audit.verify()),
    },
    conversations: {
      save: (c: StoredConversation) => guard.write(() => {
        upsertConversation().run(c.userId, c.channelUserId, c.reference, c.locale, c.updatedAt);
      }),
      get: (userId: string) => guard.read(() => {
        const row = selectConversation.get(userId);
        return row
          ? { userId: row.user_id, channelUserId: row.channel_user_id, reference: row.reference, locale: row.locale === 'fr' ? 'fr' as const : 'en' as const, updatedAt: row.updated_at }
          : undefined;
      }),
    },
    cards: {
      // Where a draft card was shown is needed only when the request changes later: it joins the next commit (another
      // turn's draft, under load) rather than paying one of its own, and a read of the cards first commits it.
      add: (m: CardMessage) => guard.write(() => addCard(m), 'soon'),
      list: async (requestId: RequestId) => (await guard.settled(), guard.read(() => selectCards.all(requestId).map((row): CardMessage => ({
        requestId: row.request_id as RequestId,
        userId: row.user_id,
        conversationId: row.conversation_id,
        activityId: row.activity_id,
        role: row.role === 'approver' ? 'approver' : 'requester',
      })))),
    },
    outbox: {
      pending: (limit: number) => guard.read((): PendingMessage[] => outbox().pending(limit)),
      delivered: (messageId: string, recipient: string, card?: CardMessage) => guard.write(() => delivered.immediate(messageId, recipient, card)),
      done: (messageId: string) => guard.write(() => outbox().done(messageId)),
    },
    pending: {
      put: (key: string, value: Readonly<Record<string, unknown>>, expiresAt: string) => guard.write(() => {
        putPending().run(key, JSON.stringify(value), new Date(expiresAt).toISOString());
      }),
      // Most messages answer no question: a read finds that out without taking the write lock.
      take: async (key: string, now: string) => ((await guard.read(() => selectPending().get(key))) ? guard.write(() => takePending.immediate(key, new Date(now).toISOString())) : undefined),
    },
    leases: readonly ? readonlyLeases : prepareLeases(db, guard),
    close: async () => {
      await guard.settled();
      await checkpointer?.stop();
      db.close();
    },
  };
}

/** The audit CLI's read-only open runs no jobs: it cannot hold a lease. */
const readonlyLeases: Store['leases'] = {
  acquire: () => Promise.reject(new Error('the store is open read-only: no lease can be taken')),
  release: () => Promise.resolve(),
};

/** The query listRequests runs: exported so a test can check that SQLite reads it through an index. */
export function listRequestsQuery(filter: RequestFilter): { sql: string; params: (string | number)[] } | undefined {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (filter.requesterId !== undefined) { where.push("json_extract(body, '$.requester.id') = ?"); params.push(filter.requesterId); }
  if (filter.customerTenantId !== undefined) { where.push("json_extract(body, '$.customer.tenantId') = ? COLLATE NOCASE"); params.push(filter.customerTenantId); }
  if (filter.subscriptionId !== undefined) { where.push("json_extract(body, '$.subscription.id') = ? COLLATE NOCASE"); params.push(filter.subscriptionId); }
  if (filter.states !== undefined) {
    if (filter.states.length === 0) return undefined;
    where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
    params.push(...filter.states);
  }
  let sql = `SELECT body FROM requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, rowid DESC`;
  if (filter.limit !== undefined) {
    if (!Number.isInteger(filter.limit) || filter.limit < 0) throw new RangeError('limit must be a whole number >= 0');
    sql += ' LIMIT ?';
    params.push(filter.limit);
  }
  return { sql, params };
}

function listRequests(db: Database.Database, filter: RequestFilter): AccessRequest[] {
  const query = listRequestsQuery(filter);
  return query ? db.prepare<(string | number)[], RequestRow>(query.sql).all(...query.params).map(parse) : [];
}

/** Files from before periodic jobs read by due time get the column, filled from each request, under the write lock. */
function migrateDueColumn(db: Database.Database): void {
  db.transaction(() => {
    const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('requests')").all();
    if (!columns.some((column) => column.name === 'due_at')) {
      db.exec('ALTER TABLE requests ADD COLUMN due_at TEXT');
      const fill = db.prepare('UPDATE requests SET due_at = ? WHERE id = ?');
      // all(), not iterate(): better-sqlite3 refuses a write on a connection while one of its reads is still open.
      for (const row of db.prepare<[], RequestRow & { id: string }>('SELECT id, body FROM requests').all()) {
        const due = dueAtOf(parse(row));
        if (due !== undefined) fill.run(new Date(due).toISOString(), row.id);
      }
    }
    db.exec('CREATE INDEX IF NOT EXISTS requests_due ON requests(state, due_at)');
    // Reads by state use requests_due (state first); a second index on state alone was one more page in every commit.
    db.exec('DROP INDEX IF EXISTS requests_state');
  }).immediate();
}

/** A read-only open cannot create tables: say plainly when the file is not (or not yet) a current store. */
function assertCurrentSchema(db: Database.Database, path: string): void {
  const tables = new Set(db.prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table'").all().map((row) => row.name));
  for (const table of ['requests', 'conversations', 'card_messages', 'audit']) {
    if (!tables.has(table)) throw new Error(`${path} is not a CSP Access Bot store (no ${table} table)`);
  }
  const auditColumns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('audit')").all();
  if (!auditColumns.some((column) => column.name === 'hash')) {
    throw new Error(`${path} has an audit table from before the hash chain; start the bot once on it to seal the existing entries`);
  }
}
