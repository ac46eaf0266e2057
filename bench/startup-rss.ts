// Benchmark: start-up time (process start → listening), RSS after N "give" turns (N open requests), and what
// loading src/main.ts costs, for our bot next to the bare echo bot — each bot its own process, interleaved, medians.
// Run: npm run bench:startup-rss [-- --rounds=5 --rss-rounds=3 --turns=10000 --require-rounds=5 --skip=rss|startup|require]
//      add --before=<dist/bench-build of another checkout> to run that build of our bot too, interleaved (before/after a
//      change: start-up, require cost and RSS)
import Database from 'better-sqlite3';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { startSandbox } from '../src/sandbox';
import { deployedEnv, startRoundBot, type RoundBotOptions } from './lib/bots';
import { startBenchConnector } from './lib/connector';
import { answerOf, drive } from './lib/load';
import { describeMachine, loadNow } from './lib/machine';
import { ECHO_BOT_ENTRY, OUR_BOT_ENTRY, ROOT } from './lib/processes';
import type { MemoryAt, MemoryReport } from './lib/gc-on-signal';
import type { RequireCost } from './lib/require-cost';
import { fixed, interleave, median, numberOption, option, range, thousands } from './lib/stats';

const argv = process.argv.slice(2);
const ROUNDS = numberOption(argv, 'rounds', 5);
const RSS_ROUNDS = numberOption(argv, 'rss-rounds', 3);
const TURNS = numberOption(argv, 'turns', 10_000);
const REQUIRE_ROUNDS = numberOption(argv, 'require-rounds', 5);
const SKIP = new Set(option(argv, 'skip', '').split(',').filter(Boolean));
/** Another build of the repository (its dist/bench-build folder): its main.js runs as "ours, before". */
const BEFORE = option(argv, 'before', '');
const BEFORE_ENTRY = BEFORE ? join(BEFORE, 'src/main.js') : undefined;
const MB = 1024 * 1024;

type Contestant = 'echo' | 'ours' | 'ours, before' | 'ours+sandbox';

