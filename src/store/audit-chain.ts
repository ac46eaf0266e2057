// The audit hash chain, independent of storage: canonical JSON, the hash of one entry, and walking a chain to verify it.
import { createHash } from 'node:crypto';
import type { AuditVerification } from './request-store';

/** prev_hash of entry #1. Fixed so that an auditor can recompute the whole chain from the rows alone. */
export const AUDIT_GENESIS_HASH = '0'.repeat(64);

/** The fields of one entry that its hash covers, in the form they are stored. */
export interface ChainedFields {
  readonly seq: number;
  readonly requestId: string | null;
  readonly event: string;
  readonly actor: string;
  /** UTC, `YYYY-MM-DDTHH:mm:ss.sssZ` (Date#toISOString). */
  readonly at: string;
  readonly customerTenantId: string | null;
  readonly customerName: string | null;
  /** The detail as a JSON value (not its text), or null. */
  readonly detail: unknown;
  readonly prevHash: string;
}

/**
 * Canonical JSON: no whitespace, object keys sorted by UTF-16 code units, strings and numbers written as
 * JSON.stringify writes them (the same rules as RFC 8785 JCS for the values an audit detail holds). Like JSON,
 * object members whose value is undefined, a function or a symbol are left out, and in arrays they become null.
 * Throws on cycles and BigInt, as JSON.stringify does: an entry that cannot be serialized is not stored.
 */
export function canonicalJson(value: unknown): string {
  const text = write(value, new Set());
  return text ?? 'null';
}

function write(value: unknown, seen: Set<object>): string | undefined {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      return Number.isFinite(value) ? JSON.stringify(value) : 'null';
    case 'bigint':
      throw new TypeError('canonicalJson: BigInt cannot be serialized');
    case 'undefined':
    case 'function':
    case 'symbol':
      return undefined;
    default:
      break;
  }
  const object = value as object;
  const withToJson = object as { toJSON?: unknown };
  if (typeof withToJson.toJSON === 'function') return write((withToJson.toJSON as () => unknown).call(object), seen);
  if (seen.has(object)) throw new TypeError('canonicalJson: cyclic structure');
  seen.add(object);
  try {
    if (Array.isArray(object)) {
      return `[${object.map((item: unknown) => write(item, seen) ?? 'null').join(',')}]`;
    }
    const record = object as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const text = write(record[key], seen);
      if (text !== undefined) members.push(`${JSON.stringify(key)}:${text}`);
    }
    return `{${members.join(',')}}`;
  } finally {
    seen.delete(object);
  }
}

/**
 * The exact text that is hashed for one entry: canonicalJson of
 * {actor, at, customerName, customerTenantId, detail, event, prevHash, requestId, seq} (keys in that sorted order),
 * absent values as null, `at` in UTC ISO form with milliseconds, prevHash as 64 lower-case hex digits (genesis: 64 zeros).
 * Entry hash = lower-case hex SHA-256 of the UTF-8 bytes of that text.
 */
export function canonicalEntry(fields: ChainedFields): string {
  return canonicalJson({
    seq: fields.seq,
    requestId: fields.requestId,
    event: fields.event,
    actor: fields.actor,
    at: fields.at,
    customerTenantId: fields.customerTenantId,
    customerName: fields.customerName,
    detail: fields.detail ?? null,
    prevHash: fields.prevHash,
  });
}

/** SHA-256 (lower-case hex) of the canonical form of the entry. */
export function hashEntry(fields: ChainedFields): string {
  return createHash('sha256').update(canonicalEntry(fields), 'utf8').digest('hex');
}

/** Normalises a caller's time to the one stored form; a time that is not a date is a bug and throws. */
export function toUtcIso(at: string): string {
  const time = new Date(at);
  if (Number.isNaN(time.getTime())) throw new RangeError(`audit time is not a date: "${at}"`);
  return time.toISOString();
}

/** One stored row as the verifier reads it: the detail still as stored text. */
export interface StoredChainRow extends Omit<ChainedFields, 'detail'> {
  readonly detailText: string | null;
  readonly hash: string;
}

/**
 * Walks rows in seq order: seq must run 1, 2, 3… with no gap, each prev_hash must be the previous hash
 * (genesis for #1), and each hash must match the row's content. `highWaterSeq` is the highest seq ever
 * handed out (SQLite's AUTOINCREMENT counter), so deleting the last entries is detected too.
 */
export function verifyChain(rows: Iterable<StoredChainRow>, highWaterSeq: number): AuditVerification {
  let expectedSeq = 1;
  let prevHash = AUDIT_GENESIS_HASH;
  let entries = 0;
  const broken = (firstBadSeq: number, reason: string): AuditVerification => ({ ok: false, entries, firstBadSeq, reason });
  for (const row of rows) {
    entries++;
    if (row.seq !== expectedSeq) {
      return broken(expectedSeq, row.seq > expectedSeq
        ? `the entry is missing (deleted); the next one is #${row.seq}`
        : `entry #${row.seq} is out of order`);
    }
    if (row.prevHash !== prevHash) {
      return broken(row.seq, expectedSeq === 1
        ? 'the first entry does not start from the genesis hash (entries before it were deleted or it was inserted)'
        : `the entry does not chain from entry #${row.seq - 1} (an entry was inserted, reordered, or #${row.seq - 1} was rewritten)`);
    }
    let detail: unknown = null;
    if (row.detailText !== null) {
      try {
        detail = JSON.parse(row.detailText) as unknown;
      } catch {
        return broken(row.seq, 'its detail is not valid JSON (edited)');
      }
    }
    if (hashEntry({ ...row, detail }) !== row.hash) {
      return broken(row.seq, 'its content does not match its hash (edited)');
    }
    prevHash = row.hash;
    expectedSeq++;
  }
  const lastSeq = expectedSeq - 1;
  if (highWaterSeq > lastSeq) {
    return broken(lastSeq + 1, lastSeq + 1 === highWaterSeq
      ? `entry #${highWaterSeq}, the last one written, is missing (deleted)`
      : `entries #${lastSeq + 1} to #${highWaterSeq}, the last ones written, are missing (deleted)`);
  }
  return { ok: true, entries };
}
