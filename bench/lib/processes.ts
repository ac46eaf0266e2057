// The two bots as their own processes: started with an environment, timed from spawn to "listening", RSS read from /proc.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';

/** The repository root (this file runs from dist/bench-build/bench/lib). */
export const ROOT = resolve(__dirname, '../../../..');
/** Compiled by `tsc -p bench/tsconfig.json`: the bot's own entry point, and the echo bot. */
export const OUR_BOT_ENTRY = join(ROOT, 'dist/bench-build/src/main.js');
export const ECHO_BOT_ENTRY = join(ROOT, 'dist/bench-build/bench/echo-bot.js');

export type BotKind = 'ours' | 'echo';

export interface BotProcess {
  readonly kind: BotKind;
  readonly url: string;
  readonly pid: number;
  /** Milliseconds from spawn() to the "listening" log line. */
  readonly startMs: number;
  /** CPU time the process had used when its "listening" line was read (all threads; less inflated by a busy machine). */
  readonly startCpuMs: number;
  readonly child: ChildProcess;
  /** Resident set size now, from /proc/<pid>/status (KiB → bytes). */
  rss(): number;
  /** The highest resident set size so far (VmHWM). */
  peakRss(): number;
  /** CPU time used so far, user + system, all threads (ms). */
  cpuMs(): number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  readonly env: Record<string, string>;
  /** Extra node flags (e.g. --cpu-prof). */
  readonly nodeArgs?: readonly string[];
  /** Another build of the bot to run (e.g. the code before a change); default OUR_BOT_ENTRY / ECHO_BOT_ENTRY. */
  readonly entry?: string;
}

/** Starts one bot with exactly `env` (plus PATH); resolves once it logs that it listens, rejects if it exits first. */
export async function spawnBot(kind: BotKind, options: SpawnOptions): Promise<BotProcess> {
  const started = performance.now();
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), options.entry ?? (kind === 'ours' ? OUR_BOT_ENTRY : ECHO_BOT_ENTRY)], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const tail: string[] = [];
  const keep = (line: string) => {
    tail.push(line);
    if (tail.length > 40) tail.shift();
  };
  const exited = new Promise<number | string | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
  child.stderr?.on('data', (chunk: Buffer) => keep(chunk.toString()));
  const { port, at, cpu } = await new Promise<{ port: number; at: number; cpu: number }>((ok, fail) => {
    const lines = createInterface({ input: child.stdout ?? process.stdin });
    let found = false;
    lines.on('line', (line) => {
      if (found) return;
      keep(line);
      try {
        const entry = JSON.parse(line) as { port?: unknown; msg?: unknown };
        if (typeof entry.port === 'number' && String(entry.msg).includes('listening')) {
          found = true;
          ok({ port: entry.port, at: performance.now(), cpu: child.pid ? cpuOf(child.pid) : Number.NaN });
          // From here on its log lines are drained unread: a full pipe would block the bot.
          lines.close();
          child.stdout?.resume();
        }
      } catch {
        /* not a JSON line */
      }
    });
    void exited.then((how) => fail(new Error(`${kind} bot exited (${String(how)}) before listening:\n${tail.join('\n').slice(-3000)}`)));
  });
  const pid = child.pid ?? -1;
  return {
    kind,
    url: `http://127.0.0.1:${port}`,
    pid,
    startMs: at - started,
    startCpuMs: cpu,
    child,
    rss: () => statusField(pid, 'VmRSS'),
    peakRss: () => statusField(pid, 'VmHWM'),
    cpuMs: () => cpuOf(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const how = await Promise.race([exited, new Promise((r) => (timer = setTimeout(() => r('timeout'), 15_000)))]);
      clearTimeout(timer);
      if (how === 'timeout') {
        child.kill('SIGKILL');
        await exited;
      }
    },
  };
}

/** A memory field of /proc/<pid>/status (VmRSS, VmHWM), in bytes. */
export function statusField(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = new RegExp(`^${field}:\\s+(\\d+)\\s+kB$`, 'm').exec(status)?.[1];
  if (!kib) throw new Error(`no ${field} for process ${pid}`);
  return Number(kib) * 1024;
}

let ticksPerSecond: number | undefined;

/** utime + stime of a process (fields 14 and 15 of /proc/<pid>/stat), in ms. */
export function cpuOf(pid: number): number {
  ticksPerSecond ??= Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name (field 2) may hold spaces: count fields after its closing parenthesis, which is field 3's start.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond;
}
