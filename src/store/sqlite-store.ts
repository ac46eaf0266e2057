// The default durable store: one SQLite file (better-sqlite3), requests as JSON documents with a version column.
import Database from 'better-sqlite3';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AccessRequest, RequestState } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import type { AuditEntry, CardMessage, RequestFilter, RequestStore, StoredConversation } from './request-store';
import { ensureAuditSchema, prepareAudit } from './sqlite-audit';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS requests (
  id TEXT PRIMARY KEY,
  version INTEGER NOT NULL,
  state TEXT NOT NULL,
  body TEXT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS requests_state ON requests(state);
CREATE TABLE IF NOT EXISTS conversations (
  user_id TEXT PRIMARY KEY,
  channel_user_id TEXT NOT NULL,
  reference TEXT NOT NULL,
  locale TEXT NOT NULL,
  updated_at TEXT NOT NULL
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
  /** How long a writer waits for another process's write lock before throwing. Default 5000. */
  readonly busyTimeoutInMs?: number;
}

export function openSqliteStore(path: string, options: SqliteStoreOptions = {}): RequestStore {
  const readonly = options.readonly ?? false;
  if (readonly && path !== ':memory:' && !existsSync(path)) throw new Error(`no store at ${path} (check STORE)`);
  if (path !== ':memory:' && !readonly) mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, readonly ? { readonly: true, fileMustExist: true } : {});
  try {
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(options.busyTimeoutInMs ?? 5000))}`);
    if (readonly) {
      assertCurrentSchema(db, path);
    } else {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      ensureAuditSchema(db);
    }
  } catch (error) {
    db.close();
    throw error;
  }

  const insertRequest = db.prepare('INSERT INTO requests (id, version, state, body, updated_at) VALUES (?, ?, ?, ?, ?)');
  const selectRequest = db.prepare<[string], RequestRow>('SELECT body FROM requests WHERE id = ?');
  const casRequest = db.prepare('UPDATE requests SET version = ?, state = ?, body = ?, updated_at = ? WHERE id = ? AND version = ?');
  const upsertConversation = db.prepare(
    `INSERT INTO conversations (user_id, channel_user_id, reference, locale, updated_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET channel_user_id = excluded.channel_user_id, reference = excluded.reference,
       locale = excluded.locale, updated_at = excluded.updated_at`,
  );
  const selectConversation = db.prepare<[string], ConversationRow>('SELECT * FROM conversations WHERE user_id = ?');
  const insertCard = db.prepare('INSERT OR IGNORE INTO card_messages (request_id, user_id, conversation_id, activity_id, role) VALUES (?, ?, ?, ?, ?)');
  const selectCards = db.prepare<[string], CardRow>('SELECT * FROM card_messages WHERE request_id = ? ORDER BY rowid');
  const audit = prepareAudit(db);
  // One write lock for the request and its audit entry: an approval is never stored without its record.
  const updateWithAudit = db.transaction((next: AccessRequest, entry: AuditEntry): boolean => {
    const result = casRequest.run(next.version, next.state, JSON.stringify(next), next.updatedAt, next.id, next.version - 1);
    if (result.changes !== 1) return false;
    audit.append(entry);
    return true;
  });

  return {
    insert(request: AccessRequest): void {
      insertRequest.run(request.id, request.version, request.state, JSON.stringify(request), request.updatedAt);
    },
    get(id: RequestId): AccessRequest | undefined {
      const row = selectRequest.get(id);
      return row ? (JSON.parse(row.body) as AccessRequest) : undefined;
    },
    update(next: AccessRequest): boolean {
      const result = casRequest.run(next.version, next.state, JSON.stringify(next), next.updatedAt, next.id, next.version - 1);
      return result.changes === 1;
    },
    updateWithAudit: (next, entry) => updateWithAudit.immediate(next, entry),
    listByState(states: readonly RequestState[]): AccessRequest[] {
      if (states.length === 0) return [];
      const rows = db.prepare<string[], RequestRow>(`SELECT body FROM requests WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY updated_at`).all(...states);
      return rows.map((row) => JSON.parse(row.body) as AccessRequest);
    },
    listRequests(filter: RequestFilter): AccessRequest[] {
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (filter.requesterId !== undefined) { where.push("json_extract(body, '$.requester.id') = ?"); params.push(filter.requesterId); }
      if (filter.customerTenantId !== undefined) { where.push("json_extract(body, '$.customer.tenantId') = ? COLLATE NOCASE"); params.push(filter.customerTenantId); }
      if (filter.subscriptionId !== undefined) { where.push("json_extract(body, '$.subscription.id') = ? COLLATE NOCASE"); params.push(filter.subscriptionId); }
      if (filter.states !== undefined) {
        if (filter.states.length === 0) return [];
        where.push(`state IN (${filter.states.map(() => '?').join(',')})`);
        params.push(...filter.states);
      }
      let sql = `SELECT body FROM requests ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, rowid DESC`;
      if (filter.limit !== undefined) {
        if (!Number.isInteger(filter.limit) || filter.limit < 0) throw new RangeError('limit must be a whole number >= 0');
        sql += ' LIMIT ?';
        params.push(filter.limit);
      }
      return db.prepare<(string | number)[], RequestRow>(sql).all(...params).map((row) => JSON.parse(row.body) as AccessRequest);
    },
    saveConversation(c: StoredConversation): void {
      upsertConversation.run(c.userId, c.channelUserId, c.reference, c.locale, c.updatedAt);
    },
    getConversation(userId: string): StoredConversation | undefined {
      const row = selectConversation.get(userId);
      return row
        ? { userId: row.user_id, channelUserId: row.channel_user_id, reference: row.reference, locale: row.locale === 'fr' ? 'fr' : 'en', updatedAt: row.updated_at }
        : undefined;
    },
    addCardMessage(m: CardMessage): void {
      insertCard.run(m.requestId, m.userId, m.conversationId, m.activityId, m.role);
    },
    listCardMessages(requestId: RequestId): CardMessage[] {
      return selectCards.all(requestId).map((row) => ({
        requestId: row.request_id as RequestId,
        userId: row.user_id,
        conversationId: row.conversation_id,
        activityId: row.activity_id,
        role: row.role === 'approver' ? 'approver' : 'requester',
      }));
    },
    appendAudit: (entry) => audit.append(entry),
    listAudit: (filter) => audit.list(filter),
    verifyAudit: () => audit.verify(),
    close(): void {
      db.close();
    },
  };
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
