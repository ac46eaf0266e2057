// Brings a table written by earlier code to today's index layout when the store opens: re-indexed from the requests' heads.
import { randomBytes } from 'node:crypto';
import { odata, type TableEntityResultPage } from '@azure/data-tables';
import { StoreUnavailableError, type Leases } from './ports';
import { writeHints } from './table-changes';
import { hintsOf, indexRow, type Hint } from './table-index';
import {
  deleteQuietly, entityOf, headOf, INDEX_PARTITION, OUTBOX_INDEX, readEntity, REQUEST_ROW, withStore, type Entity, type TableContext,
} from './table-support';

/*
 * Layouts. Before 5dc73a9 only due requests had a hint (partition `due:<state>`); until 82aa333 each index had its own
 * partitions (`due:<state>`, `by-requester:<user>`, `by-customer:<tenant>`, pending messages in `outbox`); today every
 * index shares the `index` partition (RowKey `<index>$<key>`) and a `by-state:<state>` index was added (0960e40). The
 * request entity itself (the head: the request, its write id, its chain) has not changed since the first version, so
 * today's hints can be written from it exactly as its own change would have written them (hintsOf with the head's
 * write id, writeHints). Nothing of the old layouts is read any more, so they need no conversion, only the new hints.
 *
 * On every open: one point read of the marker (`schema`/`layout`, version). Present at LAYOUT_VERSION or later: done.
 * Absent: a table with no request and no pending message of the old layout just gets the marker; otherwise one
 * instance, holding the `table-layout` lease (renewed as it goes), pages through every request entity (1,000 a query),
 * writes each one's hints (25 requests' hints in one transaction), moves old pending-message hints into the index
 * partition, and writes the marker last.
 * Another instance opening meanwhile waits until the marker is there (or the lease runs out: the holder died, and it
 * takes over). Every step is idempotent (a hint written twice is the same row),
 * and the pass saves where it stands after each page, so a crash part-way means the next open resumes there. A request changed during the pass gets its hints from
 * its own change; the hint the pass wrote for its earlier write is then a superseded one, which readers skip and remove.
 *
 * Old rows (`due:*`, `by-requester:*`, `by-customer:*` partitions) are left: today's code never reads them, removing
 * them would mean reading every old partition (superseded hints too, several per request), and an instance of the
 * previous version still running during a slot swap keeps reading them. Old pending-message hints are removed once
 * copied (they are few: only messages not yet sent), so a message is pending in one place only.
 */
export const LAYOUT_VERSION = 2;
const SCHEMA_PARTITION = 'schema';
const LAYOUT_ROW = 'layout';
/** Where an unfinished pass stands (removed with the marker's writing). */
const PROGRESS_ROW = 'layout-progress';
const LAYOUT_LEASE = 'table-layout';
/** Where the outbox's hints were before 82aa333 (a partition of their own, RowKey the message id). */
const OLD_OUTBOX_PARTITION = 'outbox';
/** Requests read per query (the service's largest page). */
const PAGE = 1_000;
/** 25 requests × 4 hints: one entity-group transaction. */
const REQUESTS_PER_WRITE = 25;
/** Transactions in flight at once: they all go to the one index partition (~2,000 entities/s on Azure). */
const WRITES_IN_FLIGHT = 4;
/** Tries of one transaction of the pass before the open fails (the next open resumes). */
const WRITE_ATTEMPTS = 5;

export interface LayoutOptions {
  /** How long the lease lasts without renewal (the pass renews it at a third of this). Default 30,000. */
  readonly leaseTtlInMs?: number;
  /** How often an instance waiting for another's pass looks again. Default 500. */
  readonly pollInMs?: number;
  /**
   * How long opening the store waits for the re-index (this instance's pass or another's) before it opens anyway,
   * with the reads that need the index refused until the pass is done (table-upgrade.ts). Default 120,000: App
   * Service gives a container 230 s to answer, and the bot has more to do at start. Infinity: the open waits.
   */
  readonly openWithinMs?: number;
  /** A pass that goes on after the open and fails (the store did not answer) is tried again after this. Default 10,000. */
  readonly retryInMs?: number;
  /** Such a failure, for the log (the pass is tried again). */
  readonly onError?: (error: unknown) => void;
}

/** What the pass tells its caller, and asks it. */
export interface LayoutProgress {
  /** true once the store is closing: the pass stops after its current page (where it stands is saved). */
  stopping(): boolean;
  /** The old pending messages are in the index now: the outbox reads are complete. */
  messagesMoved(): void;
}

const NO_PROGRESS: LayoutProgress = { stopping: () => false, messagesMoved: () => undefined };

