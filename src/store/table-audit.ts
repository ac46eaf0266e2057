// The audit log on Table Storage: one hash chain per partition, listed across partitions in time order, verified chain by chain.
import { odata } from '@azure/data-tables';
import { toUtcIso, verifyChain, type StoredChainRow } from './audit-chain';
import type { AuditLog } from './ports';
import type { AuditFilter, AuditVerification, StoredAuditEntry } from './request-store';
import { customerRequestIds } from './table-index';
import {
  AUDIT_ROWS, customerPartition, getText, HEAD_ROW, numberOf, PARTNER_PARTITION, queryAll, readEntity, REQUEST_ROW, requestPartition,
  stringOf, withStore, type Entity, type TableContext,
} from './table-support';

export function tableAudit(context: TableContext): AuditLog {
  return {
    list: (filter) => withStore('list audit', context.scanDeadline(), async (signal) => {
      const criteria: AuditFilter = typeof filter === 'string' ? { requestId: filter } : (filter ?? {});
      if (criteria.latest !== undefined && (!Number.isInteger(criteria.latest) || criteria.latest < 0)) {
        throw new RangeError('latest must be a whole number >= 0');
      }
      const entries = inTimeOrder(await findEntries(context, criteria, signal)).map(toStored);
      return criteria.latest === undefined ? entries : entries.slice(Math.max(0, entries.length - criteria.latest));
    }),
    verify: () => withStore('verify audit', context.scanDeadline(), (signal) => verifyAll(context, signal)),
  };
}

const inRange = odata`RowKey ge ${AUDIT_ROWS.from} and RowKey lt ${AUDIT_ROWS.to}`;

async function findEntries(context: TableContext, criteria: AuditFilter, signal: AbortSignal): Promise<Entity[]> {
  const clauses = [inRange];
  if (criteria.since !== undefined) clauses.push(odata`at ge ${toUtcIso(criteria.since)}`);
  if (criteria.customerTenantId !== undefined) clauses.push(odata`customerKey eq ${criteria.customerTenantId.toLowerCase()}`);
  if (criteria.customerName !== undefined) clauses.push(odata`customerNameKey eq ${criteria.customerName.toLowerCase()}`);
  if (criteria.requestId === undefined && criteria.customerTenantId !== undefined) return customerEntries(context, criteria.customerTenantId, clauses, signal);
  if (criteria.requestId === undefined) return queryAll(context, clauses.join(' and '), signal);
  // A stored request's entries are all in its partition; those about an id that was never stored (a forged click)
  // were chained with their customer, and only a scan finds them.
  const partitionKey = requestPartition(criteria.requestId);
  const inPartition = await queryAll(context, [odata`PartitionKey eq ${partitionKey}`, ...clauses].join(' and '), signal);
  if (inPartition.length > 0 || (await readEntity(context, partitionKey, REQUEST_ROW, signal))) return inPartition;
  return queryAll(context, [...clauses, odata`requestId eq ${criteria.requestId}`].join(' and '), signal);
}

/** How many partitions a customer's audit reads at once. */
const PARTITIONS_IN_FLIGHT = 16;

/**
 * A customer's entries are in their requests' partitions (named by the customer's index) and in the customer's own
 * chain: one query per partition, never a read of the table. (A name alone is no key: that filter still reads across.)
 */
async function customerEntries(context: TableContext, tenantId: string, clauses: readonly string[], signal: AbortSignal): Promise<Entity[]> {
  const partitions = [customerPartition(tenantId), ...(await customerRequestIds(context, tenantId, signal)).map(requestPartition)];
  const found: Entity[] = [];
  for (let start = 0; start < partitions.length; start += PARTITIONS_IN_FLIGHT) {
    const slice = partitions.slice(start, start + PARTITIONS_IN_FLIGHT);
    for (const rows of await Promise.all(slice.map((partitionKey) => queryAll(context, [odata`PartitionKey eq ${partitionKey}`, ...clauses].join(' and '), signal)))) found.push(...rows);
  }
  return found;
}

/**
 * Oldest first across chains, by the caller's time and then by when the store recorded the entry. Within a chain
 * the order is the chain's (an instance's clock may lag another's): each entry sorts at the latest (time, recorded)
 * of its chain so far, and entries that tie keep their chain order.
 */
