// The audit log in SQLite: an append-only table whose rows form a SHA-256 hash chain, appended under a write lock.
import type Database from 'better-sqlite3';
import { AUDIT_GENESIS_HASH, canonicalJson, hashEntry, toUtcIso, verifyChain, type StoredChainRow } from './audit-chain';
import type { AuditEntry, AuditFilter, AuditVerification, StoredAuditEntry } from './request-store';

/*
 * seq is handed out by the store (max of the AUTOINCREMENT counter and the last row, plus one) because it is part
 * of the hashed content. prev_hash is UNIQUE, so even a writer that skipped the lock could not fork the chain.
 * customer_* are copied from the request at append time and hashed, so an export by customer cannot be
 * re-attributed silently.
 */
export const AUDIT_SCHEMA = `
CREATE TABLE IF NOT EXISTS audit (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  request_id TEXT,
  event TEXT NOT NULL,
  actor TEXT NOT NULL,
  at TEXT NOT NULL,
  detail TEXT,
  customer_tenant_id TEXT,
  customer_name TEXT,
  prev_hash TEXT NOT NULL UNIQUE,
  hash TEXT NOT NULL UNIQUE
);
CREATE INDEX IF NOT EXISTS audit_request ON audit(request_id);
CREATE INDEX IF NOT EXISTS audit_customer ON audit(customer_tenant_id);
CREATE INDEX IF NOT EXISTS audit_at ON audit(at);
CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'audit is append-only'); END;
`;

interface AuditRow {
  seq: number;
  request_id: string | null;
  event: string;
  actor: string;
  at: string;
  detail: string | null;
  customer_tenant_id: string | null;
  customer_name: string | null;
  prev_hash: string;
  hash: string;
}
interface CustomerRow { tenant_id: unknown; name: unknown }

export interface SqliteAudit {
  append(entry: AuditEntry): StoredAuditEntry;
  /**
   * The same append, for a caller that already holds the write lock (a state change written with its entry).
   * `request`: the request this change writes, whose customer the entry takes without reading it back.
   */
  appendInTransaction(entry: AuditEntry, request?: { readonly id: string; readonly customer: { readonly tenantId: string; readonly name?: string } }): StoredAuditEntry;
  list(filter?: string | AuditFilter): StoredAuditEntry[];
  verify(): AuditVerification;
}

/** True when the file holds an audit table from before the hash chain (no `hash` column). */
function isLegacyAudit(db: Database.Database): boolean {
  const columns = db.prepare<[], { name: string }>("SELECT name FROM pragma_table_info('audit')").all();
  return columns.length > 0 && !columns.some((column) => column.name === 'hash');
}

/**
 * Creates the audit table, sealing the rows of a pre-chain table into a chain first (same seq, same content).
 * Runs under the write lock, so two instances starting on one old file migrate it once.
 */
export function ensureAuditSchema(db: Database.Database): void {
  db.transaction(() => {
    if (isLegacyAudit(db)) {
      db.exec(`DROP TRIGGER IF EXISTS audit_no_update; DROP TRIGGER IF EXISTS audit_no_delete;
               ALTER TABLE audit RENAME TO audit_legacy;`);
      db.exec(AUDIT_SCHEMA);
      const legacy = db.prepare<[], Omit<AuditRow, 'customer_tenant_id' | 'customer_name' | 'prev_hash' | 'hash'>>(
        'SELECT seq, request_id, event, actor, at, detail FROM audit_legacy ORDER BY seq',
      ).all();
      const insert = insertStatement(db);
      const customerOf = customerStatement(db);
      let prevHash = AUDIT_GENESIS_HASH;
      for (const row of legacy) {
        const customer = row.request_id ? readCustomer(customerOf, row.request_id) : undefined;
        const detail = row.detail === null ? null : (JSON.parse(row.detail) as unknown);
        const fields = {
          seq: row.seq, requestId: row.request_id, event: row.event, actor: row.actor, at: toUtcIso(row.at),
          customerTenantId: customer?.tenantId ?? null, customerName: customer?.name ?? null, detail, prevHash,
        };
        const hash = hashEntry(fields);
        insert.run(fields.seq, fields.requestId, fields.event, fields.actor, fields.at, detail === null ? null : canonicalJson(detail),
          fields.customerTenantId, fields.customerName, prevHash, hash);
        prevHash = hash;
      }
      db.exec('DROP TABLE audit_legacy;');
    }
    db.exec(AUDIT_SCHEMA);
  }).immediate();
}

