// The Table store's indexes: hints written before each change, one per lookup (state, requester, customer), re-checked on read.
import { odata } from '@azure/data-tables';
import type { AccessRequest, RequestState } from '../domain/access-request';
import { dueAtOf } from '../domain/due';
import { toUtcIso } from './audit-chain';
import {
  entityOf, INDEX_PARTITION, keyPart, numberOf, readRequestHead, requestPartition, stringOf, type Entity, type TableContext,
} from './table-support';

/*
 * A request lives in its own partition, so no index entry can share its entity-group transaction. Each change
 * therefore writes, before its transaction, one hint per index, keyed `<index>$<order>|<id>|<write>`, all in the one
 * index partition (so a change's hints are one transaction, one request, and superseded ones leave several at a time):
 *   due:<state>           `<dueAt>|…` (`~` when no job looks at it again: after any due time): what periodic jobs
 *                         select (listDue), and every request in a state (listByState);
 *   by-requester:<user>   `<newest first updatedAt>|…`: "my requests";
 *   by-customer:<tenant>  the same per customer: "history", "list", a customer's audit;
 *   by-state:<state>      the same per state: the newest few in a state ("pending approvals") without reading all.
 * (`$` never occurs in an index's name, whose outside parts are percent-encoded, so `<index>$` to `<index>%` is
 * exactly one index.) A hint counts only if the request's head still carries the write that made it; any other is the
 * leftover of a change that lost its compare-and-set, of a crash between hint and transaction, or of a change since
 * superseded (whose writer removes it a moment after its own transaction landed). A reader removes a leftover it
 * meets unless its change may still be on its way (younger than the grace period). So every listing costs one query
 * per index it reads plus one point read per hint: it grows with what it lists (and the leftovers not yet swept),
 * never with the table. One partition for every index serves ~2,000 entities/s on Azure (each change writes 4 or more and
 * removes 4 later): some 300 changes a second across all instances, far above what people clicking make.
 */

export interface Hint {
  readonly partitionKey: string;
  readonly rowKey: string;
  readonly [property: string]: unknown;
}

export const dueIndex = (state: string): string => `due:${state}`;
export const requesterIndex = (userId: string): string => `by-requester:${keyPart(userId)}`;
export const customerRequestsIndex = (tenantId: string): string => `by-customer:${keyPart(tenantId.toLowerCase())}`;
export const stateIndex = (state: string): string => `by-state:${state}`;

/** An index's rows in the index partition: `<index>$…`, and the bound just after them (`%` follows `$`). */
export const indexRow = (index: string, local: string): string => `${index}$${local}`;
export const indexEnd = (index: string): string => `${index}%`;
/** A hint's RowKey without its index's name: what its order, id and write are read from. */
export const localOf = (rowKey: string): string => rowKey.slice(rowKey.indexOf('$') + 1);

/** After every ISO time (`~` sorts after digits and after `}`, the bound listDue reads below). */
const NOT_DUE = '~';
/** Milliseconds before the largest Date: RowKey order of this is newest first. */
const LAST_TIME = 8_640_000_000_000_000;
const newestFirst = (at: string): string => String(LAST_TIME - Date.parse(at)).padStart(16, '0');

/** `<dueAt>|<id>|<write>`: RowKey order is due order; the write id tells this change's hint from a lost one's. */
export const dueRow = (dueAt: string | undefined, id: string, writeId: string): string =>
  `${dueAt === undefined ? NOT_DUE : toUtcIso(dueAt)}|${keyPart(id)}|${writeId}`;
const listRow = (request: AccessRequest, writeId: string): string => `${newestFirst(request.updatedAt)}|${keyPart(request.id)}|${writeId}`;

/** The rows a request's write is indexed under (what `hintsOf` writes, and what a later change removes). */
export function indexRows(request: AccessRequest, writeId: string): Hint[] {
  return [
    { partitionKey: INDEX_PARTITION, rowKey: indexRow(dueIndex(request.state), dueRow(dueAtOf(request), request.id, writeId)) },
    { partitionKey: INDEX_PARTITION, rowKey: indexRow(requesterIndex(request.requester.id), listRow(request, writeId)) },
    { partitionKey: INDEX_PARTITION, rowKey: indexRow(customerRequestsIndex(request.customer.tenantId), listRow(request, writeId)) },
    { partitionKey: INDEX_PARTITION, rowKey: indexRow(stateIndex(request.state), listRow(request, writeId)) },
  ];
}

/** The hints of one write: where it is found, with what lets a listing filter before it checks. */
export function hintsOf(request: AccessRequest, writeId: string, writtenAt: string): Hint[] {
  const common = { requestId: request.id, version: request.version, writtenAt };
  const listed = {
    ...common, state: request.state, updatedAt: request.updatedAt,
    customerKey: request.customer.tenantId.toLowerCase(), subscriptionKey: request.subscription.id.toLowerCase(),
  };
  return indexRows(request, writeId).map((row, n) => ({ ...row, ...(n === 0 ? common : listed) }));
}

export interface HintQuery {
  readonly index: string;
  /** Extra OData on the hint's own properties (state, customerKey, subscriptionKey). */
  readonly where?: string;
  /** Only hints whose RowKey, without the index's name, is below this (listDue's bound). */
  readonly below?: string;
}

