// Benchmark: parse + resolve at partner scale (up to 10k customers, 50k subscriptions, 100k users), in memory.
// Run: npm run bench:resolve [-- requests [sizes] [--rounds=N] [--cold]]   e.g. npm run bench:resolve -- 2000 100000   (bench/README.md)
import { performance } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { principalId, subscriptionId, tenantId, type TenantId } from '../src/domain/ids';
import { parseMessage } from '../src/domain/parse-request';
import { DirectoryCache } from '../src/services/directory-cache';
import type { AzureRbacGateway, AzureSubscription, Customer, DirectoryGateway, DirectoryUser, PartnerCenterGateway, RoleDefinition } from '../src/services/ports';
import { RequestResolver } from '../src/services/resolution';

/** A small deterministic PRNG so every run measures the same directory and the same requests. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32);
}

const ADJ = ['Blue', 'Northern', 'Alpine', 'Coastal', 'Silver', 'Golden', 'Green', 'Royal', 'Urban', 'Pacific', 'Atlas', 'Summit', 'Rapid', 'Bright', 'Lunar', 'Solar', 'Iron', 'Cedar', 'Maple', 'Harbor'];
const NOUN = ['Logistics', 'Pharma', 'Foods', 'Energy', 'Textiles', 'Robotics', 'Media', 'Finance', 'Health', 'Motors', 'Labs', 'Retail', 'Systems', 'Farms', 'Travel', 'Insurance', 'Studios', 'Mining', 'Telecom', 'Water'];
const SUFFIX = ['Ltd', 'SA', 'GmbH', 'Inc', 'Group', 'SAS', 'BV', 'AG', 'Corp', 'Partners'];
const FIRST = ['Alice', 'Bob', 'Chloé', 'David', 'Emma', 'François', 'Gina', 'Hugo', 'Inès', 'Jack', 'Karim', 'Léa', 'Marc', 'Nina', 'Oscar', 'Paul', 'Quentin', 'Rita', 'Sam', 'Tom', 'Ugo', 'Vera', 'Will', 'Xavier', 'Yara', 'Zoé'];
const LAST = ['Martin', 'Smith', 'Johnson', 'Durand', 'Lefèvre', 'Brown', 'Garcia', 'Bernard', 'Petit', 'Robert', 'Richard', 'Moreau', 'Laurent', 'Simon', 'Michel', 'Taylor', 'Wilson', 'Davies', 'Evans', 'Thomas', 'Roux', 'Fournier', 'Girard', 'Bonnet', 'Dupont', 'Lambert', 'Fontaine', 'Rousseau', 'Vincent', 'Muller'];
const ENV = ['Production', 'Dev', 'Test', 'Staging', 'Sandbox'];
const ROLES = ['Owner', 'Contributor', 'Reader', 'User Access Administrator', 'Role Based Access Control Administrator', 'Virtual Machine Contributor', 'Network Contributor', 'Storage Account Contributor', 'Storage Blob Data Reader', 'Storage Blob Data Contributor', 'Key Vault Administrator', 'Key Vault Reader', 'Monitoring Reader', 'Monitoring Contributor', 'Billing Reader', 'Security Reader', 'Backup Operator', 'Support Request Contributor', 'Tag Contributor', 'Website Contributor'];

interface Directory {
  customers: Customer[];
  subscriptions: Map<string, AzureSubscription[]>;
  users: Map<string, DirectoryUser[]>;
}

function generate(userCount: number): Directory {
  const random = prng(42);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const customerCount = Math.max(1, Math.round(userCount / 10));
  const customers: Customer[] = [];
  const subscriptions = new Map<string, AzureSubscription[]>();
  const users = new Map<string, DirectoryUser[]>();
  const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');
  for (let c = 0; c < customerCount; c++) {
    const name = `${pick(ADJ)} ${pick(NOUN)} ${pick(SUFFIX)} ${c}`;
    const id = tenantId(`${hex(c, 8)}-0000-4000-8000-000000000000`);
    customers.push({ id, tenantId: id, companyName: name, domain: `cust${c}.onmicrosoft.com`, relationshipToPartner: 'reseller', allowDelegatedAccess: true });
    subscriptions.set(id, ENV.map((env, s) => ({ subscriptionId: subscriptionId(`${hex(c, 8)}-5b50-4000-8000-${hex(s, 12)}`), displayName: `${name.split(' ').slice(0, 2).join(' ')} ${env}`, status: 'active' })));
    users.set(id, []);
  }
  for (let u = 0; u < userCount; u++) {
    const customer = customers[u % customerCount] as Customer;
    const first = pick(FIRST);
    const last = pick(LAST);
    users.get(customer.id)?.push({
      id: principalId(`${hex(u, 8)}-0000-4000-8000-0000000000a1`),
      displayName: `${first} ${last}`,
      givenName: first,
      surname: last,
      userPrincipalName: `${first.toLowerCase()}.${last.toLowerCase()}${u}@${customer.domain}`,
      mail: `${first.toLowerCase()}.${last.toLowerCase()}${u}@${customer.domain}`,
    });
  }
  return { customers, subscriptions, users };
}

/** In-memory gateways answering like the real APIs (Graph's startswith / eq filter on a tenant's users). */
function gateways(directory: Directory): { partnerCenter: PartnerCenterGateway; directory: DirectoryGateway; rbac: AzureRbacGateway } {
  const roles: RoleDefinition[] = ROLES.map((roleName, i) => ({ id: `/providers/Microsoft.Authorization/roleDefinitions/${i}`, name: String(i), roleName, description: roleName, roleType: 'BuiltInRole' }));
  const starts = (value: string | undefined, text: string): boolean => value?.toLowerCase().startsWith(text) ?? false;
  return {
    partnerCenter: {
      listCustomers: async () => directory.customers,
      searchCustomersByName: async (prefix) => directory.customers.filter((c) => starts(c.companyName, prefix.toLowerCase())),
      getCustomer: async (id) => directory.customers.find((c) => c.id === id),
      listAzureSubscriptions: async (id) => directory.subscriptions.get(id) ?? [],
      getRelationshipRequestUrl: async () => 'https://admin.microsoft.com/relationship',
      consentApplication: async () => undefined,
    },
    directory: {
      findUsers: async (tenant: TenantId, text: string) => {
        const t = text.toLowerCase();
        const all = directory.users.get(tenant) ?? [];
        if (t.includes('@')) return all.filter((u) => u.userPrincipalName.toLowerCase() === t || u.mail?.toLowerCase() === t);
        return all.filter((u) => [u.displayName, u.givenName, u.surname, u.userPrincipalName, u.mail].some((v) => starts(v, t))).slice(0, 50);
      },
      getUser: async () => undefined,
      listGroupUserIds: async () => [],
      memberGroups: async () => [],
      probeDirectory: async () => undefined,
    } as DirectoryGateway,
    rbac: {
      listRoleDefinitions: async () => roles,
      createRoleAssignment: async () => ({ ok: false, code: 'Other', message: 'bench' }),
      getRoleAssignment: async () => undefined,
      listRoleAssignments: async () => [],
      deleteRoleAssignment: async () => false,
      canAssignRoles: async () => 'allowed',
    },
  };
}

const percentile = (sorted: readonly number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

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
  if (!target.ok) return `target ${target.failure.kind} (${target.failure.kind === 'not_ready' ? '' : target.failure.what})`;
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
