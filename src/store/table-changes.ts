// changes.record on Table Storage: the request, its audit entry and its outbox messages in one entity-group transaction.
import { randomBytes } from 'node:crypto';
import { odata, type TransactionAction } from '@azure/data-tables';
import type { AccessRequest } from '../domain/access-request';
import { AUDIT_GENESIS_HASH, canonicalJson, hashEntry, toUtcIso } from './audit-chain';
import type { Change, ChangeLog } from './ports';
import { StoreUnavailableError } from './ports';
import type { AuditCustomer } from './request-store';
import { hintsOf, indexRow, indexRows, type Hint } from './table-index';
import {
  auditRow, customerPartition, HEAD_ROW, headOf, INDEX_PARTITION, isConflict, OUTBOX_INDEX, PARTNER_PARTITION, putText,
  queryAll, readEntity, readRequestHead, REQUEST_ROW, requestPartition, withStore,
  type ChainHead, type Entity, type TableContext,
} from './table-support';

/**
 * How often one change re-reads and tries again when the chain head moved under it (another instance appended to
 * the same partition); the call's deadline usually ends it first. A lost compare-and-set on the request itself is
 * not retried: it answers false.
 */
const MAX_ATTEMPTS = 100;
/** An entity-group transaction holds at most 100 operations: the head, the audit entry, and the messages. */
const MAX_MESSAGES = 98;

interface Row { readonly partitionKey: string; readonly rowKey: string }
interface Plan {
  readonly actions: TransactionAction[];
  /** Index entries written before the transaction, so a crash after it never leaves a change nobody finds. */
  readonly hints: readonly Hint[];
  readonly head: Omit<ChainHead, 'etag'>;
  readonly entryRow: Row;
  /** This attempt's own mark on its audit entry: two instances writing the same entry (same event, actor, time, detail) have one hash. */
  readonly writeId: string;
  /** The head's row (`request` or `head`) and the ETag this attempt builds on (undefined: it creates the head). */
  readonly headRow: string;
  readonly baseEtag: string | undefined;
  /** The index hints of the change this one replaces: removed once this one is stored. */
  readonly superseded: readonly Row[];
}

export function tableChangeLog(context: TableContext): ChangeLog {
  return {
    record: (change) => withStore('record', context.deadline(), (signal) => {
      const outbox = change.outbox ?? [];
      if (outbox.length > MAX_MESSAGES) throw new RangeError(`a change causes at most ${MAX_MESSAGES} messages`);
      if (change.request && change.audit.requestId !== undefined && change.audit.requestId !== change.request.id) {
        throw new TypeError(`the audit entry names request ${change.audit.requestId}, the change ${change.request.id}`);
      }
      return change.request ? recordRequest(context, change.request, change, signal) : recordEvent(context, change, signal);
    }),
  };
}

const emptyHead = (partitionKey: string): ChainHead => ({ partitionKey, etag: undefined, seq: 0, hash: '', at: '' });

async function recordRequest(context: TableContext, next: AccessRequest, change: Change, signal: AbortSignal): Promise<boolean> {
  const partitionKey = requestPartition(next.id);
  const orEmpty = (head: ChainHead | undefined): ChainHead | undefined => head ?? (next.version === 1 ? emptyHead(partitionKey) : undefined);
  const fits = (candidate: ChainHead | undefined): candidate is ChainHead => candidate !== undefined && (next.version === 1
    ? candidate.etag === undefined
    : candidate.request?.version === next.version - 1);
  // Version 1: assume an empty partition (one round trip); if the id exists, the create fails and we read.
  let head = orEmpty(context.heads.get(partitionKey));
  let fresh = false;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    // A cached head that does not fit may be stale: only a fresh read decides that the compare-and-set lost.
    if (!fits(head) && !fresh) head = orEmpty(await readRequestHead(context, partitionKey, signal));
    if (!fits(head)) return false;
    const outcome = await apply(context, planChange(context, head, { request: next, customer: next.customer }, change), signal);
    if (outcome === 'stored') return true;
    head = orEmpty(outcome.head);
    fresh = true;
  }
  throw new StoreUnavailableError(`table store: record: request ${next.id} kept changing under ${MAX_ATTEMPTS} attempts`);
}

