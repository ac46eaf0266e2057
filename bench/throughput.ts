// Benchmark: turns per second and p99 of our bot next to a bare teams-ai echo bot, with 0 / 10k / 100k requests stored.
// Run: npm run bench:throughput [-- --rounds=3 --duration=15 --warmup=4 --sizes=0,10000,100000 --messages=help,give,donne]
//      --cloud=external: the sandbox runs in this process instead of inside our bot (as Azure is remote in production),
//      and the calls our bot makes to it per turn are counted.
//      --before=<dist/bench-build of another checkout>: that build too, interleaved (a change's before and after).
//      --store=azurite: our bot on the Table store (Azurite per round, from a seeded copy), and its round trips per turn.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MESSAGES, SENDERS, type MessageName } from './lib/activities';
import { startSandbox, type RunningSandbox } from '../src/sandbox';
import { deployedEnv, startRoundBot, type RoundBotOptions } from './lib/bots';
import { startBenchConnector } from './lib/connector';
import { answerOf, drive, type LoadMeasure } from './lib/load';
import { describeMachine, loadNow } from './lib/machine';
import type { BotKind } from './lib/processes';
import { seedStore } from './lib/seed-store';
import { countTableRoundTrips, seedTableTemplate, startTableRound, tripTable, type TableTemplate } from './lib/azurite-store';
import { fixed, interleave, median, numberOption, option, range, thousands } from './lib/stats';

type Contestant = 'echo' | 'ours' | 'before';