export interface LayoutReport {
  /**
   * current: the marker was there; empty: a table with nothing to index; reindexed: this open did it; waited: another
   * instance did; upgrading: the store opened before the pass was done (it goes on); stopped: the store closed first.
   */
  readonly outcome: 'current' | 'empty' | 'reindexed' | 'waited' | 'upgrading' | 'stopped';
  readonly requests: number;
  readonly pendingMessages: number;
  readonly ms: number;
  /** One line for the log. */
  readonly line: string;
}

export function layoutReport(started: number, outcome: LayoutReport['outcome'], requests = 0, pendingMessages = 0): LayoutReport {
  const ms = Date.now() - started;
  const what = {
    reindexed: `re-indexed ${requests} requests and moved ${pendingMessages} pending messages`, waited: 'another instance re-indexed it',
    empty: 'new table, marked', current: 'up to date', upgrading: 'being re-indexed; listings and sweeps wait for it',
    stopped: 're-index stopped (the store closed); the next open resumes it',
  }[outcome];
  return { outcome, requests, pendingMessages, ms, line: `table store: index layout ${LAYOUT_VERSION}: ${what} (${ms} ms)` };
}

export async function bringLayoutUpToDate(context: TableContext, leases: Leases, options: LayoutOptions = {}, progress: LayoutProgress = NO_PROGRESS): Promise<LayoutReport> {
  const started = Date.now();
  const ttl = options.leaseTtlInMs ?? 30_000;
  const holder = `layout:${randomBytes(8).toString('hex')}`;
  const report = (outcome: LayoutReport['outcome'], requests = 0, pendingMessages = 0) => layoutReport(started, outcome, requests, pendingMessages);
  let waited = false;
  for (;;) {
    if (progress.stopping()) return report('stopped');
    if (await isCurrent(context)) return report(waited ? 'waited' : 'current');
    if (!waited && !(await hasAnythingToIndex(context))) {
      await writeMarker(context, 0);
      return report('empty');
    }
    if (await leases.acquire(LAYOUT_LEASE, holder, ttl, context.now().toISOString())) {
      try {
        // Another instance may have finished between our look at the marker and our lease.
        if (await isCurrent(context)) return report('waited');
        const done = await reindex(context, () => leases.acquire(LAYOUT_LEASE, holder, ttl, context.now().toISOString()), ttl, progress);
        if (progress.stopping()) return report('stopped');
        if (done) {
          await writeMarker(context, done.requests);
          await deleteQuietly(context, SCHEMA_PARTITION, PROGRESS_ROW);
          return report('reindexed', done.requests, done.pendingMessages);
        }
      } finally {
        await leases.release(LAYOUT_LEASE, holder).catch(() => undefined);
      }
    }
    waited = true;
    await new Promise((resolve) => setTimeout(resolve, options.pollInMs ?? 500));
  }
}

async function isCurrent(context: TableContext): Promise<boolean> {
  const marker = await withStore('read the layout marker', context.deadline(), (signal) => readEntity(context, SCHEMA_PARTITION, LAYOUT_ROW, signal));
  const version = marker?.version;
  return typeof version === 'number' && version >= LAYOUT_VERSION;
}

/** Whether any request, or any pending message of the old layout, exists: at most one entity read of each. */
async function hasAnythingToIndex(context: TableContext): Promise<boolean> {
  const firstOf = (filter: string) => withStore('look for requests', context.scanDeadline(), async (signal) => {
    // A query across partitions may answer with empty pages and a continuation: read on until one entity or the end.
    for await (const page of context.client.listEntities({ queryOptions: { filter, select: ['PartitionKey'] }, abortSignal: signal }).byPage({ maxPageSize: 1 })) {
      if (page.length > 0) return true;
    }
    return false;
  });
  return (await firstOf(odata`RowKey eq ${REQUEST_ROW}`)) || (await firstOf(odata`PartitionKey eq ${OLD_OUTBOX_PARTITION}`));
}

async function writeMarker(context: TableContext, requests: number): Promise<void> {
  const marker = { partitionKey: SCHEMA_PARTITION, rowKey: LAYOUT_ROW, version: LAYOUT_VERSION, writtenAt: context.now().toISOString(), requests };
  await withStore('write the layout marker', context.deadline(), (signal) => context.client.upsertEntity(marker, 'Replace', { abortSignal: signal }));
}

/**
 * One pass over every request and old pending-message hint, a page at a time (each page under its own deadline, so
 * 100,000 requests need no single long one). After each page of requests, where the pass stands (the service's
 * continuation token: the next PartitionKey and RowKey, valid at any later time) is saved, so a pass that died
 * part-way resumes there. undefined: the lease was lost to another instance (which goes on).
 */
