// The bot as its own process (`node src/main.ts`, transpiled on load), started with an environment only: what Azure
// runs. Its Entra and cloud certificates are trusted the way a process trusts them, through NODE_EXTRA_CA_CERTS.
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';

const ROOT = resolve(__dirname, '../..');

export interface ChildBot {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  readonly process: ChildProcess;
  readonly exited: Promise<NodeJS.Signals | number | null>;
  /** What the process logged (pino JSON lines), for a failing test's message. */
  readonly logs: string[];
  stop(): Promise<void>;
}

/** Starts the bot with exactly `env` (plus PATH); resolves once it logs that it listens, rejects if it exits first. */
export async function startChildBot(env: Record<string, string>): Promise<ChildBot> {
  const child = spawn(process.execPath, ['-r', join(ROOT, 'test/component/crash-child-register.cjs'), join(ROOT, 'src/main.ts')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: string[] = [];
  const exited = new Promise<NodeJS.Signals | number | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  child.stderr?.on('data', (chunk: Buffer) => logs.push(chunk.toString()));
  const port = await new Promise<number>((ok, fail) => {
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    lines.on('line', (line) => {
      logs.push(line);
      try {
        const entry = JSON.parse(line) as { port?: unknown; msg?: unknown };
        if (typeof entry.port === 'number' && String(entry.msg).includes('listening')) ok(entry.port);
      } catch {
        /* not a log line */
      }
    });
    void exited.then((how) => fail(new Error(`bot exited (${String(how)}) before listening:\n${logs.join('\n').slice(-2000)}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    process: child,
    exited,
    logs,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const stopped = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r('timeout'), 10_000)))]);
      clearTimeout(timer);
      if (stopped === 'timeout') child.kill('SIGKILL');
      await exited;
    },
  };
}
