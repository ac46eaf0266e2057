// SQLite calls are synchronous: a locked file would freeze every user's turn. Calls are tried in short slices, and
// the wait between tries is spent on the event loop; past the deadline (or on a broken file) the store is unavailable.
// Writes asked for in the same turn of the event loop share one commit (group commit), each in its own savepoint.
import type Database from 'better-sqlite3';
import { setTimeout as sleep } from 'node:timers/promises';
import { StoreUnavailableError } from './ports';

/** SQLite result codes that mean "another connection holds the lock: try again shortly". */
const BUSY = new Set(['SQLITE_BUSY', 'SQLITE_BUSY_SNAPSHOT', 'SQLITE_BUSY_RECOVERY', 'SQLITE_BUSY_TIMEOUT', 'SQLITE_LOCKED', 'SQLITE_LOCKED_SHAREDCACHE']);
/** Codes that are not the store's fault but the caller's (a constraint): thrown as they are. */
const CALLER = /^SQLITE_(CONSTRAINT|MISMATCH|RANGE|ERROR$)/;

export interface SqliteGuard {
  /** How long one try may wait for the lock inside SQLite (holding the event loop). */
  readonly sliceInMs: number;
  read<T>(operation: () => T): Promise<T>;
  /**
   * Resolves once `operation` is committed (with the other writes asked for in the same turn of the event loop).
   * `soon`: the write may wait up to SOON_MS for another write's commit to join instead of paying a commit of its own.
   */
  write<T>(operation: () => T, soon?: 'soon'): Promise<T>;
  /** Resolves once every write asked for so far is committed or refused (before the connection closes). */
  settled(): Promise<void>;
}

/**
 * How long a write asked for `soon` may wait for a commit to join. Under load another turn's write comes within a few
 * milliseconds; on a quiet bot the write commits alone after this pause. Its caller waits too: at 20 ms, ten turns in
 * flight all waiting for their card rows stalled the bot (give 0.35x the echo's throughput against 0.63x at 2 ms and
 * 0.66x at 1 ms, the shortest timer; bench/README.md "Card rows join the next commit").
 */
export const SOON_MS = 1;

interface QueuedWrite {
  readonly operation: () => unknown;
  /** Date.now() when it was asked for: its lock wait counts from then, not from when its commit runs. */
  readonly askedAt: number;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;

/**
 * `db`: the connection whose writes are grouped. A commit costs about as much as the writes in it (WAL frames,
 * locks, the wal-index): two drafts in one commit cost 0.13 ms of CPU each instead of 0.24 (bench/README.md, "Group
 * commit"). A write still resolves only once it is on disk as far as `synchronous = NORMAL` puts it, so a turn
 * answers only what is stored. Without `db`, each write commits alone.
 */
export function guardedBy(lockWaitInMs: number, db?: Database.Database, options: { readonly soonMs?: number } = {}): SqliteGuard {
  const soonMs = options.soonMs ?? SOON_MS;
  const sliceInMs = Math.min(20, lockWaitInMs);
  async function run<T>(operation: () => T, what: string, since = Date.now()): Promise<T> {
    const deadline = since + lockWaitInMs;
    for (let pause = 5; ; pause = Math.min(pause * 2, 100)) {
      try {
        return operation();
      } catch (error) {
        // A turn that arrives while the bot shuts down meets a closed connection: that is the store being away too.
        if (error instanceof TypeError && /connection is not open/.test(error.message)) throw new StoreUnavailableError('the store is closed (the bot is stopping)', { cause: error });
        const code = codeOf(error);
        if (code !== undefined && BUSY.has(code)) {
          if (Date.now() + pause < deadline) {
            await sleep(pause);
            continue;
          }
          throw new StoreUnavailableError(`the store stayed locked by another writer for ${lockWaitInMs} ms (${what})`, { cause: error });
        }
        if (code !== undefined && code.startsWith('SQLITE_') && !CALLER.test(code)) {
          throw new StoreUnavailableError(`the store could not be ${what === 'read' ? 'read' : 'written'} (${code})`, { cause: error });
        }
        throw error;
      }
    }
  }

  const queue: QueuedWrite[] = [];
  let flushing: Promise<void> = Promise.resolve();
  // Each write in its own savepoint: one that throws (a constraint) is undone alone and refused alone.
  const inSavepoint = db?.transaction((operation: () => unknown) => operation());
  /** At most this many writes per commit: one commit is one synchronous call, and the event loop waits for it. */
  const MOST_PER_COMMIT = 64;
  const together = db?.transaction((batch: readonly QueuedWrite[]): Outcome[] => batch.map((write): Outcome => {
    try {
      return { ok: true, value: inSavepoint ? inSavepoint(write.operation) : write.operation() };
    } catch (error) {
      // The store's own failures (locked, disk, closed) end the whole commit; run() decides what they mean.
      if (isStoreFailure(error)) throw error;
      return { ok: false, error };
    }
  }));

  /** A commit is scheduled that will take what is queued when it runs. */
  let due = false;
  let soonTimer: NodeJS.Timeout | undefined;

  async function flush(): Promise<void> {
    due = false;
    const batch = queue.splice(0, MOST_PER_COMMIT);
    if (batch.length === 0) return;
    // Writes beyond the cap commit next, in order, after this one.
    if (queue.length > 0) commitSoon();
    if (batch.length === 1 || !together) {
      for (const write of batch) await run(write.operation, 'write', write.askedAt).then(write.resolve, write.reject);
      return;
    }
    let outcomes: Outcome[];
    try {
      outcomes = await run(() => together.immediate(batch), 'write', Math.min(...batch.map((write) => write.askedAt)));
    } catch (error) {
      for (const write of batch) write.reject(error);
      return;
    }
    outcomes.forEach((outcome, index) => (outcome.ok ? batch[index]?.resolve(outcome.value) : batch[index]?.reject(outcome.error)));
  }

  /** One more commit after those already due; it takes what is queued when it runs. */
  function commitSoon(): void {
    if (due) return;
    due = true;
    if (soonTimer) clearTimeout(soonTimer);
    soonTimer = undefined;
    flushing = flushing.then(() => new Promise<void>((next) => setImmediate(() => void flush().finally(next))));
  }

  function write<T>(operation: () => T, soon?: 'soon'): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      queue.push({ operation, askedAt: Date.now(), resolve: resolve as (value: unknown) => void, reject });
      // The first write of this turn of the event loop: the commit waits until the turn's other writes are asked.
      if (soon === undefined) commitSoon();
      else if (!due) soonTimer ??= setTimeout(() => { soonTimer = undefined; commitSoon(); }, soonMs);
    });
  }

  /** Every write asked for so far, committed or refused: a write waiting to join a commit is committed now. */
  function settled(): Promise<void> {
    if (queue.length > 0) commitSoon();
    return flushing;
  }

  return { sliceInMs, read: (operation) => run(operation, 'read'), write, settled };
}

function isStoreFailure(error: unknown): boolean {
  if (error instanceof TypeError && /connection is not open/.test(error.message)) return true;
  const code = codeOf(error);
  return code !== undefined && code.startsWith('SQLITE_') && !CALLER.test(code);
}
