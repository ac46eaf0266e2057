// Benchmark: parse + resolve at partner scale (up to 10k customers, 50k subscriptions, 100k users), in memory.
// Run: npm run bench:resolve [-- requests [sizes] [--rounds=N] [--cold]]   e.g. npm run bench:resolve -- 2000 100000   (bench/README.md)
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parseMessage } from '../src/domain/parse-request';
import { DirectoryCache } from '../src/services/directory-cache';
import type { Customer, DirectoryUser } from '../src/services/ports';
import { RequestResolver } from '../src/services/resolution';
import { ENV, gateways, generate, percentile, prng, type Directory } from './directory';


/** A request as a sales agent would type it, and what it must resolve to. */
interface BenchRequest {
  readonly text: string;
  readonly customer: Customer;
  readonly env: string;
  readonly user: DirectoryUser | undefined;
}

function requestsFor(directory: Directory, count: number, seed: number): BenchRequest[] {
  const random = prng(seed);
  const out: BenchRequest[] = [];
  for (let i = 0; i < count; i++) {
    const customer = directory.customers[Math.floor(random() * directory.customers.length)] as Customer;
    const people = directory.users.get(customer.id) ?? [];
    const user = people[Math.floor(random() * people.length)];
    const who = user ? (random() < 0.5 ? user.userPrincipalName : (user.displayName ?? '')) : 'Alice';
    const env = ENV[Math.floor(random() * ENV.length)] ?? 'Dev';
    const text = random() < 0.5 ? `give ${who} Reader on ${customer.companyName} ${env}` : `donne à ${who} le rôle Contributeur sur l'abonnement ${env} de ${customer.companyName}`;
    out.push({ text, customer, env, user });
  }
  return out;
}

/** parse + resolve one request; the outcome, with "WRONG" when something other than what was meant was resolved. */
async function handle(resolver: RequestResolver, request: BenchRequest): Promise<string> {
  const parsed = parseMessage(request.text);
  if (parsed.kind !== 'grant') return parsed.kind;
  const target = await resolver.resolveTarget(parsed);
  if (!target.ok) return `target ${target.failure.kind} (${'what' in target.failure ? target.failure.what : ''})`;
  const user = await resolver.resolveUser(parsed, parsed.principal, target.value);
  if (!user.ok) return `user ${user.failure.kind}`;
  const role = await resolver.resolveRole(parsed, parsed.role, target.value);
  if (!role.ok) return `role ${role.failure.kind}`;
  const right =
    target.value.customer.id === request.customer.id &&
    target.value.subscription.displayName.endsWith(` ${request.env}`) &&
    user.value.id === request.user?.id &&
    role.value.roleName === (request.text.startsWith('give') ? 'Reader' : 'Contributor');
  return right ? 'resolved' : 'WRONG';
}

/** A full collection before timing, when the runtime allows it (the directory just generated is garbage-heavy). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as (() => void) | undefined;
  gc?.();
}

const WARM_UP = 500;

interface Round {
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
  /** p99 of the process CPU time per request (what our code costs, without time lost to other processes). */
  readonly cpuP99: number;
  readonly indexMs: number;
  readonly outcomes: ReadonlyMap<string, number>;
}

/** One round: a fresh cache over the directory (customer index built before timing), warm-up, then the timed requests. */
async function round(directory: Directory, requests: number, cold: boolean): Promise<Round> {
  const clock = { now: () => new Date() };
  const cache = new DirectoryCache({ ...gateways(directory), clock });
  const resolver = new RequestResolver(cache);
  const built = performance.now();
  await cache.customers();
  const indexMs = performance.now() - built;

  if (!cold) {
    // Warm the JIT on other requests (a different seed: the timed ones still meet cold subscription/user/role caches).
    for (const request of requestsFor(directory, WARM_UP, 99)) await handle(resolver, request);
    collectGarbage();
  }
  const times: number[] = [];
  const cpu: number[] = [];
  const outcomes = new Map<string, number>();
  for (const request of requestsFor(directory, requests, 7)) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    const outcome = await handle(resolver, request);
    times.push(performance.now() - start);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / 1000);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  }
  const sorted = [...times].sort((a, b) => a - b);
  const cpuSorted = [...cpu].sort((a, b) => a - b);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) ?? 0, cpuP99: percentile(cpuSorted, 99), indexMs, outcomes };
}

const median = (values: readonly number[]): number => percentile([...values].sort((a, b) => a - b), 50);

async function run(userCount: number, requests: number, cold: boolean, rounds: number): Promise<string> {
  const directory = generate(userCount);
  const results: Round[] = [];
  for (let r = 0; r < rounds; r++) results.push(await round(directory, requests, cold));
  const p99s = results.map((r) => r.p99);
  const outcomes = results[0]?.outcomes ?? new Map<string, number>();
  const subscriptions = [...directory.subscriptions.values()].reduce((n, list) => n + list.length, 0);
  const ms = (n: number): string => n.toFixed(3);
  return (
    `| ${userCount.toLocaleString('en')} | ${directory.customers.length.toLocaleString('en')} | ${subscriptions.toLocaleString('en')} ` +
    `| ${ms(median(results.map((r) => r.p50)))} | ${ms(median(p99s))} | ${ms(Math.min(...p99s))}–${ms(Math.max(...p99s))} ` +
    `| ${ms(median(results.map((r) => r.cpuP99)))} | ${median(results.map((r) => r.max)).toFixed(1)} | ${median(results.map((r) => r.indexMs)).toFixed(0)} ` +
    `| ${[...outcomes].map(([k, v]) => `${k} ${v}`).join(', ')} |`
  );
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const cold = args.includes('--cold');
  const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
  const [requestsArg, sizesArg] = args.filter((a) => !a.startsWith('--'));
  const requests = Number(requestsArg ?? 2000);
  const rounds = Number(option('rounds') ?? 5);
  const sizes = sizesArg ? sizesArg.split(',').map(Number) : [1_000, 10_000, 50_000, 100_000];
  console.log(
    `parse + resolve, ${requests} requests per size and round, ${rounds} rounds (half English, half French; half by UPN, half by display name)` +
      (cold ? ', cold: no warm-up, no collection before timing' : `, each round after ${WARM_UP} warm-up requests and a full GC`),
  );
  console.log('figures: median over rounds; p99 range = lowest–highest round; cpu p99 = process CPU time per request\n');
  console.log('| users | customers | subscriptions | p50 ms | p99 ms | p99 range ms | cpu p99 ms | max ms | customer index build ms | outcomes (round 1) |');
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const users of sizes) console.log(await run(users, requests, cold, rounds));
}

void main();