/** A change to no request's state: chained with the request it names if that is stored, else with its customer. */
async function recordEvent(context: TableContext, change: Change, signal: AbortSignal): Promise<boolean> {
  const named = change.audit.requestId;
  const requestKey = named === undefined ? undefined : requestPartition(named);
  const known = requestKey === undefined ? undefined : (context.heads.get(requestKey) ?? (await readRequestHead(context, requestKey, signal)));
  const stored = known?.request;
  const partitionKey = stored ? requestPartition(stored.id) : change.audit.customer ? customerPartition(change.audit.customer.tenantId) : PARTNER_PARTITION;
  const customer: AuditCustomer | undefined = stored?.customer ?? change.audit.customer;
  let head = known;
  if (!stored) {
    head = context.heads.get(partitionKey);
    if (!head) {
      const entity = await readEntity(context, partitionKey, HEAD_ROW, signal);
      head = entity ? headOf(entity) : undefined;
      if (head) context.heads.set(head);
    }
  }
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    if (attempt > 0) await backOff(attempt, signal);
    const outcome = await apply(context, planChange(context, head ?? emptyHead(partitionKey), { customer }, change), signal);
    if (outcome === 'stored') return true;
    head = outcome.head;
  }
  throw new StoreUnavailableError(`table store: record: the audit chain of ${partitionKey} kept moving under ${MAX_ATTEMPTS} attempts`);
}

/** Appends that keep meeting each other on one chain spread out (up to 5 ms, 10 ms, … 160 ms, at random). */
async function backOff(attempt: number, signal: AbortSignal): Promise<void> {
  await new Promise<void>((done) => {
    const timer = setTimeout(done, Math.random() * 5 * 2 ** Math.min(attempt - 1, 5));
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      done();
    }, { once: true });
  });
}

/** The writes of one attempt, chained from `head`. Serializes everything first: an entry that cannot be stored throws here. */
function planChange(context: TableContext, head: ChainHead, target: { request?: AccessRequest; customer: AuditCustomer | undefined }, change: Change): Plan {
  const { partitionKey } = head;
  const writeId = randomBytes(8).toString('hex');
  const seq = head.seq + 1;
  const prevHash = head.seq === 0 ? AUDIT_GENESIS_HASH : head.hash;
  const now = context.now();
  const createdAt = context.stamp(head.at);
  const { audit } = change;
  const detailText = audit.detail === undefined ? null : canonicalJson(audit.detail);
  const requestId = target.request?.id ?? audit.requestId ?? null;
  const fields = {
    seq, requestId, event: audit.event, actor: audit.actor, at: toUtcIso(audit.at),
    customerTenantId: target.customer?.tenantId ?? null, customerName: target.customer?.name ?? null,
    detail: detailText === null ? null : (JSON.parse(detailText) as unknown), prevHash,
  };
  const hash = hashEntry(fields);
  const entryRow = { partitionKey, rowKey: auditRow(seq) };
  const entry: Record<string, unknown> = {
    ...entryRow, seq, event: fields.event, actor: fields.actor, at: fields.at, prevHash, hash, recordedAt: createdAt, writeId,
    ...(requestId !== null ? { requestId } : {}),
    ...(fields.customerTenantId !== null ? { customerTenantId: fields.customerTenantId, customerKey: fields.customerTenantId.toLowerCase() } : {}),
    ...(fields.customerName !== null ? { customerName: fields.customerName, customerNameKey: fields.customerName.toLowerCase() } : {}),
  };
  if (detailText !== null) putText(entry, 'detail', detailText);

  const hints: Hint[] = [];
  const messages: TransactionAction[] = (change.outbox ?? []).map((message, n) => {
    const rowKey = `o:${String(seq).padStart(10, '0')}:${writeId}:${String(n).padStart(3, '0')}`;
    const messageId = `${createdAt}|${partitionKey}|${rowKey}`;
    const entity: Record<string, unknown> = { partitionKey, rowKey, kind: message.kind, requestId: message.requestId, createdAt, messageId };
    putText(entity, 'payload', JSON.stringify(message.payload));
    hints.push({ partitionKey: INDEX_PARTITION, rowKey: indexRow(OUTBOX_INDEX, messageId), partition: partitionKey, row: rowKey, createdAt });
    return ['create', { ...entity, partitionKey, rowKey }];
  });

  const chain = { chainSeq: seq, chainHash: hash, chainAt: createdAt };
  let headAction: TransactionAction;
  let superseded: readonly Row[] = [];
  const request = target.request;
  if (request) {
    const entity: Record<string, unknown> = {
      partitionKey, rowKey: REQUEST_ROW, ...chain, writeId,
      version: request.version, state: request.state, createdAt: request.createdAt, updatedAt: request.updatedAt,
      requesterId: request.requester.id, customerKey: request.customer.tenantId.toLowerCase(),
      subscriptionKey: request.subscription.id.toLowerCase(),
    };
    putText(entity, 'body', JSON.stringify(request));
    headAction = head.etag === undefined
      ? ['create', { ...entity, partitionKey, rowKey: REQUEST_ROW }]
      : ['update', { ...entity, partitionKey, rowKey: REQUEST_ROW }, 'Replace', { etag: head.etag }];
    hints.push(...hintsOf(request, writeId, now.toISOString()));
    if (head.request && head.writeId !== undefined) superseded = indexRows(head.request, head.writeId);
  } else {
    const rowKey = head.request ? REQUEST_ROW : HEAD_ROW;
    headAction = head.etag === undefined
      ? ['create', { partitionKey, rowKey, ...chain }]
      : ['update', { partitionKey, rowKey, ...chain }, 'Merge', { etag: head.etag }];
  }
  return {
    actions: [headAction, ['create', { ...entry, ...entryRow }], ...messages],
    hints,
    head: {
      partitionKey, seq, hash, at: createdAt,
      ...(request ? { request, writeId } : head.request ? { request: head.request, ...(head.writeId !== undefined ? { writeId: head.writeId } : {}) } : {}),
    },
    entryRow,
    writeId,
    headRow: target.request || head.request ? REQUEST_ROW : HEAD_ROW,
    baseEtag: head.etag,
    superseded,
  };
}

