// Reading requests from Table Storage: by id (one point read), by state or filter (a scan), and what is due (an index).
import { odata } from '@azure/data-tables';
import type { AccessRequest, RequestState } from '../domain/access-request';
import { toUtcIso } from './audit-chain';
import type { RequestRepository } from './ports';
import type { RequestFilter } from './request-store';
import { readRequestHead } from './table-changes';
import {
  deleteQuietly, duePartition, entityOf, headOf, numberOf, queryAll, REQUEST_ROW, requestPartition, stringOf, withStore,
  type Entity, type TableContext,
} from './table-support';

export function tableRequests(context: TableContext): RequestRepository {
  return {
    get: (id) => withStore('get request', context.deadline(), async (signal) => (await readRequestHead(context, requestPartition(id), signal))?.request),

    listByState: (states) => withStore('list requests by state', context.scanDeadline(), async (signal) => {
      if (states.length === 0) return [];
      const found = await scanRequests(context, [statesFilter(states)], signal);
      return found.sort((a, b) => compare(a.updatedAt, b.updatedAt) || compare(a.createdAt, b.createdAt) || compare(a.id, b.id));
    }),

    listRequests: (filter) => withStore('list requests', context.scanDeadline(), async (signal) => {
      const limit = checkedLimit(filter.limit, 'limit');
      if (filter.states?.length === 0 || limit === 0) return [];
      const found = await scanRequests(context, requestFilter(filter), signal);
      found.sort((a, b) => compare(b.updatedAt, a.updatedAt) || compare(b.createdAt, a.createdAt) || compare(b.id, a.id));
      return limit === undefined ? found : found.slice(0, limit);
    }),

    listDue: (states, dueBefore, limit) => withStore('list due requests', context.deadline(), async (signal) => {
      const wanted = checkedLimit(limit, 'limit') ?? 0;
      if (states.length === 0 || wanted === 0) return [];
      return listDue(context, [...new Set(states)], toUtcIso(dueBefore), wanted, signal);
    }),
  };
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

function checkedLimit(limit: number | undefined, name: string): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`${name} must be a whole number >= 0`);
  return limit;
}

function statesFilter(states: readonly RequestState[]): string {
  return `(${states.map((state) => odata`state eq ${state}`).join(' or ')})`;
}

function requestFilter(filter: RequestFilter): string[] {
  const clauses: string[] = [];
  if (filter.requesterId !== undefined) clauses.push(odata`requesterId eq ${filter.requesterId}`);
  if (filter.customerTenantId !== undefined) clauses.push(odata`customerKey eq ${filter.customerTenantId.toLowerCase()}`);
  if (filter.subscriptionId !== undefined) clauses.push(odata`subscriptionKey eq ${filter.subscriptionId.toLowerCase()}`);
  if (filter.states !== undefined) clauses.push(statesFilter(filter.states));
  return clauses;
}

/** Every request entity that matches: a scan across partitions, filtered by the service. */
async function scanRequests(context: TableContext, clauses: readonly string[], signal: AbortSignal): Promise<AccessRequest[]> {
  const filter = [odata`RowKey eq ${REQUEST_ROW}`, ...clauses].join(' and ');
  const requests: AccessRequest[] = [];
  for (const entity of await queryAll(context, filter, signal)) {
    const { request } = headOf(entity);
    if (request) requests.push(request);
  }
  return requests;
}

/**
 * The due index is a set of hints written before each change (see table-changes): one per (state, due time,
 * request, write). A hint counts only if the request's current write is the one that wrote it; any other is a
 * leftover — of a change that lost its compare-and-set, of a crash between hint and change, or superseded by a
 * later change whose own hint is there — and is removed when met, unless its change may still be on its way
 * (the request is older than the hint and the hint younger than the grace period).
 */
async function listDue(context: TableContext, states: readonly RequestState[], dueBefore: string, limit: number, signal: AbortSignal): Promise<AccessRequest[]> {
  // `|` ends the time in a hint's RowKey and `}` sorts right after it: every hint due at or before the bound.
  const bound = `${dueBefore}}`;
  const pageSize = Math.min(1000, Math.max(limit, 10));
  const hints = mergeByRowKey(states.map((state) => hintsOf(context, duePartition(state), bound, pageSize, signal)));
  const found: AccessRequest[] = [];
  const seen = new Set<string>();
  while (found.length < limit) {
    const batch: Entity[] = [];
    while (batch.length < limit - found.length) {
      const next = await hints.next();
      if (next.done === true) break;
      batch.push(next.value);
    }
    if (batch.length === 0) break;
    const checked = await Promise.all(batch.map((hint) => checkHint(context, hint, signal)));
    for (const request of checked) {
      if (request && !seen.has(request.id) && found.length < limit) {
        seen.add(request.id);
        found.push(request);
      }
    }
  }
  await hints.return(undefined);
  return found;
}

async function* hintsOf(context: TableContext, partitionKey: string, bound: string, pageSize: number, signal: AbortSignal): AsyncGenerator<Entity> {
  const pages = context.client.listEntities<Record<string, unknown>>({
    queryOptions: { filter: odata`PartitionKey eq ${partitionKey} and RowKey lt ${bound}`, select: ['PartitionKey', 'RowKey', 'requestId', 'version', 'writtenAt'] },
    abortSignal: signal,
  }).byPage({ maxPageSize: pageSize });
  for await (const page of pages) {
    // The service returns a partition in RowKey order; sorting the page keeps that true of any emulator too.
    for (const entity of page.map(entityOf).sort((a, b) => compare(a.rowKey, b.rowKey))) yield entity;
  }
}

/** Several RowKey-ordered streams as one, in RowKey order (due time, then request id). */
async function* mergeByRowKey(streams: readonly AsyncGenerator<Entity>[]): AsyncGenerator<Entity> {
  const heads = await Promise.all(streams.map(async (stream) => ({ stream, current: await stream.next() })));
  try {
    for (;;) {
      let best: (typeof heads)[number] | undefined;
      for (const head of heads) {
        if (head.current.done === true) continue;
        if (best === undefined || best.current.done === true || compare(head.current.value.rowKey, best.current.value.rowKey) < 0) best = head;
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

/** The request a hint points to, if the hint is current; removes it if it is a leftover. */
async function checkHint(context: TableContext, hint: Entity, signal: AbortSignal): Promise<AccessRequest | undefined> {
  const requestId = stringOf(hint, 'requestId');
  const version = numberOf(hint, 'version');
  const writeId = hint.rowKey.split('|')[2];
  if (requestId === undefined || version === undefined || writeId === undefined) {
    context.later(() => deleteQuietly(context, hint.partitionKey, hint.rowKey));
    return undefined;
  }
  const head = await readRequestHead(context, requestPartition(requestId), signal);
  if (head?.request && head.writeId === writeId) return head.request;
  const superseded = head?.request !== undefined && head.request.version >= version;
  const writtenAt = Date.parse(stringOf(hint, 'writtenAt') ?? '');
  const abandoned = !(writtenAt > context.now().getTime() - context.hintGraceInMs);
  if (superseded || abandoned) context.later(() => deleteQuietly(context, hint.partitionKey, hint.rowKey));
  return undefined;
}
