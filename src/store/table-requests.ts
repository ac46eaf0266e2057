// Reading requests from Table Storage: by id (one point read), and every listing through an index (see table-index).
import { odata } from '@azure/data-tables';
import type { AccessRequest, RequestState } from '../domain/access-request';
import { toUtcIso } from './audit-chain';
import type { RequestRepository } from './ports';
import type { RequestFilter } from './request-store';
import {
  checkedRequests, compare, customerRequestsIndex, dueIndex, hintStream, mergeByRowKey, requesterIndex, stateIndex, statesClause,
} from './table-index';
import { headOf, queryAll, readRequestHead, REQUEST_ROW, requestPartition, withStore, type TableContext } from './table-support';

export function tableRequests(context: TableContext): RequestRepository {
  return {
    get: (id) => withStore('get request', context.deadline(), async (signal) => (await readRequestHead(context, requestPartition(id), signal))?.request),

    listByState: (states) => withStore('list requests by state', context.scanDeadline(), async (signal) => {
      if (states.length === 0) return [];
      const found = await inStates(context, states, signal);
      return found.sort((a, b) => compare(a.updatedAt, b.updatedAt) || compare(a.createdAt, b.createdAt) || compare(a.id, b.id));
    }),

    listRequests: (filter) => withStore('list requests', context.scanDeadline(), async (signal) => {
      const limit = checkedLimit(filter.limit, 'limit');
      if (filter.states?.length === 0 || limit === 0) return [];
      const found = await matching(context, filter, limit, signal);
      found.sort((a, b) => compare(b.updatedAt, a.updatedAt) || compare(b.createdAt, a.createdAt) || compare(b.id, a.id));
      return limit === undefined ? found : found.slice(0, limit);
    }),

    listDue: (states, dueBefore, limit) => withStore('list due requests', context.deadline(), async (signal) => {
      const wanted = checkedLimit(limit, 'limit') ?? 0;
      if (states.length === 0 || wanted === 0) return [];
      // `|` ends the time in a hint's RowKey and `}` sorts right after it: every hint due at or before the bound.
      const below = `${toUtcIso(dueBefore)}}`;
      const pageSize = Math.min(1000, Math.max(wanted, 10));
      const hints = mergeByRowKey([...new Set(states)].map((state) => hintStream(context, { index: dueIndex(state), below }, pageSize, signal)));
      return checkedRequests(context, hints, signal, { limit: wanted });
    }),
  };
}

function checkedLimit(limit: number | undefined, name: string): number | undefined {
  if (limit === undefined) return undefined;
  if (!Number.isInteger(limit) || limit < 0) throw new RangeError(`${name} must be a whole number >= 0`);
  return limit;
}

/** Every request in these states: each state's due index, read whole. */
async function inStates(context: TableContext, states: readonly RequestState[], signal: AbortSignal): Promise<AccessRequest[]> {
  const streams = [...new Set(states)].map((state) => hintStream(context, { index: dueIndex(state) }, 1000, signal));
  return checkedRequests(context, mergeByRowKey(streams), signal);
}

/**
 * A filtered listing, newest change first: from the requester's index, else the customer's, else the states' (hints
 * carry state, customer and subscription, so the service filters them before any head is read; with a limit, the
 * states' newest-first indexes stop once they have enough). Only a
 * listing that names none of these (all requests, or one subscription alone: no turn or job asks for either) reads
 * across the table.
 */
async function matching(context: TableContext, filter: RequestFilter, limit: number | undefined, signal: AbortSignal): Promise<AccessRequest[]> {
  const clauses: string[] = [];
  if (filter.customerTenantId !== undefined) clauses.push(odata`customerKey eq ${filter.customerTenantId.toLowerCase()}`);
  if (filter.subscriptionId !== undefined) clauses.push(odata`subscriptionKey eq ${filter.subscriptionId.toLowerCase()}`);
  if (filter.states !== undefined) clauses.push(statesClause(filter.states));
  const where = clauses.length > 0 ? clauses.join(' and ') : undefined;
  const index = filter.requesterId !== undefined ? requesterIndex(filter.requesterId)
    : filter.customerTenantId !== undefined ? customerRequestsIndex(filter.customerTenantId) : undefined;
  const options = { ...(limit !== undefined ? { limit } : {}), extendTies: true };
  if (index !== undefined) {
    const pageSize = Math.min(1000, Math.max(limit ?? 1000, 10));
    return checkedRequests(context, hintStream(context, { index, ...(where !== undefined ? { where } : {}) }, pageSize, signal), signal, options);
  }
  if (filter.states !== undefined && limit !== undefined) {
    const pageSize = Math.min(1000, Math.max(limit, 10));
    const streams = [...new Set(filter.states)].map((state) => hintStream(context, { index: stateIndex(state), ...(where !== undefined ? { where } : {}) }, pageSize, signal));
    return checkedRequests(context, mergeByRowKey(streams), signal, options);
  }
  if (filter.states !== undefined) {
    const found = await inStates(context, filter.states, signal);
    return filter.subscriptionId === undefined ? found : found.filter((r) => r.subscription.id.toLowerCase() === filter.subscriptionId?.toLowerCase());
  }
  return scanRequests(context, where === undefined ? [] : [where], signal);
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
