// SQLite calls are synchronous: a locked file would freeze every user's turn. Calls are tried in short slices, and
// the wait between tries is spent on the event loop; past the deadline (or on a broken file) the store is unavailable.
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
  write<T>(operation: () => T): Promise<T>;
}

const codeOf = (error: unknown): string | undefined =>
  typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' ? (error as { code: string }).code : undefined;

export function guardedBy(lockWaitInMs: number): SqliteGuard {
  const sliceInMs = Math.min(20, lockWaitInMs);
  async function run<T>(operation: () => T, what: string): Promise<T> {
    const deadline = Date.now() + lockWaitInMs;
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
  return { sliceInMs, read: (operation) => run(operation, 'read'), write: (operation) => run(operation, 'write') };
}