async function startup(options: { deployed: RoundBotOptions }): Promise<string[]> {
  const times: Record<Contestant, number[]> = { echo: [], ours: [], 'ours, before': [], 'ours+sandbox': [] };
  const rss: Record<Contestant, number[]> = { echo: [], ours: [], 'ours, before': [], 'ours+sandbox': [] };
  const cpu: Record<Contestant, number[]> = { echo: [], ours: [], 'ours, before': [], 'ours+sandbox': [] };
  // Spawn → the answer to a "help" sent the moment the bot said it listens: what a message arriving in the first
  // instants waits (ours loads its card templating right after listening; such a message waits for that load).
  const first: Record<Contestant, number[]> = { echo: [], ours: [], 'ours, before': [], 'ours+sandbox': [] };
  const firstCpu: Record<Contestant, number[]> = { echo: [], ours: [], 'ours, before': [], 'ours+sandbox': [] };
  const connector = await startBenchConnector();
  const contestants: Contestant[] = ['echo', 'ours', ...(BEFORE_ENTRY ? (['ours, before'] as const) : []), 'ours+sandbox'];
  const optionsOf = (contestant: Contestant): RoundBotOptions =>
    contestant === 'ours' ? options.deployed : contestant === 'ours, before' && BEFORE_ENTRY ? { ...options.deployed, entry: BEFORE_ENTRY } : {};
  for (const { round, contestant } of interleave<Contestant>(contestants, ROUNDS)) {
    const bot = await startRoundBot(contestant === 'echo' ? 'echo' : 'ours', optionsOf(contestant));
    try {
      times[contestant].push(bot.startMs);
      rss[contestant].push(bot.rss());
      cpu[contestant].push(bot.startCpuMs);
      const asked = performance.now();
      const answer = await answerOf(bot.url, connector, 'help');
      if (answer.startsWith('HTTP') || answer.startsWith('(nothing')) throw new Error(`${contestant} did not answer "help": ${answer}`);
      first[contestant].push(bot.startMs + performance.now() - asked);
      firstCpu[contestant].push(bot.cpuMs());
      console.log(`  start-up · round ${round + 1} · ${contestant}: ${fixed(bot.startMs, 0)} ms to listening, CPU ${fixed(bot.startCpuMs, 0)} ms, RSS ${fixed(bot.rss() / MB, 1)} MB; first answer at ${fixed(first[contestant].at(-1) ?? Number.NaN, 0)} ms, CPU ${fixed(firstCpu[contestant].at(-1) ?? Number.NaN, 0)} ms (load ${loadNow()})`);
    } finally {
      await bot.dispose();
    }
  }
  await connector.stop();
  const ratios = (values: Record<Contestant, number[]>, of: Contestant) => values[of].map((t, i) => t / (values.echo[i] ?? Number.NaN));
  const ratioCell = (values: Record<Contestant, number[]>, of: Contestant) => {
    const r = ratios(values, of);
    return of === 'echo' ? '1' : `**${fixed(median(r))}×** (${fixed(Math.min(...r))}–${fixed(Math.max(...r))})`;
  };
  const row = (of: Contestant, what: string) => {
    const [low, high] = range(times[of]);
    return `| ${what} | ${fixed(median(times[of]), 0)} | ${fixed(low, 0)}–${fixed(high, 0)} | ${ratioCell(times, of)} | ${fixed(median(cpu[of]), 0)} | ${ratioCell(cpu, of)} | ${fixed(median(rss[of]) / MB, 1)} |`;
  };
  const firstRow = (of: Contestant, what: string) =>
    `| ${what} | ${fixed(median(first[of]), 0)} | ${ratioCell(first, of)} | ${fixed(median(firstCpu[of]), 0)} | ${ratioCell(firstCpu, of)} |`;
  return [
    `Start-up, ${ROUNDS} interleaved rounds, medians; ratio per round to the echo bot started next to it:`,
    '',
    '| bot | start → listening ms | range ms | ratio to echo | CPU to listening ms | CPU ratio | RSS at listening MB |',
    '|---|---:|---:|---:|---:|---:|---:|',
    row('echo', 'echo bot (teams-ai, restify)'),
    row('ours', 'our bot, cloud elsewhere (as deployed: no sandbox started)'),
    ...(BEFORE_ENTRY ? [row('ours, before', 'the same, the build given by --before')] : []),
    row('ours+sandbox', 'our bot, CLOUD=sandbox starting its own sandbox (`npm run dev`)'),
    '',
    'A "help" sent the moment each bot said it listens (ours answers with a card; the echo with text), same rounds:',
    '',
    '| bot | start → first answer ms | ratio to echo | CPU by then ms | CPU ratio |',
    '|---|---:|---:|---:|---:|',
    firstRow('echo', 'echo bot'),
    firstRow('ours', 'our bot, as deployed'),
    ...(BEFORE_ENTRY ? [firstRow('ours, before', 'the same, the build given by --before')] : []),
    firstRow('ours+sandbox', 'our bot, CLOUD=sandbox'),
  ];
}

type Kept = 'echo' | 'ours' | 'ours, before';

