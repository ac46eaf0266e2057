// Benchmark: the requests our bot sends the Table store (Azurite) idle and per turn, this build next to another build
// (the code before a change), interleaved: what kept leases save.
// Run: npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/lease-trips.js --before=<other checkout>/dist/bench-build
//      [--rounds=3 --idle=30 --turns=5]   (--turns=0: the idle rate only)
import { join } from 'node:path';
import { startAzurite } from '../test/support/azurite';
import { countTableRoundTrips, seedTableTemplate, startCountingProxy, type TripCount } from './lib/azurite-store';
import { startRoundBot, type RoundBotOptions } from './lib/bots';
import { startBenchConnector } from './lib/connector';
import { describeMachine, loadNow } from './lib/machine';
import { fixed, interleave, median, numberOption, option } from './lib/stats';

const argv = process.argv.slice(2);
const BEFORE = option(argv, 'before', '');
const ROUNDS = numberOption(argv, 'rounds', 3);
const IDLE_SECONDS = numberOption(argv, 'idle', 30);
const TURNS = numberOption(argv, 'turns', 5);

type Build = 'before' | 'after';
const pause = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));
const optionsOf = (build: Build): RoundBotOptions => (build === 'before' ? { entry: join(BEFORE, 'src/main.js') } : {});

/** Requests per minute to the Table service while the bot has nothing to do (timers only), and those on leases. */
async function idleRate(folder: string | undefined, build: Build): Promise<{ perMinute: number; leasesPerMinute: number; what: string }> {
  const azurite = await startAzurite({ ...(folder ? { from: folder } : {}) });
  const proxy = await startCountingProxy(azurite);
  const connectionString = azurite.connectionString.replace(azurite.tableEndpoint, `${proxy.url}/devstoreaccount1`);
  const bot = await startRoundBot('ours', { ...optionsOf(build), extraEnv: { STORE: `azure-table:${connectionString}`, ACCESS_MODEL: 'app' } });
  try {
    await pause(3_000);
    const from = proxy.trips.length;
    await pause(IDLE_SECONDS * 1_000);
    const trips = proxy.trips.slice(from);
    const kinds = new Map<string, number>();
    for (const trip of trips) kinds.set(trip.what, (kinds.get(trip.what) ?? 0) + 1);
    // A lease's create is a POST to the table (its keys in the body): counted with the lease requests, as no other
    // idle request is a plain POST.
    const leases = trips.filter((trip) => trip.what.includes('lease') || trip.what === 'POST :').length;
    const perMinute = (n: number) => (n * 60) / IDLE_SECONDS;
    return { perMinute: perMinute(trips.length), leasesPerMinute: perMinute(leases), what: [...kinds].map(([what, n]) => `${what} ×${n}`).join(', ') };
  } finally {
    await bot.dispose();
    await proxy.close();
    await azurite.stop();
  }
}

async function main(): Promise<void> {
  if (BEFORE === '') throw new Error('--before=<another build\'s dist/bench-build> is required');
  console.log(`lease-trips: ${describeMachine()}; ${ROUNDS} rounds, idle ${IDLE_SECONDS} s, ${TURNS} turns of each kind; before = ${BEFORE}`);
  const template = await seedTableTemplate({ requests: 0, now: new Date(), shape: { kind: 'history' } }, (line) => console.log(line));
  const connector = await startBenchConnector();
  const idle: Record<Build, { perMinute: number; leasesPerMinute: number }[]> = { before: [], after: [] };
  const turns: Record<Build, TripCount[][]> = { before: [], after: [] };
  try {
    for (const { round, contestant } of interleave<Build>(['before', 'after'], ROUNDS)) {
      const rate = await idleRate(template.folder, contestant);
      idle[contestant].push(rate);
      console.log(`  round ${round + 1} ${contestant}: idle ${fixed(rate.perMinute, 1)} requests/min (${fixed(rate.leasesPerMinute, 1)} on leases): ${rate.what}; load ${loadNow()}`);
      if (TURNS === 0) continue;
      const counted = await countTableRoundTrips(template, connector, optionsOf(contestant), TURNS);
      turns[contestant].push(counted);
      console.log(`  round ${round + 1} ${contestant}: ${counted.map((c) => `${c.turn} ${fixed(c.inTurn, 1)} + ${fixed(c.after, 1)}`).join('; ')}; load ${loadNow()}`);
    }
  } finally {
    await connector.stop();
    await template.dispose();
  }
  console.log('');
  console.log('| build | idle requests/min | of which leases | "help": until answer + second after | "give" | Approve click |');
  console.log('|---|---:|---:|---|---|---|');
  for (const build of ['before', 'after'] as const) {
    const of = (turn: string, pick: (c: TripCount) => number) => median(turns[build].map((round) => pick(round.find((c) => c.turn === turn) ?? { turn, inTurn: NaN, after: NaN, sample: '', answer: '' })));
    const cell = (turn: string) => `${fixed(of(turn, (c) => c.inTurn), 1)} + ${fixed(of(turn, (c) => c.after), 1)}`;
    console.log(`| ${build} | ${fixed(median(idle[build].map((r) => r.perMinute)), 1)} | ${fixed(median(idle[build].map((r) => r.leasesPerMinute)), 1)} | ${cell('help')} | ${cell('give')} | ${cell('Approve click')} |`);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