async function reindex(
  context: TableContext, renew: () => Promise<boolean>, ttl: number, progress: LayoutProgress,
): Promise<{ readonly requests: number; readonly pendingMessages: number } | undefined> {
  let renewedAt = Date.now();
  const keepLease = async (): Promise<boolean> => {
    if (Date.now() - renewedAt < ttl / 3) return true;
    renewedAt = Date.now();
    return renew();
  };
  // The old pending messages first: few, and once moved the outbox reads see every message (table-upgrade).
  let pendingMessages = 0;
  for await (const { entities } of pages(context, odata`PartitionKey eq ${OLD_OUTBOX_PARTITION}`, undefined)) {
    const moved = entities.map((old): Hint => ({
      partitionKey: INDEX_PARTITION, rowKey: indexRow(OUTBOX_INDEX, old.rowKey), partition: old.partition, row: old.row, createdAt: old.createdAt,
    }));
    const groups = Array.from({ length: Math.ceil(moved.length / 100) }, (_, n) => moved.slice(n * 100, (n + 1) * 100));
    await inFlight(groups, (hints) => persistently('move pending messages', context, (signal) => writeHints(context, hints, signal)));
    context.discard(entities);
    pendingMessages += moved.length;
    if (!(await keepLease())) return undefined;
  }
  progress.messagesMoved();
  const writtenAt = context.now().toISOString();
  const saved = await withStore('read the re-indexing progress', context.deadline(), (signal) => readEntity(context, SCHEMA_PARTITION, PROGRESS_ROW, signal));
  // A pass toward another layout version (a row left behind) is no place to resume from.
  const resumeAt = typeof saved?.next === 'string' && saved.version === LAYOUT_VERSION ? saved.next : undefined;
  let requests = typeof saved?.requests === 'number' && resumeAt !== undefined ? saved.requests : 0;
  for await (const { entities, next } of pages(context, odata`RowKey eq ${REQUEST_ROW}`, resumeAt)) {
    const heads = entities.map(headOf).flatMap((head) => (head.request && head.writeId !== undefined ? [{ request: head.request, writeId: head.writeId }] : []));
    const groups: Hint[][] = [];
    for (let n = 0; n < heads.length; n += REQUESTS_PER_WRITE) {
      groups.push(heads.slice(n, n + REQUESTS_PER_WRITE).flatMap(({ request, writeId }) => hintsOf(request, writeId, writtenAt)));
    }
    await inFlight(groups, (hints) => persistently('re-index requests', context, (signal) => writeHints(context, hints, signal)));
    requests += heads.length;
    if (next !== undefined) {
      const progress = { partitionKey: SCHEMA_PARTITION, rowKey: PROGRESS_ROW, version: LAYOUT_VERSION, next, requests };
      await withStore('save the re-indexing progress', context.deadline(), (signal) => context.client.upsertEntity(progress, 'Replace', { abortSignal: signal }));
    }
    if (progress.stopping() || !(await keepLease())) return undefined;
  }
  return { requests, pendingMessages };
}

/**
 * A write of the pass, tried again a few times (1 s, 2 s, …) past the client's own retries: the pass writes to one
 * partition as fast as it can, and Azure answers 503 (ServerBusy) above ~2,000 entities/s in a partition.
 */
async function persistently(what: string, context: TableContext, write: (signal: AbortSignal) => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await withStore(what, context.deadline(), write);
      return;
    } catch (error: unknown) {
      if (!(error instanceof StoreUnavailableError) || attempt >= WRITE_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, attempt * 1_000));
    }
  }
}

/** A filter's entities page by page from `start` (a continuation token), each page under its own deadline; `next`: where the following page starts. */
async function* pages(context: TableContext, filter: string, start: string | undefined): AsyncGenerator<{ readonly entities: Entity[]; readonly next: string | undefined }> {
  let continuationToken = start;
  const read = (token: string | undefined) => withStore('read for re-indexing', context.deadline(), async (signal) => {
    const iterator = context.client.listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal: signal })
      .byPage({ maxPageSize: PAGE, ...(token !== undefined ? { continuationToken: token } : {}) });
    const next = await iterator.next();
    return next.done === true ? undefined : (next.value as TableEntityResultPage<Record<string, unknown>>);
  });
  do {
    const token = continuationToken;
    // A saved token that cannot be used (Cosmos DB's expire; one from another SDK's format): the pass starts over,
    // which is only slower. (If the service is down, that read fails too.)
    const page = await read(token).catch((error: unknown) => {
      if (token === start && token !== undefined) return read(undefined);
      throw error;
    });
    if (page === undefined) return;
    continuationToken = page.continuationToken;
    if (page.length > 0 || continuationToken !== undefined) yield { entities: page.map(entityOf), next: continuationToken };
  } while (continuationToken !== undefined);
}

/** Runs `write` on every item, WRITES_IN_FLIGHT at a time. */
async function inFlight<T>(items: readonly T[], write: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const item = items[next++];
      if (item !== undefined) await write(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(WRITES_IN_FLIGHT, items.length) }, worker));
}