async function memory(options: { deployed: RoundBotOptions }): Promise<string[]> {
  const connector = await startBenchConnector();
  const contestants: Kept[] = ['echo', 'ours', ...(BEFORE_ENTRY ? (['ours, before'] as const) : [])];
  const series = () => Object.fromEntries(contestants.map((c) => [c, [] as number[]])) as Record<Kept, number[]>;
  const atListen = series();
  const after = series();
  const afterGc = series();
  const peak = series();
  const during = series();
  // process.memoryUsage() and V8's spaces just before and just after the full GC (bench/lib/gc-on-signal.ts).
  const parts = { heap: series(), heapFree: series(), newSpace: series(), external: series(), native: series() };
  const partsGc = { heap: series(), heapFree: series(), newSpace: series(), external: series(), native: series() };
  const gcPreload = ['--expose-gc', '-r', join(ROOT, 'dist/bench-build/bench/lib/gc-on-signal.js')];
  const memoryDir = mkdtempSync(join(tmpdir(), 'csp-bench-memory-'));
  const memoryOut = join(memoryDir, 'memory.json');
  const open: number[] = [];
  const split = (into: typeof parts, contestant: Kept, at: MemoryAt) => {
    into.heap[contestant].push(at.heapUsed);
    into.heapFree[contestant].push(at.heapTotal - at.heapUsed);
    into.newSpace[contestant].push(at.spaces.new_space?.committed ?? Number.NaN);
    into.external[contestant].push(at.external);
    into.native[contestant].push(at.rss - at.heapTotal - at.external);
  };
  try {
    for (const { round, contestant } of interleave<Kept>(contestants, RSS_ROUNDS)) {
      const entry = contestant === 'ours, before' && BEFORE_ENTRY ? { entry: BEFORE_ENTRY } : {};
      const bot = await startRoundBot(contestant === 'echo' ? 'echo' : 'ours', { ...(contestant === 'echo' ? {} : options.deployed), ...entry, nodeArgs: gcPreload, extraEnv: { BENCH_MEMORY_OUT: memoryOut } });
      try {
        atListen[contestant].push(bot.rss());
        const answer = await answerOf(bot.url, connector, 'give');
        if (contestant !== 'echo' && !answer.includes('confirm')) throw new Error(`our bot did not draft the request: ${answer}`);
        // RSS every 250 ms while the turns run: its mean does not hang on when the last major GC happened to run.
        const samples: number[] = [];
        const sampler = setInterval(() => samples.push(bot.rss()), 250);
        const load = await drive(bot.url, connector, 'give', { amount: TURNS - 1 }).finally(() => clearInterval(sampler));
        during[contestant].push(samples.reduce((sum, v) => sum + v, 0) / Math.max(1, samples.length));
        // A second for timers and pending writes to settle; no forced GC (neither bot gets one in production).
        await new Promise((resolve) => setTimeout(resolve, 1000));
        after[contestant].push(bot.rss());
        peak[contestant].push(bot.peakRss());
        // Then a full collection in the bot (SIGUSR2, bench preload): what it keeps after the turns.
        rmSync(memoryOut, { force: true });
        bot.child.kill('SIGUSR2');
        await new Promise((resolve) => setTimeout(resolve, 1000));
        const rssAfterGc = bot.rss();
        afterGc[contestant].push(rssAfterGc);
        const report = JSON.parse(readFileSync(memoryOut, 'utf8')) as MemoryReport;
        split(parts, contestant, report.beforeGc);
        // After the GC, RSS as read a second later: V8 returns the pages it freed over that time, not at once.
        split(partsGc, contestant, { ...report.afterGc, rss: rssAfterGc });
        let drafts = '';
        if (bot.storePath) {
          const db = new Database(bot.storePath, { readonly: true });
          const n = db.prepare<[], { n: number }>("SELECT count(*) AS n FROM requests WHERE state = 'draft'").get()?.n ?? 0;
          db.close();
          if (contestant === 'ours') open.push(n);
          drafts = `, ${thousands(n)} open requests stored`;
        }
        const b = report.beforeGc;
        console.log(`  RSS · round ${round + 1} · ${contestant}: ${thousands(load.turns + 1)} turns (${fixed(load.reqPerSec, 0)}/s, ${load.failures} failed) → RSS ${fixed((after[contestant].at(-1) ?? Number.NaN) / MB, 1)} MB (heap used ${fixed(b.heapUsed / MB, 1)}, committed ${fixed(b.heapTotal / MB, 1)}, new space ${fixed((b.spaces.new_space?.committed ?? Number.NaN) / MB, 1)}, external ${fixed(b.external / MB, 1)}), after a full GC ${fixed(rssAfterGc / MB, 1)} MB, peak ${fixed(bot.peakRss() / MB, 1)} MB${drafts} (load ${loadNow()})`);
      } finally {
        await bot.dispose();
      }
    }
  } finally {
    await connector.stop();
    rmSync(memoryDir, { recursive: true, force: true });
  }
  const ratio = (values: Record<Kept, number[]>, of: Kept) => values[of].map((v, i) => v / (values.echo[i] ?? Number.NaN));
  const mb = (values: Record<Kept, number[]>, of: Kept) => fixed(median(values[of]) / MB, 1);
  const ratioCell = (values: Record<Kept, number[]>, of: Kept) => {
    const r = ratio(values, of);
    return `**${fixed(median(r))}×** (${fixed(Math.min(...r))}–${fixed(Math.max(...r))})`;
  };
  const cell = (values: Record<Kept, number[]>) =>
    [mb(values, 'echo'), mb(values, 'ours'), ratioCell(values, 'ours'), ...(BEFORE_ENTRY ? [mb(values, 'ours, before'), ratioCell(values, 'ours, before')] : [])].join(' | ');
  return [
    `RSS, ${RSS_ROUNDS} interleaved rounds of ${thousands(TURNS)} "give Alice Contributor…" turns each (10 connections; our bot then holds ${thousands(median(open))} open requests), medians:`,
    '',
    `| when | echo MB | ours MB | ratio |${BEFORE_ENTRY ? ' ours before MB | ratio |' : ''}`,
    `|---|---:|---:|---:|${BEFORE_ENTRY ? '---:|---:|' : ''}`,
    `| at listening | ${cell(atListen)} |`,
    `| during the turns (mean of a sample every 250 ms) | ${cell(during)} |`,
    `| after the turns (+1 s) | ${cell(after)} |`,
    `| — of which JS heap in use (live and garbage) | ${cell(parts.heap)} |`,
    `| — V8 heap committed but free | ${cell(parts.heapFree)} |`,
    `| — — new space committed (young generation) | ${cell(parts.newSpace)} |`,
    `| — external (buffers, native objects held by JS) | ${cell(parts.external)} |`,
    `| — the rest (code, stacks, malloc: SQLite, TLS, libuv) | ${cell(parts.native)} |`,
    `| then after a full GC | ${cell(afterGc)} |`,
    `| — of which JS heap in use (live objects) | ${cell(partsGc.heap)} |`,
    `| — V8 heap committed but free | ${cell(partsGc.heapFree)} |`,
    `| — external (buffers, native objects held by JS) | ${cell(partsGc.external)} |`,
    `| — the rest (code, stacks, malloc: SQLite, TLS, libuv) | ${cell(partsGc.native)} |`,
    `| peak (VmHWM) | ${cell(peak)} |`,
  ];
}

