// Benchmark: the Table store's listings and listDue with 10,000 requests stored on Azurite, this build next to another.
// Run: npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/table-listing.js [--requests=10000 --rounds=5]
//      [--before=dist/table-before/src/store/table-store.js]   (a build of the store from before a change, to compare)
import { resolve } from 'node:path';
import type { RequestState } from '../src/domain/access-request';
import type { Store } from '../src/store/ports';
import type { openTableStore as OpenTableStore } from '../src/store/table-store';
import { startAzurite } from '../test/support/azurite';
import { startCountingProxy } from './lib/azurite-store';
import { describeMachine, loadNow } from './lib/machine';
import { seedTableStore } from './lib/seed-table';
import { fixed, interleave, median, numberOption, option, thousands } from './lib/stats';

const argv = process.argv.slice(2);
const REQUESTS = numberOption(argv, 'requests', 10_000);
const ROUNDS = numberOption(argv, 'rounds', 5);
const BEFORE = option(argv, 'before', '');
const OPEN: RequestState[] = ['draft', 'pending_approval', 'approved', 'provisioning', 'active', 'awaiting_relationship'];

type Build = 'before' | 'after';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const opener = (build: Build): typeof OpenTableStore => (require(build === 'after' ? '../src/store/table-store' : resolve(BEFORE)) as { openTableStore: typeof OpenTableStore }).openTableStore;

async function main(): Promise<void> {
  console.log(`table-listing: ${describeMachine()}`);
  const azurite = await startAzurite({ inMemory: true });
  const proxy = await startCountingProxy(azurite);
  try {
    const now = new Date();
    const seeded = await seedTableStore(azurite.connectionString, { requests: REQUESTS, now, shape: { kind: 'history' } }, (done) => console.log(`  seeded ${thousands(done)}`));
    console.log(`seeded ${thousands(seeded.requests)} requests (${thousands(seeded.audit)} audit entries, ${thousands(seeded.cards)} cards) in ${thousands(seeded.ms)} ms: ${JSON.stringify(seeded.byState)}`);
    const connectionString = azurite.connectionString.replace(azurite.tableEndpoint, `${proxy.url}/devstoreaccount1`);
    const probe = await opener('after')({ connectionString });
    const [sample] = await probe.requests.listRequests({ states: ['active'], limit: 1 });
    await probe.close();
    if (!sample) throw new Error('no active request seeded');
    const calls: Record<string, (store: Store) => Promise<unknown[]>> = {
      'my requests (requester, open states, limit 10)': (s) => s.requests.listRequests({ requesterId: sample.requester.id, states: OPEN, limit: 10 }),
      'history (customer + subscription, limit 20)': (s) => s.requests.listRequests({ customerTenantId: sample.customer.tenantId, subscriptionId: sample.subscription.id, limit: 20 }),
      'list (customer + subscription, all)': (s) => s.requests.listRequests({ customerTenantId: sample.customer.tenantId, subscriptionId: sample.subscription.id }),
      'listByState pending_approval': (s) => s.requests.listByState(['pending_approval']),
      'listDue pending_approval, 24 h window (0 due)': (s) => s.requests.listDue(['pending_approval'], new Date(now.getTime() - 86_400_000).toISOString(), 500),
      'listDue active, reminders 1 h ahead (0 due)': (s) => s.requests.listDue(['active'], new Date(now.getTime() + 3_600_000).toISOString(), 500),
      "audit of one customer": (s) => s.audit.list({ customerTenantId: sample.customer.tenantId }),
    };
    const builds: Build[] = BEFORE === '' ? ['after'] : ['before', 'after'];
    const results = new Map<string, { ms: number[]; trips: number[]; found: number }>();
    for (const { contestant } of interleave(builds, ROUNDS)) {
      const store = await opener(contestant)({ connectionString });
      try {
        for (const [name, call] of Object.entries(calls)) {
          const from = proxy.trips.length;
          const started = performance.now();
          const found = await call(store);
          const ms = performance.now() - started;
          const key = `${name}|${contestant}`;
          const entry = results.get(key) ?? { ms: [], trips: [], found: found.length };
          entry.ms.push(ms);
          entry.trips.push(proxy.trips.length - from);
          results.set(key, entry);
        }
      } finally {
        await store.close();
      }
      console.log(`  round ${contestant} done (load ${loadNow()})`);
    }
    console.log(`\n${ROUNDS} interleaved rounds, ${thousands(REQUESTS)} requests stored, medians; round trips counted at a proxy in front of Azurite`);
    console.log(`| call | ${builds.map((b) => `${b}: ms | ${b}: requests to the service`).join(' | ')} | found |`);
    console.log(`|---|${builds.map(() => '---:|---:').join('|')}|---:|`);
    for (const name of Object.keys(calls)) {
      const cells = builds.map((b) => {
        const r = results.get(`${name}|${b}`);
        return r ? `${fixed(median(r.ms), 0)} | ${fixed(median(r.trips), 0)}` : '– | –';
      });
      console.log(`| ${name} | ${cells.join(' | ')} | ${results.get(`${name}|after`)?.found ?? '?'} |`);
    }
    console.log(`\nEnded: ${describeMachine()}`);
  } finally {
    await proxy.close();
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
