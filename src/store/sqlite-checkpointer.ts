// WAL checkpoints off the turn path: a worker thread with its own connection copies the WAL into the database file.
//
// SQLite's default runs a checkpoint inside whichever commit pushes the WAL past 1,000 pages, with the fsync of the
// database file in it: that commit (a user's turn) then holds the event loop for the disk, 90–390 ms at worst on a
// shared disk. The store turns the automatic checkpoint off on its own connection and lets this worker run PASSIVE
// checkpoints, which never wait for and never block a writer. If the worker cannot run, the store turns SQLite's
// automatic checkpoint back on: the WAL never grows without bound.
import { Worker } from 'node:worker_threads';

export interface Checkpointer {
  /** Stops the worker (its connection closed); resolves once it has exited. */
  stop(): Promise<void>;
}

export interface CheckpointerOptions {
  /** How often the worker checkpoints. Default 1 s. */
  readonly intervalInMs?: number;
  /** Called once if the worker fails or exits on its own (the store then checkpoints as SQLite does by default). */
  readonly onFailure: (error: unknown) => void;
}

// Plain JavaScript run by the worker (no TypeScript loader there, in jest or in the build). better-sqlite3 is passed
// as an absolute path so it resolves the same whatever the working directory.
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path, { fileMustExist: true });
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { if (error && error.code !== 'SQLITE_BUSY') throw error; }
}, workerData.intervalInMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

export function startCheckpointer(path: string, options: CheckpointerOptions): Checkpointer {
  const worker = new Worker(WORKER, {
    eval: true,
    workerData: { path, driver: require.resolve('better-sqlite3'), intervalInMs: options.intervalInMs ?? 1000 },
  });
  // A bot that is stopping does not wait for the checkpointer: closing the store's connection checkpoints anyway.
  worker.unref();
  let stopping = false;
  let failed = false;
  const fail = (error: unknown): void => {
    if (stopping || failed) return;
    failed = true;
    options.onFailure(error);
  };
  worker.on('error', fail);
  const exited = new Promise<void>((resolve) => worker.once('exit', (code) => {
    fail(new Error(`the WAL checkpointer exited (code ${code})`));
    resolve();
  }));
  return {
    stop: async () => {
      if (stopping) return exited;
      stopping = true;
      // Whoever awaits the stop waits for the exit: ref'd again, or a process with nothing else to do would end first
      // and the awaited close() would never return (a script that opens and closes a store).
      worker.ref();
      worker.postMessage('stop');
      await exited;
    },
  };
}
