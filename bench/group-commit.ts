// Benchmark: what a draft costs the SQLite store (CPU of the whole process, the checkpointer thread included, and WAL
// bytes) when drafts arrive one at a time, and 2 or 4 at once, as turns do under load: writes asked for in one turn of
// the event loop share a commit (src/store/sqlite-guard.ts).
// Run: npm run bench:group-commit [-- --drafts=4000 --rounds=3]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../src/store/sqlite-store';
import { draft } from './lib/drafts';
import { describeMachine, loadNow } from './lib/machine';
import { fixed, interleave, median, numberOption, range } from './lib/stats';

const argv = process.argv.slice(2);
const DRAFTS = numberOption(argv, 'drafts', 4000);
const ROUNDS = numberOption(argv, 'rounds', 3);
const TOGETHER = [1, 2, 4] as const;

async function run(together: number): Promise<{ cpuMs: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'csp-bench-commit-'));
  const path = join(dir, 'store.db');
  // As the bot opens it: WAL, checkpoints on a worker thread (its CPU is this process's too, so it is counted).
  const store = openSqliteStore(path);
  let sender = 0;
  const one = () => {
    const request = draft(sender++ % 400);
    return store.changes.record({ request, audit: { requestId: request.id, event: 'drafted', actor: request.requester.id, at: request.createdAt } });
  };
  try {
    for (let i = 0; i < 200; i++) await one(); // warm: statements prepared, upper B-tree pages cached
    const cpu = process.cpuUsage();
    for (let i = 0; i < DRAFTS; i += together) await Promise.all(Array.from({ length: together }, one));
    const used = process.cpuUsage(cpu);
    return { cpuMs: (used.user + used.system) / 1000 / DRAFTS };
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  console.log(`group-commit: ${describeMachine()}`);
  console.log(`${DRAFTS} drafts per run, ${ROUNDS} interleaved rounds of ${TOGETHER.join(' / ')} at once`);
  const results = new Map<number, { cpuMs: number }[]>(TOGETHER.map((n) => [n, []]));
  for (const { round, contestant } of interleave(TOGETHER, ROUNDS)) {
    const result = await run(contestant);
    results.get(contestant)?.push(result);
    console.log(`  round ${round + 1} · ${contestant} at once: ${fixed(result.cpuMs, 3)} ms CPU per draft (load ${loadNow()})`);
  }
  const base = median((results.get(1) ?? []).map((r) => r.cpuMs));
  console.log('\n| drafts at once | CPU ms per draft, median (range) | vs one at a time |\n|---:|---:|---:|');
  for (const n of TOGETHER) {
    const cpu = (results.get(n) ?? []).map((r) => r.cpuMs);
    const [low, high] = range(cpu);
    console.log(`| ${n} | ${fixed(median(cpu), 3)} (${fixed(low, 3)}–${fixed(high, 3)}) | ${fixed(median(cpu) / base)}× |`);
  }
  console.log(`\nEnded ${describeMachine()}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