function inTimeOrder(entities: readonly Entity[]): Entity[] {
  const keyed: { entity: Entity; key: string }[] = [];
  for (const chain of byPartition(entities).values()) {
    let latest = '';
    for (const entity of chain) {
      // Both parts are fixed-length UTC ISO times, so comparing the joined text compares the pair.
      const key = `${stringOf(entity, 'at') ?? ''}|${stringOf(entity, 'recordedAt') ?? ''}`;
      if (key > latest) latest = key;
      keyed.push({ entity, key: latest });
    }
  }
  keyed.sort((a, b) => compare(a.key, b.key) || compare(a.entity.partitionKey, b.entity.partitionKey) || compare(a.entity.rowKey, b.entity.rowKey));
  return keyed.map((item) => item.entity);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Entities grouped by partition, each group in RowKey (chain) order, partitions in key order. */
function byPartition(entities: readonly Entity[]): Map<string, Entity[]> {
  const groups = new Map<string, Entity[]>();
  const sorted = [...entities].sort((a, b) => compare(a.partitionKey, b.partitionKey) || compare(a.rowKey, b.rowKey));
  for (const entity of sorted) {
    const group = groups.get(entity.partitionKey);
    if (group) group.push(entity);
    else groups.set(entity.partitionKey, [entity]);
  }
  return groups;
}

function toStored(entity: Entity): StoredAuditEntry {
  const requestId = stringOf(entity, 'requestId');
  const detail = getText(entity, 'detail');
  const tenantId = stringOf(entity, 'customerTenantId');
  const name = stringOf(entity, 'customerName');
  return {
    seq: numberOf(entity, 'seq') ?? 0,
    ...(requestId !== undefined ? { requestId } : {}),
    event: stringOf(entity, 'event') ?? '',
    actor: stringOf(entity, 'actor') ?? '',
    at: stringOf(entity, 'at') ?? '',
    ...(detail !== undefined ? { detail: JSON.parse(detail) as Record<string, unknown> } : {}),
    ...(tenantId !== undefined ? { customer: { tenantId, ...(name !== undefined ? { name } : {}) } } : {}),
    prevHash: stringOf(entity, 'prevHash') ?? '',
    hash: stringOf(entity, 'hash') ?? '',
  };
}

function chainRow(entity: Entity): StoredChainRow {
  return {
    seq: numberOf(entity, 'seq') ?? 0,
    requestId: stringOf(entity, 'requestId') ?? null,
    event: stringOf(entity, 'event') ?? '',
    actor: stringOf(entity, 'actor') ?? '',
    at: stringOf(entity, 'at') ?? '',
    customerTenantId: stringOf(entity, 'customerTenantId') ?? null,
    customerName: stringOf(entity, 'customerName') ?? null,
    detailText: getText(entity, 'detail') ?? null,
    prevHash: stringOf(entity, 'prevHash') ?? '',
    hash: stringOf(entity, 'hash') ?? '',
  };
}

/** How a chain is named in a verification failure. */
function chainName(partitionKey: string): string {
  if (partitionKey === PARTNER_PARTITION) return 'the chain of entries about no customer';
  const [kind, key = ''] = partitionKey.split(':');
  return kind === 'r' ? `the chain of request ${decodeURIComponent(key)}` : `the chain of customer ${decodeURIComponent(key)}`;
}

interface Head { readonly seq: number; readonly hash: string }
const headFrom = (entity: Entity): Head => ({ seq: numberOf(entity, 'chainSeq') ?? 0, hash: stringOf(entity, 'chainHash') ?? '' });

/**
 * Each partition's entries must form an unbroken chain from genesis up to its head (the request row, or `head`),
 * which the store moves in the same transaction as every append: an edited, deleted, inserted or reordered entry,
 * a deleted tail, or a rewritten last entry all show. Heads are read before entries; a chain that grew in between
 * has its head read again, so appends by other instances during the check are not taken for tampering.
 */
async function verifyAll(context: TableContext, signal: AbortSignal): Promise<AuditVerification> {
  const headRows = await queryAll(context, odata`RowKey eq ${REQUEST_ROW} or RowKey eq ${HEAD_ROW}`, signal, ['chainSeq', 'chainHash']);
  const heads = new Map(headRows.filter((row) => (numberOf(row, 'chainSeq') ?? 0) > 0).map((row) => [row.partitionKey, { row: row.rowKey, head: headFrom(row) }]));
  const chains = byPartition(await queryAll(context, inRange, signal));
  for (const partitionKey of heads.keys()) if (!chains.has(partitionKey)) chains.set(partitionKey, []);
  let total = 0;
  for (const partitionKey of [...chains.keys()].sort()) {
    const rows = (chains.get(partitionKey) ?? []).map(chainRow);
    const known = heads.get(partitionKey);
    let head = known?.head;
    const lastSeq = rows.at(-1)?.seq ?? 0;
    if (known && lastSeq > known.head.seq) {
      const fresh = await readEntity(context, partitionKey, known.row, signal);
      if (fresh) head = headFrom(fresh);
    }
    const name = chainName(partitionKey);
    if (!head) {
      return { ok: false, entries: total, firstBadSeq: rows[0]?.seq ?? 1, reason: `${name}: its head (the request, or the chain's head row) is missing (deleted)` };
    }
    const within = rows.filter((row) => row.seq <= head.seq);
    const result = verifyChain(within, head.seq);
    if (!result.ok) return { ...result, entries: total + result.entries, reason: `${name}: ${result.reason}` };
    const beyond = rows.find((row) => row.seq > head.seq);
    if (beyond) {
      return { ok: false, entries: total + result.entries, firstBadSeq: beyond.seq, reason: `${name}: entry #${beyond.seq} is after the chain's head (inserted)` };
    }
    if (head.seq > 0 && within.at(-1)?.hash !== head.hash) {
      return { ok: false, entries: total + result.entries, firstBadSeq: head.seq, reason: `${name}: entry #${head.seq} is not the one the chain's head records (rewritten)` };
    }
    total += result.entries;
  }
  return { ok: true, entries: total };
}
