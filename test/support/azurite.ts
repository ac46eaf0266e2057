// Azurite's Table service for a test or a bench: on a free loopback port, in a temporary folder, stopped and removed afterwards.
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The server's own script (what the `azurite-table` bin links to), so the pid we keep is the server's. */
const TABLE_MAIN = join(dirname(require.resolve('azurite/package.json')), 'dist/src/table/main.js');
/** Next to this file in the source tree; the benches run this module compiled under dist/bench-build/test/support. */
const WATCHDOG = [join(__dirname, 'azurite-watchdog.cjs'), resolve(__dirname, '../../../../test/support/azurite-watchdog.cjs')]
  .find((path) => existsSync(path)) ?? join(__dirname, 'azurite-watchdog.cjs');
/** Azurite's one account and its published key (the emulator's, the same on every machine; not a secret). */
const ACCOUNT = 'devstoreaccount1';
const ACCOUNT_KEY = 'Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==';

export interface Azurite {
  readonly port: number;
  /** The explicit connection string for this port (UseDevelopmentStorage=true would mean port 10002). */
  readonly connectionString: string;
  /** http://127.0.0.1:PORT/devstoreaccount1 */
  readonly tableEndpoint: string;
  readonly process: ChildProcess;
  /** Where Azurite keeps its data. */
  readonly folder: string;
  /** Stops the server (SIGTERM, then SIGKILL after 10 s), waits for it to exit, removes its folder unless `keep`. */
  stop(options?: { readonly keep?: boolean }): Promise<void>;
}

export interface AzuriteOptions {
  /** A folder a stopped Azurite kept (stop({ keep: true })): copied, so each start begins from the same data. */
  readonly from?: string;
  /**
   * Nothing written to disk. Azurite rewrites its whole database file every few seconds, which grows with what it
   * holds: seeding 10,000 requests (~100,000 entities) slows to a crawl without this.
   */
  readonly inMemory?: boolean;
}

const running = new Set<ChildProcess>();
let exitHookInstalled = false;

/** A port the OS says is free now; Azurite is started on it right after (and again on another if it was taken). */
async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? ok(address.port) : fail(new Error('no port'))));
    });
  });
}

export async function startAzurite(options: AzuriteOptions = {}): Promise<Azurite> {
  if (!exitHookInstalled) {
    // jest ending the worker normally: kill what is still running (synchronously, the only thing 'exit' allows).
    process.once('exit', () => { for (const child of running) child.kill('SIGKILL'); });
    exitHookInstalled = true;
  }
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startOnce(await freePort(), options);
    } catch (error: unknown) {
      lastError = error;
      if (!String(error).includes('EADDRINUSE')) throw error;
    }
  }
  throw lastError;
}

async function startOnce(port: number, options: AzuriteOptions): Promise<Azurite> {
  const folder = mkdtempSync(join(tmpdir(), 'csp-azurite-'));
  if (options.from !== undefined) cpSync(options.from, folder, { recursive: true });
  const child = spawn(process.execPath, [
    '-r', WATCHDOG, TABLE_MAIN,
    '--tableHost', '127.0.0.1', '--tablePort', String(port),
    // (In memory, Azurite refuses a location; the folder is still its working directory, removed with it.)
    ...(options.inMemory === true ? [] : ['--location', folder]),
    // Without --disableTelemetry Azurite probes the cloud metadata address and then ignores SIGTERM.
    '--disableTelemetry', '--skipApiVersionCheck', '--silent',
    ...(options.inMemory === true ? ['--inMemoryPersistence'] : []),
  ], {
    cwd: folder,
    env: { ...process.env, AZURITE_PARENT_PID: String(process.pid), AZURITE_FOLDER: folder },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  running.add(child);
  const logs: string[] = [];
  const exited = new Promise<void>((done) => child.once('exit', () => {
    running.delete(child);
    done();
  }));
  child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const stop = async (stopOptions: { readonly keep?: boolean } = {}): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<'late'>((done) => (timer = setTimeout(() => done('late'), 10_000)));
      if ((await Promise.race([exited, late])) === 'late') child.kill('SIGKILL');
      clearTimeout(timer);
    }
    await exited;
    child.stdin?.destroy();
    if (stopOptions.keep !== true) rmSync(folder, { recursive: true, force: true });
  };
  try {
    await new Promise<void>((ok, fail) => {
      const lines = createInterface({ input: child.stdout ?? process.stdin });
      lines.on('line', (line) => {
        logs.push(line);
        if (/successfully (started|listening)/i.test(line)) ok();
      });
      void exited.then(() => fail(new Error(`Azurite exited before listening on ${port}:\n${logs.join('\n').slice(-2000)}`)));
    });
  } catch (error: unknown) {
    await stop();
    throw error;
  }
  const tableEndpoint = `http://127.0.0.1:${port}/${ACCOUNT}`;
  return {
    port,
    tableEndpoint,
    connectionString: `DefaultEndpointsProtocol=http;AccountName=${ACCOUNT};AccountKey=${ACCOUNT_KEY};TableEndpoint=${tableEndpoint};`,
    process: child,
    folder,
    stop,
  };
}