/** One index's hints in RowKey order, page by page. */
export async function* hintStream(context: TableContext, query: HintQuery, pageSize: number, signal: AbortSignal): AsyncGenerator<Entity> {
  const clauses = [
    odata`PartitionKey eq ${INDEX_PARTITION} and RowKey ge ${indexRow(query.index, '')}`,
    odata`RowKey lt ${query.below !== undefined ? indexRow(query.index, query.below) : indexEnd(query.index)}`,
  ];
  if (query.where !== undefined) clauses.push(query.where);
  const pages = context.client.listEntities<Record<string, unknown>>({
    queryOptions: { filter: clauses.join(' and '), select: ['PartitionKey', 'RowKey', 'requestId', 'version', 'writtenAt', 'updatedAt'] },
    abortSignal: signal,
  }).byPage({ maxPageSize: pageSize });
  for await (const page of pages) {
    // The service returns a partition in RowKey order; sorting the page keeps that true of any emulator too.
    for (const entity of page.map(entityOf).sort((a, b) => compare(a.rowKey, b.rowKey))) yield entity;
  }
}

/** Several indexes' streams as one, in the order of their RowKeys without the index's name (due time, newest first). */
export async function* mergeByRowKey(streams: readonly AsyncGenerator<Entity>[]): AsyncGenerator<Entity> {
  const heads = await Promise.all(streams.map(async (stream) => ({ stream, current: await stream.next() })));
  try {
    for (;;) {
      let best: (typeof heads)[number] | undefined;
      for (const head of heads) {
        if (head.current.done === true) continue;
        if (best === undefined || best.current.done === true || compare(localOf(head.current.value.rowKey), localOf(best.current.value.rowKey)) < 0) best = head;
      }
      if (best === undefined || best.current.done === true) return;
      const value = best.current.value;
      best.current = await best.stream.next();
      yield value;
    }
  } finally {
    await Promise.all(streams.map((stream) => stream.return(undefined)));
  }
}

/** How many heads one listing reads at once: enough to hide round trips, few enough not to flood one instance's sockets. */
const CHECKS_IN_FLIGHT = 32;

/** The order part of a hint's RowKey (due time, or newest-first time). */
const orderOf = (hint: Entity): string => localOf(hint.rowKey).split('|')[0] ?? '';

/**
 * The requests behind a stream of hints, in hint order, each once, at most `limit` — or more with `extendTies`:
 * every hint in the same order place as the last one counted, so that a caller sorting on more than the RowKey says
 * (updatedAt ties broken by createdAt) takes its first `limit` from the right set. Heads are read in parallel, no
 * more at once than are still wanted.
 */
export async function checkedRequests(
  context: TableContext, hints: AsyncGenerator<Entity>, signal: AbortSignal, options: { readonly limit?: number; readonly extendTies?: boolean } = {},
): Promise<AccessRequest[]> {
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const found: AccessRequest[] = [];
  const seen = new Set<string>();
  let boundary: string | undefined;
  try {
    for (;;) {
      const room = Math.max(0, limit - found.length);
      const batch: Entity[] = [];
      while (batch.length < Math.min(CHECKS_IN_FLIGHT, Math.max(room, 1))) {
        const next = await hints.next();
        if (next.done === true) break;
        if (room === 0 && (options.extendTies !== true || orderOf(next.value) !== boundary)) return found;
        batch.push(next.value);
      }
      if (batch.length === 0) return found;
      const checked = await Promise.all(batch.map((hint) => checkHint(context, hint, signal)));
      checked.forEach((request, n) => {
        if (!request || seen.has(request.id)) return;
        seen.add(request.id);
        found.push(request);
        const hint = batch[n];
        if (found.length === limit && hint) boundary = orderOf(hint);
      });
    }
  } finally {
    await hints.return(undefined);
  }
}

/** The request a hint points to, if the hint is current; removes it if it is a leftover. */
export async function checkHint(context: TableContext, hint: Entity, signal: AbortSignal): Promise<AccessRequest | undefined> {
  const requestId = stringOf(hint, 'requestId');
  const version = numberOf(hint, 'version');
  const writeId = localOf(hint.rowKey).split('|')[2];
  if (requestId === undefined || version === undefined || writeId === undefined) {
    context.discard([hint]);
    return undefined;
  }
  const head = await readRequestHead(context, requestPartition(requestId), signal);
  if (head?.request && head.writeId === writeId) return head.request;
  const superseded = head?.request !== undefined && head.request.version >= version;
  const writtenAt = Date.parse(stringOf(hint, 'writtenAt') ?? '');
  const abandoned = !(writtenAt > context.now().getTime() - context.hintGraceInMs);
  if (superseded || abandoned) context.discard([hint]);
  return undefined;
}

/** The requests whose ids a customer's index names, current or not (a customer's audit reads their partitions). */
export async function customerRequestIds(context: TableContext, tenantId: string, signal: AbortSignal): Promise<string[]> {
  const ids = new Set<string>();
  for await (const hint of hintStream(context, { index: customerRequestsIndex(tenantId) }, 1000, signal)) {
    const id = stringOf(hint, 'requestId');
    if (id !== undefined) ids.add(id);
  }
  return [...ids];
}

export const statesClause = (states: readonly RequestState[]): string => `(${states.map((state) => odata`state eq ${state}`).join(' or ')})`;

export const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
