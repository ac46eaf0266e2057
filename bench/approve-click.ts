// Benchmark: how fast an Approve click is answered while the cloud's ARM holds every role-assignment PUT for 20 s —
// the click must not wait for the grant — next to the bare echo bot answering a click, in interleaved rounds.
// Run: npm run bench:approve-click [-- --rounds=3 --requests=150 --rate=5 --connections=10 --double-every=10
//      --double-gap=0 --warmup=20 --delay=20000 --stored=10000 --profile=DIR]
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { requestId as asRequestId } from '../src/domain/ids';
import { startSandbox, type RunningSandbox } from '../src/sandbox';
import { openSqliteStore } from '../src/store/sqlite-store';
import { deployedEnv, startRoundBot, type RoundBot } from './lib/bots';
import { connectorQuiet, installAll, loadUser, makePendingRequests, percentile, planClicks, sandboxControl, seedWithLoadUsers, sendClicks, type ClickResult } from './lib/clicks';
import { startBenchConnector, type BenchConnector } from './lib/connector';
import { describeMachine, loadNow } from './lib/machine';
import type { BotKind } from './lib/processes';
import { seedStore } from './lib/seed-store';
import { fixed, interleave, median, numberOption, option, range, thousands } from './lib/stats';

const argv = process.argv.slice(2);
const ROUNDS = numberOption(argv, 'rounds', 3);
/** Requests clicked per round (each its own principal, so each must end with its own assignment). */
const REQUESTS = numberOption(argv, 'requests', 150);
/**
 * Clicks per second, steady (the second clicks of double clicks come on top). 5 a second for 30 s: faster than two
 * people click, and longer than ARM's delay, so the later clicks meet the first grants coming back.
 */
const RATE = numberOption(argv, 'rate', 5);
const CONNECTIONS = numberOption(argv, 'connections', 10);
/** Every n-th request is double-clicked (0: none); the second click comes `double-gap` ms after the first. */
const DOUBLE_EVERY = numberOption(argv, 'double-every', 10);
const DOUBLE_GAP = numberOption(argv, 'double-gap', 0);
/** Requests approved before measuring (the code paths compiled), under the same ARM delay. */
const WARMUP = numberOption(argv, 'warmup', 20);
const DELAY_MS = numberOption(argv, 'delay', 20_000);
/** Finished requests already in our bot's store (bench/lib/seed-store.ts `history`), besides the clicked ones. */
const STORED = numberOption(argv, 'stored', 10_000);
/** A directory: our bot runs with --cpu-prof there (one profile per round). */
const PROFILE = option(argv, 'profile', '');

interface RoundMeasure {
  readonly clicks: number;
  readonly answered: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** The bot process's CPU time over the clicks' span, per click (ours: background provisioning and sends included). */
  readonly cpuPerClick: number;
  /** The largest event-loop delay of this bench process during the clicks (the client's own lateness). */
  readonly clientLagMs: number;
  /** What the clicks showed, counted. */
  readonly shown: Map<string, number>;
  readonly check?: string;
  /** Ours: p99 of the clicks sent before ARM made its first assignment (every PUT still held), and of those after. */
  readonly phases?: { readonly held: Phase; readonly returning: Phase };
}

interface Phase {
  readonly clicks: number;
  readonly p50: number;
  readonly p99: number;
}

const phaseOf = (results: readonly ClickResult[]): Phase => {
  const times = results.filter((r) => r.status === 200).map((r) => r.ms);
  return { clicks: results.length, p50: percentile(times, 50), p99: percentile(times, 99) };
};

function summarize(results: readonly ClickResult[], cpuMs: number, clientLagMs: number, classify: (shown: string) => string): Omit<RoundMeasure, 'check' | 'phases'> {
  const answered = results.filter((r) => r.status === 200);
  const times = answered.map((r) => r.ms);
  const shown = new Map<string, number>();
  for (const r of results) {
    const kind = r.status === 200 ? classify(r.shown) : `HTTP ${r.status}: ${r.shown.slice(0, 80)}`;
    shown.set(kind, (shown.get(kind) ?? 0) + 1);
  }
  return { clicks: results.length, answered: answered.length, p50: percentile(times, 50), p99: percentile(times, 99), max: Math.max(...times), cpuPerClick: cpuMs / Math.max(1, results.length), clientLagMs, shown };
}

