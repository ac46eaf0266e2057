// Preloaded into a bot process by the RSS bench only (node --expose-gc -r …/gc-on-signal.js): SIGUSR2 runs a full
// garbage collection, so the RSS read next counts what the bot keeps, not garbage V8 has not collected yet, and
// writes process.memoryUsage() then to BENCH_MEMORY_OUT (JS heap vs native memory: SQLite, TLS, buffers).
import { writeFileSync } from 'node:fs';

const collect = (globalThis as { gc?: () => void }).gc;
const out = process.env.BENCH_MEMORY_OUT;
if (collect) {
  process.on('SIGUSR2', () => {
    collect();
    if (out) writeFileSync(out, JSON.stringify(process.memoryUsage()));
  });
}