/** Loads each bot's entry in a fresh process (not run), REQUIRE_ROUNDS times alternating, and compares. */
function requires(): string[] {
  type Loaded = 'echo' | 'ours' | 'ours, before';
  const costs: Record<Loaded, RequireCost[]> = { echo: [], ours: [], 'ours, before': [] };
  const entries: Record<Loaded, string | undefined> = { echo: ECHO_BOT_ENTRY, ours: OUR_BOT_ENTRY, 'ours, before': BEFORE_ENTRY };
  const tool = join(ROOT, 'dist/bench-build/bench/lib/require-cost.js');
  for (const { contestant } of interleave<Loaded>(BEFORE_ENTRY ? ['echo', 'ours', 'ours, before'] : ['echo', 'ours'], REQUIRE_ROUNDS)) {
    const out = execFileSync(process.execPath, [tool, entries[contestant] ?? ''], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    costs[contestant].push(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as RequireCost);
  }
  const total = (of: Loaded) => median(costs[of].map((c) => c.totalMs));
  const ratioToEcho = (of: Loaded) => median(costs[of].map((c, i) => c.totalMs / (costs.echo[i]?.totalMs ?? Number.NaN)));
  const echoOwners = new Set(costs.echo.flatMap((c) => Object.keys(c.byOwner)));
  const owners = new Set(costs.ours.flatMap((c) => Object.keys(c.byOwner)));
  const selfOf = (owner: string) => median(costs.ours.map((c) => c.byOwner[owner]?.selfMs ?? 0));
  // Ours alone: what the echo bot never loads, grouped by package (our own files by folder).
  const group = (owner: string) => (owner.startsWith('src/') ? owner.split('/').slice(0, 2).join('/') : owner);
  const onlyOurs = new Map<string, { ms: number; modules: number }>();
  for (const owner of owners) {
    if (echoOwners.has(owner)) continue;
    const key = group(owner);
    const entry = onlyOurs.get(key) ?? { ms: 0, modules: 0 };
    entry.ms += selfOf(owner);
    entry.modules += costs.ours[0]?.byOwner[owner]?.modules ?? 0;
    onlyOurs.set(key, entry);
  }
  const onlyOursMs = [...onlyOurs.values()].reduce((n, e) => n + e.ms, 0);
  const top = [...onlyOurs].sort((a, b) => b[1].ms - a[1].ms).slice(0, 15);
  const direct = Object.keys(costs.ours[0]?.direct ?? {})
    .map((request) => [request, median(costs.ours.map((c) => c.direct[request] ?? 0))] as const)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 10);
  return [
    `Loading the entry module (require, not run), ${REQUIRE_ROUNDS} rounds interleaved, medians (ratio: per round, to the echo bot loaded next to it):`,
    '',
    '| entry | modules | load ms | ratio to echo |',
    '|---|---:|---:|---:|',
    `| echo bot | ${median(costs.echo.map((c) => c.modules))} | ${fixed(total('echo'), 0)} | 1 |`,
    `| our src/main | ${median(costs.ours.map((c) => c.modules))} | ${fixed(total('ours'), 0)} | **${fixed(ratioToEcho('ours'))}×** |`,
    ...(BEFORE_ENTRY ? [`| our src/main, before | ${median(costs['ours, before'].map((c) => c.modules))} | ${fixed(total('ours, before'), 0)} | **${fixed(ratioToEcho('ours, before'))}×** |`] : []),
    '',
    `What only ours loads (now): ${fixed(onlyOursMs, 0)} ms of own load time (self time summed, median of rounds):`,
    '',
    '| loaded only by ours (package, or our folder) | modules | self ms (median) |',
    '|---|---:|---:|',
    ...top.map(([owner, e]) => `| ${owner} | ${e.modules} | ${fixed(e.ms, 0)} |`),
    '',
    'src/main.ts\'s own imports, inclusive (whatever was not already loaded by an earlier import):',
    '',
    '| import | ms (median) |',
    '|---|---:|',
    ...direct.map(([request, ms]) => `| \`${request}\` | ${fixed(ms, 0)} |`),
  ];
}

async function main(): Promise<void> {
  const machineAtStart = describeMachine();
  console.log(`startup-rss: ${machineAtStart}`);
  const sections: string[][] = [];
  if (!SKIP.has('require')) sections.push(requires());
  const sandbox = await startSandbox({ port: 0 });
  const dir = mkdtempSync(join(tmpdir(), 'csp-bench-ca-'));
  const caFile = join(dir, 'sandbox-ca.pem');
  writeFileSync(caFile, sandbox.caCertPem);
  try {
    const deployed: RoundBotOptions = { env: deployedEnv(sandbox, caFile) };
    if (!SKIP.has('startup')) sections.push(await startup({ deployed }));
    if (!SKIP.has('rss')) sections.push(await memory({ deployed }));
  } finally {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(`\nStarted: ${machineAtStart}\nEnded:   ${describeMachine()}\n`);
  for (const section of sections) console.log(`${section.join('\n')}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