function insertStatement(db: Database.Database): Database.Statement {
  return db.prepare(
    `INSERT INTO audit (seq, request_id, event, actor, at, detail, customer_tenant_id, customer_name, prev_hash, hash)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  );
}

function customerStatement(db: Database.Database): Database.Statement<[string], CustomerRow> {
  return db.prepare<[string], CustomerRow>(
    "SELECT json_extract(body, '$.customer.tenantId') AS tenant_id, json_extract(body, '$.customer.name') AS name FROM requests WHERE id = ?",
  );
}

function readCustomer(statement: Database.Statement<[string], CustomerRow>, requestId: string): { tenantId: string; name: string | null } | undefined {
  const row = statement.get(requestId);
  if (!row || typeof row.tenant_id !== 'string') return undefined;
  return { tenantId: row.tenant_id, name: typeof row.name === 'string' ? row.name : null };
}

/**
 * The highest seq ever handed out (survives deletion of the last rows). Prepared once, on first use: every append
 * reads it, and a file from before AUTOINCREMENT has no sqlite_sequence to prepare against until it is read.
 */
function highWaterOf(db: Database.Database): () => number {
  let statement: Database.Statement<[], { seq: number }> | undefined;
  return () => {
    statement ??= db.prepare<[], { seq: number }>("SELECT seq FROM sqlite_sequence WHERE name = 'audit'");
    return statement.get()?.seq ?? 0;
  };
}

function toStored(row: AuditRow): StoredAuditEntry {
  return {
    seq: row.seq,
    ...(row.request_id !== null ? { requestId: row.request_id } : {}),
    event: row.event,
    actor: row.actor,
    at: row.at,
    ...(row.detail !== null ? { detail: JSON.parse(row.detail) as Record<string, unknown> } : {}),
    ...(row.customer_tenant_id !== null
      ? { customer: { tenantId: row.customer_tenant_id, ...(row.customer_name !== null ? { name: row.customer_name } : {}) } }
      : {}),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** Statements over an existing audit table (ensureAuditSchema has run, or the file is opened read-only). */
export function prepareAudit(db: Database.Database): SqliteAudit {
  const insert = insertStatement(db);
  const customerOf = customerStatement(db);
  const selectLast = db.prepare<[], { seq: number; hash: string }>('SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1');
  const selectAll = db.prepare<[], AuditRow>('SELECT * FROM audit ORDER BY seq');
  const highWater = highWaterOf(db);

  // Reading the head and inserting after it must be one step for every writer on the file: BEGIN IMMEDIATE takes
  // the write lock before the read, so a second process waits (busy_timeout) and then chains from our entry.
  const appendRow = (entry: AuditEntry, request?: Parameters<SqliteAudit['appendInTransaction']>[1]): StoredAuditEntry => {
    const last = selectLast.get();
    const seq = Math.max(last?.seq ?? 0, highWater()) + 1;
    const prevHash = last?.hash ?? AUDIT_GENESIS_HASH;
    const written = request !== undefined && request.id === entry.requestId ? { tenantId: request.customer.tenantId, name: request.customer.name ?? null } : undefined;
    const customer = written ?? (entry.requestId ? readCustomer(customerOf, entry.requestId) : undefined)
      ?? (entry.customer ? { tenantId: entry.customer.tenantId, name: entry.customer.name ?? null } : undefined);
    const detailText = entry.detail === undefined ? null : canonicalJson(entry.detail);
    const detail = detailText === null ? null : (JSON.parse(detailText) as Record<string, unknown>);
    const fields = {
      seq, requestId: entry.requestId ?? null, event: entry.event, actor: entry.actor, at: toUtcIso(entry.at),
      customerTenantId: customer?.tenantId ?? null, customerName: customer?.name ?? null, detail, prevHash,
    };
    const hash = hashEntry(fields);
    insert.run(seq, fields.requestId, fields.event, fields.actor, fields.at, detailText, fields.customerTenantId, fields.customerName, prevHash, hash);
    return toStored({
      seq, request_id: fields.requestId, event: fields.event, actor: fields.actor, at: fields.at, detail: detailText,
      customer_tenant_id: fields.customerTenantId, customer_name: fields.customerName, prev_hash: prevHash, hash,
    });
  };
  const appendLocked = db.transaction((entry: AuditEntry) => appendRow(entry));

  return {
    append: (entry) => appendLocked.immediate(entry),
    appendInTransaction: appendRow,
    list(filter) {
      const criteria: AuditFilter = typeof filter === 'string' ? { requestId: filter } : (filter ?? {});
      const where: string[] = [];
      const params: (string | number)[] = [];
      if (criteria.requestId !== undefined) { where.push('request_id = ?'); params.push(criteria.requestId); }
      if (criteria.since !== undefined) { where.push('at >= ?'); params.push(toUtcIso(criteria.since)); }
      if (criteria.customerTenantId !== undefined) { where.push('customer_tenant_id = ? COLLATE NOCASE'); params.push(criteria.customerTenantId); }
      if (criteria.customerName !== undefined) { where.push('customer_name = ? COLLATE NOCASE'); params.push(criteria.customerName); }
      const whereSql = where.length > 0 ? `WHERE ${where.join(' AND ')}` : '';
      let sql = `SELECT * FROM audit ${whereSql} ORDER BY seq`;
      if (criteria.latest !== undefined) {
        if (!Number.isInteger(criteria.latest) || criteria.latest < 0) throw new RangeError('latest must be a whole number >= 0');
        sql = `SELECT * FROM (SELECT * FROM audit ${whereSql} ORDER BY seq DESC LIMIT ?) ORDER BY seq`;
        params.push(criteria.latest);
      }
      return db.prepare<(string | number)[], AuditRow>(sql).all(...params).map(toStored);
    },
    verify() {
      // One read transaction: the rows and the counter are seen at the same instant even while others append.
      return db.transaction((): AuditVerification => {
        const highWaterSeq = highWater();
        const rows = selectAll.iterate();
        const chainRows = (function* (): Generator<StoredChainRow> {
          for (const row of rows) {
            yield {
              seq: row.seq, requestId: row.request_id, event: row.event, actor: row.actor, at: row.at,
              customerTenantId: row.customer_tenant_id, customerName: row.customer_name,
              detailText: row.detail, prevHash: row.prev_hash, hash: row.hash,
            };
          }
        })();
        try {
          return verifyChain(chainRows, highWaterSeq);
        } finally {
          chainRows.return(undefined);
        }
      }).deferred();
    },
  };
}
