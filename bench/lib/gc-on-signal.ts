// Preloaded into a bot process by the RSS bench only (node --expose-gc -r …/gc-on-signal.js): SIGUSR2 runs a full
// garbage collection, so the RSS read next counts what the bot keeps, not garbage V8 has not collected yet, and
// writes to BENCH_MEMORY_OUT what the process held just before and just after it (JS heap by V8 space vs native
// memory: SQLite, TLS, buffers), to tell garbage from what is kept.
import { readFileSync, writeFileSync } from 'node:fs';
import { getHeapSpaceStatistics } from 'node:v8';

export interface MemoryAt {
  readonly rss: number;
  readonly heapTotal: number;
  readonly heapUsed: number;
  readonly external: number;
  readonly arrayBuffers: number;
  /** Per V8 space (new_space, old_space, code_space, large_object_space…): committed and used bytes. */
  readonly spaces: Record<string, { readonly committed: number; readonly used: number }>;
}

export interface MemoryReport {
  readonly beforeGc: MemoryAt;
  readonly afterGc: MemoryAt;
}

/** RSS as the bench reads it (/proc VmRSS), so that both figures come from the same source. */
const vmRss = (): number => Number(/VmRSS:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? Number.NaN) * 1024;

function memoryNow(): MemoryAt {
  const { heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  const spaces = Object.fromEntries(getHeapSpaceStatistics().map((s) => [s.space_name, { committed: s.physical_space_size, used: s.space_used_size }]));
  return { rss: vmRss(), heapTotal, heapUsed, external, arrayBuffers, spaces };
}

const collect = (globalThis as { gc?: () => void }).gc;
const out = process.env.BENCH_MEMORY_OUT;
if (collect) {
  process.on('SIGUSR2', () => {
    const beforeGc = memoryNow();
    collect();
    const report: MemoryReport = { beforeGc, afterGc: memoryNow() };
    if (out) writeFileSync(out, JSON.stringify(report));
  });
}
