// The default durable store: one SQLite file (better-sqlite3), requests as JSON documents with a version column.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { AccessRequest, RequestState } from '../domain/access-request';
import type { RequestId } from '../domain/ids';
import type { AuditEntry, CardMessage, RequestStore, StoredConversation } from './request-store';

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
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT,
  event TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  detail TEXT
);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
`;

interface RequestRow { body: string }
interface ConversationRow { user_id: string; channel_user_id: string; reference: string; locale: string; updated_at: string }
interface CardRow { request_id: string; user_id: string; conversation_id: string; activity_id: string; role: string }
interface AuditRow { request_id: string | null; event: string; actor: string; at: string; detail: string | null }

export function openSqliteStore(path: string): RequestStore {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);

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
  const insertAudit = db.prepare('INSERT INTO audit (request_id, event, actor, at, detail) VALUES (?, ?, ?, ?, ?)');

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
    listByState(states: readonly RequestState[]): AccessRequest[] {
      if (states.length === 0) return [];
      const rows = db.prepare<string[], RequestRow>(`SELECT body FROM requests WHERE state IN (${states.map(() => '?').join(',')}) ORDER BY updated_at`).all(...states);
      return rows.map((row) => JSON.parse(row.body) as AccessRequest);
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
    appendAudit(entry: AuditEntry): void {
      insertAudit.run(entry.requestId ?? null, entry.event, entry.actor, entry.at, entry.detail ? JSON.stringify(entry.detail) : null);
    },
    listAudit(requestId?: string): AuditEntry[] {
      const rows = requestId
        ? db.prepare<[string], AuditRow>('SELECT * FROM audit WHERE request_id = ? ORDER BY seq').all(requestId)
        : db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY seq').all();
      return rows.map((row) => ({
        ...(row.request_id ? { requestId: row.request_id } : {}),
        event: row.event,
        actor: row.actor,
        at: row.at,
        ...(row.detail ? { detail: JSON.parse(row.detail) as Record<string, unknown> } : {}),
      }));
    },
    close(): void {
      db.close();
    },
  };
}