/**
 * One attempt: hints, then the transaction. 'stored', or the head as it is now when the head moved or a row
 * exists (undefined: there is no head row): the caller decides whether to try again on it.
 */
async function apply(context: TableContext, plan: Plan, signal: AbortSignal): Promise<'stored' | { readonly head: ChainHead | undefined }> {
  const { client } = context;
  await writeHints(context, plan.hints, signal);
  try {
    const response = await client.submitTransaction(plan.actions, { abortSignal: signal });
    context.heads.set({ ...plan.head, etag: response.subResponses[0]?.etag });
  } catch (error: unknown) {
    context.heads.forget(plan.head.partitionKey);
    // The service may have applied it and the answer got lost (then the client's retry fails on our own write):
    // our audit entry, at our place in the chain with this attempt's write id, says so. (Not its hash: the same
    // click on two instances in the same millisecond makes the same entry, and only one of them was stored.) If
    // even that cannot be read, we do not know. One query reads that entry and the head as it is now, for the next attempt.
    const { partitionKey } = plan.head;
    let rows: Entity[];
    try {
      const filter = odata`PartitionKey eq ${partitionKey} and (RowKey eq ${plan.headRow} or RowKey eq ${plan.entryRow.rowKey})`;
      rows = await queryAll(context, filter, context.deadline());
    } catch {
      throw error;
    }
    if (rows.find((row) => row.rowKey === plan.entryRow.rowKey)?.writeId !== plan.writeId) {
      context.discard(plan.hints);
      if (!isConflict(error)) throw error;
      const found = rows.find((row) => row.rowKey === plan.headRow);
      const head = found ? headOf(found) : undefined;
      if (head) context.heads.set(head);
      // The head did not move, so another row was in the way: the chain's next place is taken (written around the
      // store). Trying again would meet it again; the chain needs looking at (audit verify names it).
      if (head?.etag === plan.baseEtag) {
        throw new StoreUnavailableError(`table store: record: ${partitionKey} already has a row at ${plan.entryRow.rowKey} (written around the store?)`, { cause: error });
      }
      return { head };
    }
  }
  context.discard(plan.superseded);
  return 'stored';
}

/** The hints of one change, all at once: one transaction (they share the index partition), or several past 100 (table-migrate re-indexes with it). */
export async function writeHints(context: TableContext, hints: readonly Hint[], signal: AbortSignal): Promise<void> {
  const byPartition = new Map<string, Hint[]>();
  for (const hint of hints) byPartition.set(hint.partitionKey, [...(byPartition.get(hint.partitionKey) ?? []), hint]);
  const groups = [...byPartition.values()].flatMap((group) => Array.from({ length: Math.ceil(group.length / 100) }, (_, n) => group.slice(n * 100, (n + 1) * 100)));
  await Promise.all(groups.map(([first, ...others]) => {
    if (!first) return undefined;
    if (others.length === 0) return context.client.upsertEntity(first, 'Replace', { abortSignal: signal });
    return context.client.submitTransaction([first, ...others].map((hint): TransactionAction => ['upsert', hint, 'Replace']), { abortSignal: signal });
  }));
}
