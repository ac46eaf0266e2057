// The outbox in SQLite: messages written with the change that causes them, each recipient's delivery recorded.
import type Database from 'better-sqlite3';
import type { RequestId } from '../domain/ids';
import { OUTBOX_KINDS, type OutboxKind, type OutboxMessage, type PendingMessage } from './ports';

/* A message leaves the table once done; what it was is in the audit trail of its change. */
export const OUTBOX_SCHEMA = `
CREATE TABLE IF NOT EXISTS outbox (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS outbox_deliveries (
  message_id INTEGER NOT NULL,
  recipient TEXT NOT NULL,
  PRIMARY KEY (message_id, recipient)
);
`;

interface OutboxRow { id: number; request_id: string; kind: string; payload: string; created_at: string }

const KINDS: ReadonlySet<string> = new Set(OUTBOX_KINDS);
export const outboxKindOf = (kind: string): OutboxKind | undefined => (KINDS.has(kind) ? (kind as OutboxKind) : undefined);

export interface SqliteOutbox {
  /** Inside the caller's transaction. */
  add(message: OutboxMessage, at: string): void;
  pending(limit: number): PendingMessage[];
  delivered(messageId: string, recipient: string): void;
  done(messageId: string): void;
}

export function prepareOutbox(db: Database.Database): SqliteOutbox {
  const insert = db.prepare('INSERT INTO outbox (request_id, kind, payload, created_at) VALUES (?, ?, ?, ?)');
  // Only kinds this release sends: messages a newer release wrote wait for it, and never fill the batch.
  const selectPending = db.prepare<[number], OutboxRow>(`SELECT * FROM outbox WHERE kind IN (${OUTBOX_KINDS.map((kind) => `'${kind}'`).join(',')}) ORDER BY id LIMIT ?`);
  const selectDelivered = db.prepare<[number], { recipient: string }>('SELECT recipient FROM outbox_deliveries WHERE message_id = ?');
  const insertDelivery = db.prepare('INSERT OR IGNORE INTO outbox_deliveries (message_id, recipient) VALUES (?, ?)');
  const deleteMessage = db.prepare('DELETE FROM outbox WHERE id = ?');
  const deleteDeliveries = db.prepare('DELETE FROM outbox_deliveries WHERE message_id = ?');
  const done = db.transaction((id: number) => {
    deleteMessage.run(id);
    deleteDeliveries.run(id);
  });
  return {
    add(message, at) {
      insert.run(message.requestId, message.kind, JSON.stringify(message.payload), at);
    },
    pending(limit) {
      const messages: PendingMessage[] = [];
      for (const row of selectPending.all(Math.max(0, Math.trunc(limit)))) {
        const kind = outboxKindOf(row.kind);
        if (!kind) continue;
        messages.push({
          id: String(row.id),
          kind,
          requestId: row.request_id as RequestId,
          payload: JSON.parse(row.payload) as Record<string, unknown>,
          createdAt: row.created_at,
          delivered: selectDelivered.all(row.id).map((delivery) => delivery.recipient),
        });
      }
      return messages;
    },
    delivered(messageId, recipient) {
      insertDelivery.run(Number(messageId), recipient);
    },
    done(messageId) {
      done.immediate(Number(messageId));
    },
  };
}