/** Sends the plan and reads the bot's CPU time and this process's event-loop delay around it. */
async function measureClicks(bot: RoundBot, connector: BenchConnector, ids: readonly string[]) {
  const plan = planClicks(ids, RATE, DOUBLE_EVERY, DOUBLE_GAP);
  const lag = monitorEventLoopDelay({ resolution: 5 });
  lag.enable();
  const cpuBefore = bot.cpuMs();
  const results = await sendClicks(bot.url, connector.serviceUrl, plan, CONNECTIONS);
  const cpuMs = bot.cpuMs() - cpuBefore;
  lag.disable();
  return { results, cpuMs, clientLagMs: lag.max / 1e6 };
}

const classifyOurs = (shown: string): string =>
  shown.includes('Already decided') ? 'card: "Already decided: … by <approver>."' : shown.includes('Approved — granting the role') ? 'card: "Approved — granting the role…"' : `card: ${shown.slice(0, 80)}`;

async function echoRound(connector: BenchConnector): Promise<RoundMeasure> {
  const bot = await startRoundBot('echo');
  try {
    const fakeIds = (n: number, salt: string) => Array.from({ length: n }, (_, i) => `00000000-0000-4000-8000-${salt}${String(i).padStart(8, '0')}`);
    if (WARMUP > 0) await sendClicks(bot.url, connector.serviceUrl, planClicks(fakeIds(WARMUP, '0000'), RATE, 0, 0), CONNECTIONS);
    const { results, cpuMs, clientLagMs } = await measureClicks(bot, connector, fakeIds(REQUESTS, '0001'));
    return summarize(results, cpuMs, clientLagMs, (shown) => `card: ${shown.slice(0, 40)}`);
  } finally {
    await bot.dispose();
  }
}