const argv = process.argv.slice(2);
const ROUNDS = numberOption(argv, 'rounds', 3);
const DURATION = numberOption(argv, 'duration', 15);
const WARMUP = numberOption(argv, 'warmup', 4);
const CONNECTIONS = numberOption(argv, 'connections', 10);
const SIZES = option(argv, 'sizes', '0,10000,100000').split(',').map((s) => Number(s.replace(/_/g, '')));
const NAMES = option(argv, 'messages', 'help,give,donne').split(',') as MessageName[];
const CLOUD = option(argv, 'cloud', 'in-process');
if (CLOUD !== 'in-process' && CLOUD !== 'external') throw new Error('--cloud must be in-process or external');
const STORE = option(argv, 'store', 'sqlite');
if (STORE !== 'sqlite' && STORE !== 'azurite') throw new Error('--store must be sqlite or azurite');
const TRIP_TURNS = numberOption(argv, 'trip-turns', 5);
/** --azurite-from=<folder>: Azurite data seeded before (one size only), instead of seeding here. */
const AZURITE_FROM = option(argv, 'azurite-from', '');
/** --our-env=KEY=VALUE[;KEY=VALUE]: added to our bot's environment, for experiments (e.g. STORE=sqlite::memory:). */
const OUR_ENV: Record<string, string> = Object.fromEntries(option(argv, 'our-env', '').split(';').filter(Boolean).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
/** --before=<dist/bench-build of another checkout>: that build of our bot runs too, interleaved, and gets its own row. */
const BEFORE = option(argv, 'before', '');
/** --profile=<folder>: each bot process runs under `node --cpu-prof`, its profile written there when it stops. */
const PROFILE = option(argv, 'profile', '');
for (const name of NAMES) if (!(name in MESSAGES)) throw new Error(`unknown message ${name}: one of ${Object.keys(MESSAGES).join(', ')}`);

async function main(): Promise<void> {
  const machineAtStart = describeMachine();
  console.log(`throughput: ${machineAtStart}`);
  console.log(`rounds ${ROUNDS} × (${WARMUP} s warm-up + ${DURATION} s measured), ${CONNECTIONS} connections, ${SENDERS} senders, sizes ${SIZES.join('/')}, messages ${NAMES.join('/')}`);
  const work = mkdtempSync(join(tmpdir(), 'csp-bench-seed-'));
  const connector = await startBenchConnector();
  // --cloud=external: one sandbox here for every round (its state grows with the drafts' lookups only).
  let sandbox: RunningSandbox | undefined;
  let ourOptions: RoundBotOptions = {};
  if (CLOUD === 'external') {
    sandbox = await startSandbox({ port: 0 });
    const caFile = join(work, 'sandbox-ca.pem');
    writeFileSync(caFile, sandbox.caCertPem);
    ourOptions = { env: deployedEnv(sandbox, caFile) };
  }
  const cloudCalls = () => (sandbox ? sandbox.requests.length + sandbox.entraRequests.length : 0);
  const rows: string[] = [];
  const answers = new Map<string, string>();
  const tripRows: string[] = [];
  try {
    for (const size of SIZES) {
      let template: string | undefined;
      let table: TableTemplate | undefined;
      if (STORE === 'azurite') {
        table = await seedTableTemplate({ requests: size, now: new Date(), shape: { kind: 'history' } }, (line) => console.log(line), size > 0 ? AZURITE_FROM : '');
      } else if (size > 0) {
        template = join(work, `history-${size}.db`);
        const seeded = await seedStore(template, { requests: size, now: new Date(), shape: { kind: 'history' } });
        console.log(`seeded ${thousands(size)} requests (${thousands(seeded.audit)} audit entries, ${thousands(seeded.cards)} card rows) in ${thousands(seeded.ms)} ms: ${JSON.stringify(seeded.byState)}`);
      }
      for (const name of NAMES) {
        const measures: Record<Contestant, (LoadMeasure & { cpuPerTurn: number; cloudPerTurn: number })[]> = { echo: [], ours: [], before: [] };
        for (const { round, contestant: who } of interleave<Contestant>(BEFORE ? ['echo', 'ours', 'before'] : ['echo', 'ours'], ROUNDS)) {
          const contestant: BotKind = who === 'echo' ? 'echo' : 'ours';
          const store = contestant === 'ours' && table ? await startTableRound(table) : undefined;
          const bot = await startRoundBot(contestant, { ...(PROFILE ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${PROFILE}`, `--cpu-prof-name=${contestant}-${name}-${size}-${round + 1}.cpuprofile`] } : {}), ...(contestant === 'ours' ? ourOptions : {}), ...(who === 'before' ? { entry: join(BEFORE, 'src/main.js') } : {}), ...(template ? { template } : {}), ...(store || contestant === 'ours' ? { extraEnv: { ...(contestant === 'ours' ? OUR_ENV : {}), ...store?.env } } : {}) });
          try {
            const answer = await answerOf(bot.url, connector, name);
            answers.set(`${contestant} ${name}`, answer);
            if (contestant === 'ours' && name !== 'help' && !answer.includes('confirm')) throw new Error(`our bot did not draft the request for "${MESSAGES[name].text}": ${answer}`);
            if (WARMUP > 0) await drive(bot.url, connector, name, { seconds: WARMUP }, CONNECTIONS);
            const cpuBefore = bot.cpuMs();
            const storeCpuBefore = store?.cpuMs() ?? 0;
            const callsBefore = cloudCalls();
            const load = await drive(bot.url, connector, name, { seconds: DURATION }, CONNECTIONS);
            // The bot process's own CPU per answered turn: what the turn costs, whatever the neighbours take.
            const m = { ...load, cpuPerTurn: (bot.cpuMs() - cpuBefore) / Math.max(1, load.turns), cloudPerTurn: (cloudCalls() - callsBefore) / Math.max(1, load.turns) };
            measures[who].push(m);
            console.log(`  ${thousands(size)} stored · ${name} · round ${round + 1} · ${who}: ${fixed(m.reqPerSec, 1)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, CPU ${fixed(m.cpuPerTurn)} ms/turn,${store ? ` Azurite CPU ${fixed(((store.cpuMs()) - storeCpuBefore) / Math.max(1, load.turns))} ms/turn,` : ''}${sandbox ? ` ${fixed(m.cloudPerTurn)} cloud calls/turn,` : ''} ${m.failures} failed, ${fixed(m.repliesPerTurn)} sends/turn (load ${loadNow()})`);
          } finally {
            await bot.dispose();
            await store?.stop();
          }
        }
        const echo = measures.echo;
        for (const who of BEFORE ? (['ours', 'before'] as const) : (['ours'] as const)) {
          const ours = measures[who];
          // Ratios are taken per round (the two ran back to back), then their median.
          const rateRatios = ours.map((m, i) => m.reqPerSec / (echo[i]?.reqPerSec ?? Number.NaN));
          const p99Ratios = ours.map((m, i) => m.p99 / (echo[i]?.p99 ?? Number.NaN));
          const cpuRatios = ours.map((m, i) => m.cpuPerTurn / (echo[i]?.cpuPerTurn ?? Number.NaN));
          const [rLow, rHigh] = range(rateRatios);
          const [pLow, pHigh] = range(p99Ratios);
          rows.push(
            `| ${thousands(size)} | ${name}${who === 'before' ? ' (--before build)' : ''} | ${fixed(median(echo.map((m) => m.reqPerSec)), 0)} | ${fixed(median(ours.map((m) => m.reqPerSec)), 0)} | **${fixed(median(rateRatios))}×** (${fixed(rLow)}–${fixed(rHigh)}) | ${fixed(median(echo.map((m) => m.p99)), 0)} | ${fixed(median(ours.map((m) => m.p99)), 0)} | **${fixed(median(p99Ratios))}×** (${fixed(pLow)}–${fixed(pHigh)}) | ${fixed(median(echo.map((m) => m.cpuPerTurn)))} | ${fixed(median(ours.map((m) => m.cpuPerTurn)))} | ${fixed(median(cpuRatios))}× |${sandbox ? ` ${fixed(median(ours.map((m) => m.cloudPerTurn)))} |` : ''} ${fixed(median(ours.map((m) => m.repliesPerTurn)))} / ${fixed(median(echo.map((m) => m.repliesPerTurn)))} | ${ours.reduce((n, m) => n + m.failures, 0)} / ${echo.reduce((n, m) => n + m.failures, 0)} |`,
          );
        }
      }
      if (table) {
        tripRows.push(...tripTable(await countTableRoundTrips(table, connector, ourOptions, TRIP_TURNS), size));
        await table.dispose();
      }
    }
  } finally {
    await connector.stop();
    await sandbox?.stop();
    rmSync(work, { recursive: true, force: true });
  }
  console.log(`\nStarted: ${machineAtStart}\nEnded:   ${describeMachine()}`);
  console.log(`${ROUNDS} interleaved rounds (echo, ours / ours, echo, …), ${DURATION} s each after ${WARMUP} s of warm-up, ${CONNECTIONS} connections; sandbox cloud ${CLOUD === 'external' ? 'in the bench process (our bot as deployed)' : 'inside our bot (CLOUD=sandbox, as npm run dev)'}; medians; ratio = ours / echo per round, median (range)\n`);
  console.log(`| stored requests | message | echo req/s | ours req/s | req/s ratio | echo p99 ms | ours p99 ms | p99 ratio | echo CPU ms/turn | ours CPU ms/turn | CPU ratio |${sandbox ? ' cloud calls per turn |' : ''} sends per turn ours / echo | failed ours / echo |`);
  console.log(`|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|${sandbox ? '---:|' : ''}---:|---:|`);
  for (const row of rows) console.log(row);
  if (tripRows.length > 0) {
    console.log(`\nTable store round trips per turn (${TRIP_TURNS} turns each, one at a time, through a counting proxy; "after": the second after the answer, idle rate subtracted):`);
    console.log('| stored requests | turn | requests to the Table service until the answer | in the second after | one turn\'s requests until the answer | its answer |');
    console.log('|---:|---|---:|---:|---|---|');
    for (const row of tripRows) console.log(row);
  }
  console.log('\nWhat each bot answered (one message sent before measuring):');
  for (const [key, answer] of answers) console.log(`- ${key}: ${answer}`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
