// The re-index of a table of an earlier layout, run so that the bot can start within App Service's limit: the store
// opens after a bounded wait, and until the pass is done the reads that need the index are refused, not answered short.
import { StoreUnavailableError, type Leases } from './ports';
import { bringLayoutUpToDate, layoutReport, type LayoutOptions, type LayoutReport } from './table-migrate';
import type { TableContext } from './table-support';

/*
 * Why refuse rather than answer from a half-built index: a listing that misses requests is wrong, not slow. Expiry
 * checks whether another active request still needs a role before removing it, intake whether the person already
 * has the access, the sweeps what is due; each would act on what it cannot see. A refusal is the store's usual
 * StoreUnavailableError: a turn answers "not recorded, try again in a few minutes", a periodic job logs it and runs
 * again at its next round. Reads by id (a click on a card), changes and their outbox messages work meanwhile: a
 * change writes its own hints, and old pending messages are moved into the index first (table-migrate.ts).
 *
 * An instance that opens while another re-indexes waits the same bounded time, then opens with the same refusals
 * and keeps watching for the marker (taking the pass over if its holder dies: the lease runs out). A crash part-way
 * resumes where the pass saved its place; close() stops the pass after its current page.
 */

export const DEFAULT_OPEN_WITHIN_MS = 120_000;

export interface LayoutUpgrade {
  /** What the open saw: the pass's outcome, or `upgrading` when it goes on in the background. */
  readonly atOpen: LayoutReport;
  /** Resolves when the table is at today's layout (or the store closed first: `stopped`). */
  readonly done: Promise<LayoutReport>;
  /** Throws StoreUnavailableError while a read that needs the index (`what`) cannot be answered whole. */
  needIndex(what: string): void;
  /** The same for the outbox's pending messages (complete once old ones are moved: early in the pass). */
  needMessages(what: string): void;
  /** Stops the pass after its current page (its place is saved) and waits for it. */
  stop(): Promise<void>;
}

export async function upgradeLayout(context: TableContext, leases: Leases, options: LayoutOptions = {}): Promise<LayoutUpgrade> {
  const started = Date.now();
  let stopping = false;
  let indexReady = false;
  let messagesReady = false;
  let background = false;
  const progress = {
    stopping: () => stopping,
    messagesMoved: () => {
      messagesReady = true;
    },
  };
  const pause = (ms: number) => new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    timer.unref();
  });
  const run = async (): Promise<LayoutReport> => {
    for (;;) {
      try {
        const report = await bringLayoutUpToDate(context, leases, options, progress);
        if (report.outcome !== 'stopped') indexReady = messagesReady = true;
        return report;
      } catch (error: unknown) {
        // Before the open returns, a failure fails the open (as any store failure at start); after, it is retried.
        if (!background) throw error;
        options.onError?.(error);
        await pause(options.retryInMs ?? 10_000);
        if (stopping) return layoutReport(started, 'stopped');
      }
    }
  };
  const done = run();
  const openWithin = options.openWithinMs ?? DEFAULT_OPEN_WITHIN_MS;
  let timer: NodeJS.Timeout | undefined;
  const waited = Number.isFinite(openWithin)
    ? new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), openWithin);
    })
    : new Promise<undefined>(() => undefined);
  const atOpen = await Promise.race([done, waited]).finally(() => clearTimeout(timer));
  background = atOpen === undefined;
  const refuse = (what: string): never => {
    throw new StoreUnavailableError(`the store is being re-indexed after an upgrade: ${what} waits until it is done`);
  };
  return {
    atOpen: atOpen ?? layoutReport(started, 'upgrading'),
    done,
    needIndex: (what) => {
      if (!indexReady) refuse(what);
    },
    needMessages: (what) => {
      if (!messagesReady) refuse(what);
    },
    async stop() {
      stopping = true;
      await done.catch(() => undefined);
    },
  };
}