async function ourRound(connector: BenchConnector, work: string, round: number, template: string | undefined): Promise<RoundMeasure> {
  const total = WARMUP + REQUESTS;
  // A fresh cloud each round: its Contoso has one user per request, and no assignment from an earlier round.
  const sandbox: RunningSandbox = await startSandbox({ port: 0, seed: seedWithLoadUsers(total) });
  const caFile = join(work, `sandbox-ca-${round}.pem`);
  writeFileSync(caFile, sandbox.caCertPem);
  const bot = await startRoundBot('ours', {
    env: deployedEnv(sandbox, caFile),
    ...(template ? { template } : {}),
    ...(PROFILE ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`] } : {}),
  });
  try {
    const setupStarted = Date.now();
    await installAll(bot.url, connector.serviceUrl);
    if (!bot.storePath) throw new Error('our bot has no store path');
    const ids = await makePendingRequests(bot.url, connector.serviceUrl, bot.storePath, total);
    const confirmed = Date.now();
    // The approval cards and card updates those confirmations cause go out at Teams' pace (7 a second per
    // conversation, and every approval card lands in the two approvers' chats): wait for them, not to measure them.
    await connectorQuiet(connector);
    console.log(`    ${total} requests pending approval (asked by Sam and Pat, confirmed) in ${thousands(confirmed - setupStarted)} ms; their cards sent ${thousands(Date.now() - confirmed)} ms later`);
    // The sandbox's own control route, as a tester sets a fault: ARM holds every role-assignment PUT DELAY_MS.
    const set = await sandboxControl(sandbox, 'POST', '/_sandbox/faults', { operation: 'roleAssignments.create', kind: 'delay', delayMs: DELAY_MS, forSeconds: 3600 });
    if (set.status !== 201) throw new Error(`the sandbox refused the fault: ${set.status} ${set.text}`);
    if (WARMUP > 0) await sendClicks(bot.url, connector.serviceUrl, planClicks(ids.slice(0, WARMUP), RATE, 0, 0), CONNECTIONS);
    const measured = ids.slice(WARMUP);
    const clicksFrom = Date.now();
    const { results, cpuMs, clientLagMs } = await measureClicks(bot, connector, measured);
    const clicksTo = Date.now();
    const summary = summarize(results, cpuMs, clientLagMs, classifyOurs);
    const { check, firstGrantAt } = await settleAndCheck(bot, connector, sandbox, ids, results, total);
    const phases = { held: phaseOf(results.filter((r) => r.sentAt < firstGrantAt)), returning: phaseOf(results.filter((r) => r.sentAt >= firstGrantAt)) };
    // A profile ends when the bot stops: where the clicks lie in it, counted back from its end.
    if (PROFILE) writeFileSync(join(PROFILE, `clicks-round-${round + 1}.json`), JSON.stringify(results.map((r) => ({ requestId: r.click.requestId, second: r.click.second, sentMonotonicUs: r.sentMonotonicUs, ms: r.ms, status: r.status }))));
    if (PROFILE) console.log(`    profile (${PROFILE}): the measured clicks ran from ${fixed((Date.now() - clicksFrom) / 1000, 1)} s to ${fixed((Date.now() - clicksTo) / 1000, 1)} s before its end`);
    return { ...summary, check, phases };
  } finally {
    await bot.dispose();
    await sandbox.stop();
  }
}

/**
 * Waits until ARM has made every assignment (each one DELAY_MS after its click) and the bot has sent what they
 * cause, stops the bot, then reads its store:
 * per request, one assignment for its principal in the sandbox, made at least DELAY_MS after the click, one approval
 * and one "provisioned" in the audit trail, and the request active.
 */
async function settleAndCheck(bot: RoundBot, connector: BenchConnector, sandbox: RunningSandbox, ids: readonly string[], results: readonly ClickResult[], total: number): Promise<{ check: string; firstGrantAt: number }> {
  const loadIds = new Set(Array.from({ length: total }, (_, i) => loadUser(i).id));
  const assigned = () => sandbox.state.roleAssignments.filter((a) => loadIds.has(a.principalId));
  const deadline = Date.now() + DELAY_MS + 90_000;
  while (assigned().length < total && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 250));
  // Every card update and "Done" message sent (at Teams' pace), so the bot stops with nothing left to do.
  await connectorQuiet(connector, 2000);
  await bot.stop();
  const firstGrantAt = Math.min(...assigned().map((a) => Date.parse(a.createdOn)));
  if (!bot.storePath) return { check: 'no store', firstGrantAt };
  const store = openSqliteStore(bot.storePath, { readonly: true });
  const firstClick = new Map<string, number>();
  for (const r of results) if (!r.click.second) firstClick.set(r.click.requestId, r.sentAt);
  const problems: string[] = [];
  let early = 0;
  let lagSum = 0;
  let lagCount = 0;
  try {
    for (const [i, id] of ids.entries()) {
      const request = await store.requests.get(asRequestId(id));
      const audit = await store.audit.list(id);
      const count = (event: string) => audit.filter((entry) => entry.event === event).length;
      const assignments = assigned().filter((a) => a.principalId === loadUser(i).id);
      const clickedAt = firstClick.get(id);
      const made = assignments[0] ? Date.parse(assignments[0].createdOn) : Number.NaN;
      if (clickedAt !== undefined && Number.isFinite(made)) {
        if (made - clickedAt < DELAY_MS - 50) early++;
        lagSum += made - clickedAt;
        lagCount++;
      }
      const outcome = `${request?.state ?? 'missing'}, ${assignments.length} assignment(s), approved ×${count('approved')}, provisioned ×${count('provisioned')}, under its name: ${assignments[0]?.name === request?.assignmentName}`;
      if (outcome !== 'active, 1 assignment(s), approved ×1, provisioned ×1, under its name: true') problems.push(`${loadUser(i).upn}: ${outcome}`);
    }
  } finally {
    await store.close();
  }
  const armCalls = sandbox.requests.filter((r) => r.method === 'PUT' && /roleassignments/i.test(r.path)).length;
  const check = `${ids.length - problems.length}/${ids.length} requests active with exactly one assignment (approved ×1, provisioned ×1), ${armCalls} role-assignment PUTs; assignment made ${fixed(lagSum / Math.max(1, lagCount) / 1000, 1)} s after the click on average, ${early} sooner than the delay${problems.length > 0 ? `; NOT: ${problems.slice(0, 5).join('; ')}` : ''}`;
  return { check, firstGrantAt };
}

async function main(): Promise<void> {
  const machineAtStart = describeMachine();
  console.log(`approve-click: ${machineAtStart}`);
  console.log(`rounds ${ROUNDS}; per round ${REQUESTS} requests clicked at ${RATE}/s (every ${DOUBLE_EVERY || '—'}th double-clicked, gap ${DOUBLE_GAP} ms) over ${CONNECTIONS} connections after ${WARMUP} warm-up clicks; ARM delays role-assignment PUTs ${DELAY_MS} ms; ${thousands(STORED)} requests stored`);
  const work = mkdtempSync(join(tmpdir(), 'csp-bench-click-'));
  const connector = await startBenchConnector();
  const measures: Record<BotKind, RoundMeasure[]> = { echo: [], ours: [] };
  try {
    let template: string | undefined;
    if (STORED > 0) {
      template = join(work, `history-${STORED}.db`);
      const seeded = await seedStore(template, { requests: STORED, now: new Date(), shape: { kind: 'history' } });
      console.log(`seeded ${thousands(STORED)} requests (${thousands(seeded.audit)} audit entries) in ${thousands(seeded.ms)} ms: ${JSON.stringify(seeded.byState)}`);
    }
    for (const { round, contestant } of interleave<BotKind>(['echo', 'ours'], ROUNDS)) {
      const m = contestant === 'echo' ? await echoRound(connector) : await ourRound(connector, work, round, template);
      measures[contestant].push(m);
      console.log(`  round ${round + 1} · ${contestant}: ${m.answered}/${m.clicks} answered, p50 ${fixed(m.p50, 1)} ms, p99 ${fixed(m.p99, 1)} ms, max ${fixed(m.max, 1)} ms, CPU ${fixed(m.cpuPerClick)} ms/click, bench loop lag max ${fixed(m.clientLagMs, 1)} ms (load ${loadNow()})`);
      for (const [kind, n] of m.shown) console.log(`      ${n} × ${kind}`);
      if (m.check) console.log(`      ${m.check}`);
      if (m.phases) console.log(`      before ARM's first answer (every PUT held): ${m.phases.held.clicks} clicks, p50 ${fixed(m.phases.held.p50, 1)} ms, p99 ${fixed(m.phases.held.p99, 1)} ms; after (grants coming back): ${m.phases.returning.clicks} clicks, p50 ${fixed(m.phases.returning.p50, 1)} ms, p99 ${fixed(m.phases.returning.p99, 1)} ms`);
    }
  } finally {
    await connector.stop();
    rmSync(work, { recursive: true, force: true });
  }
  const { echo, ours } = measures;
  const ratio = (pick: (m: RoundMeasure) => number) => ours.map((m, i) => pick(m) / pick(echo[i] ?? m));
  const cell = (values: number[], digits = 1) => `${fixed(median(values), digits)} (${range(values).map((v) => fixed(v, digits)).join('–')})`;
  console.log(`\nStarted: ${machineAtStart}\nEnded:   ${describeMachine()}`);
  console.log(`${ROUNDS} interleaved rounds (echo, ours / ours, echo, …); per round ${REQUESTS} requests at ${RATE} clicks/s, every ${DOUBLE_EVERY || '—'}th double-clicked, ${CONNECTIONS} connections; medians (range over rounds)\n`);
  console.log('| bot | clicks answered | p50 ms | p99 ms | max ms | CPU ms/click |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const [name, list] of [['echo bot (click → small card)', echo], [`ours (Approve → refreshed card; ARM holds each PUT ${DELAY_MS / 1000} s)`, ours]] as const) {
    console.log(`| ${name} | ${list.reduce((n, m) => n + m.answered, 0)}/${list.reduce((n, m) => n + m.clicks, 0)} | ${cell(list.map((m) => m.p50))} | **${cell(list.map((m) => m.p99))}** | ${cell(list.map((m) => m.max))} | ${cell(list.map((m) => m.cpuPerClick), 2)} |`);
  }
  const phase = (pick: (m: RoundMeasure) => Phase | undefined) => ours.map((m) => pick(m) ?? { clicks: 0, p50: Number.NaN, p99: Number.NaN });
  const held = phase((m) => m.phases?.held);
  const returning = phase((m) => m.phases?.returning);
  console.log(`| — ours, clicks before ARM's first answer (every PUT held) | ${held.reduce((n, p) => n + p.clicks, 0)} | ${cell(held.map((p) => p.p50))} | ${cell(held.map((p) => p.p99))} | | |`);
  console.log(`| — ours, clicks after it (grants coming back, their card updates and messages) | ${returning.reduce((n, p) => n + p.clicks, 0)} | ${cell(returning.map((p) => p.p50))} | ${cell(returning.map((p) => p.p99))} | | |`);
  console.log(`| ratio ours / echo (per round) | | ${cell(ratio((m) => m.p50), 2)}× | ${cell(ratio((m) => m.p99), 2)}× | ${cell(ratio((m) => m.max), 2)}× | ${cell(ratio((m) => m.cpuPerClick), 2)}× |`);
  console.log(`\nBench process event-loop lag during the clicks (max): echo rounds ${echo.map((m) => fixed(m.clientLagMs, 1)).join(', ')} ms; ours ${ours.map((m) => fixed(m.clientLagMs, 1)).join(', ')} ms`);
  for (const [i, m] of ours.entries()) console.log(`ours round ${i + 1}: ${m.check ?? ''}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
