// Benchmark: the re-index a Table store of an earlier layout gets at its first open (table-migrate.ts), on Azurite.
// Run: npx tsc -p bench/tsconfig.json && node dist/bench-build/bench/reindex.js [--requests=10000 --rounds=3]
//      [--open-within=wait,10000]  contestants, interleaved: how long the open waits for the pass (openWithinMs; `wait`:
//                                  until it is done, as before table-upgrade.ts); point reads are timed while it goes on
//      [--seed=fast|history]   fast: requests only (drafts, waiting, active), through the store's change log;
//                              history: bench/lib/seed-table.ts (audit entries, cards, conversations; ~15 min / 10,000)
import { odata, TableClient, type TransactionAction } from '@azure/data-tables';
import type { AccessRequest } from '../src/domain/access-request';
import { openTableStore } from '../src/store/table-store';
import { startAzurite } from '../test/support/azurite';
import { makeRequest } from '../test/store/store-fixtures';
import { startCountingProxy } from './lib/azurite-store';
import { describeMachine, loadNow } from './lib/machine';
import { cpuOf } from './lib/processes';
import { seedTableStore } from './lib/seed-table';
import { fixed, interleave, median, numberOption, option, thousands } from './lib/stats';

const argv = process.argv.slice(2);
const REQUESTS = numberOption(argv, 'requests', 10_000);
const ROUNDS = numberOption(argv, 'rounds', 3);
const SEED = option(argv, 'seed', 'fast');
const CONTESTANTS = option(argv, 'open-within', 'wait,10000').split(',');
const TABLE = 'cspaccessbot';
const IN_FLIGHT = 16;

/** The n-th seeded request: one in three waiting for approval, one in three active, the rest drafts. */
function nth(n: number): AccessRequest {
  const id = `r-seed-${String(n).padStart(7, '0')}`;
  const at = new Date(Date.UTC(2025, 2, 1) + n * 60_000).toISOString();
  if (n % 3 === 0) return makeRequest(id, { state: 'pending_approval', pendingSince: at, createdAt: at, updatedAt: at });
  if (n % 3 === 1) return makeRequest(id, { state: 'active', expiresAt: new Date(Date.parse(at) + 8 * 3_600_000).toISOString(), createdAt: at, updatedAt: at });
  return makeRequest(id, { createdAt: at, updatedAt: at });
}

async function seedFast(connectionString: string): Promise<number> {
  const started = Date.now();
  const store = await openTableStore({ connectionString, tableName: TABLE, deadlineInMs: 120_000 });
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let n = next++; n < REQUESTS; n = next++) {
      const request = nth(n);
      if (!(await store.changes.record({ request, audit: { requestId: request.id, event: 'seeded', actor: 'bench', at: request.updatedAt } }))) throw new Error(`seed: ${request.id} exists`);
      if ((n + 1) % 2_000 === 0) console.log(`  seeded ${thousands(n + 1)}`);
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  await store.close();
  return Date.now() - started;
}

/** Today's hints removed (100 to a transaction: they share one partition), so each round re-indexes from nothing. */
async function dropIndex(client: TableClient): Promise<void> {
  const rows: string[] = [];
  for await (const row of client.listEntities({ queryOptions: { filter: odata`PartitionKey eq 'index'`, select: ['RowKey'] } })) rows.push(row.rowKey ?? '');
  for (let n = 0; n < rows.length; n += 100) {
    await client.submitTransaction(rows.slice(n, n + 100).map((rowKey): TransactionAction => ['delete', { partitionKey: 'index', rowKey }]));
  }
}

async function main(): Promise<void> {
  console.log(`reindex: ${describeMachine()}; ${thousands(REQUESTS)} requests (${SEED} seed), ${ROUNDS} rounds; load ${loadNow()}`);
  const azurite = await startAzurite({ inMemory: true });
  const proxy = await startCountingProxy(azurite);
  const client = TableClient.fromConnectionString(azurite.connectionString, TABLE, { allowInsecureConnection: true });
  try {
    const seedMs = SEED === 'history'
      ? (await seedTableStore(azurite.connectionString, { requests: REQUESTS, now: new Date(), shape: { kind: 'history' } }, (done) => console.log(`  seeded ${thousands(done)}`))).ms
      : await seedFast(azurite.connectionString);
    console.log(`seeded in ${thousands(seedMs)} ms; load ${loadNow()}`);
    const connectionString = azurite.connectionString.replace(azurite.tableEndpoint, `${proxy.url}/devstoreaccount1`);
    type Row = { contestant: string; openMs: number; ms: number; requests: number; ourCpu: number; azuriteCpu: number; reads: number[]; load: string };
    const rows: Row[] = [];
    for (const { round, contestant } of interleave(CONTESTANTS, ROUNDS)) {
      // The table as the earlier code left it, as far as the open can tell: no marker, no saved place, none of
      // today's hints (the earlier layout's are elsewhere, and the pass does not read them).
      for (const row of ['layout', 'layout-progress']) await client.deleteEntity('schema', row).catch(() => undefined);
      await dropIndex(client);
      const from = proxy.trips.length;
      const cpu = process.cpuUsage();
      const azuriteFrom = cpuOf(azurite.process.pid ?? 0);
      const started = performance.now();
      const openWithinMs = contestant === 'wait' ? Infinity : Number(contestant);
      const store = await openTableStore({ connectionString, tableName: TABLE, deadlineInMs: 120_000, layout: { openWithinMs } });
      const openMs = performance.now() - started;
      // What a click would do meanwhile: read one request by id, every 500 ms, until the pass is done.
      const reads: number[] = [];
      let finished = store.layout.outcome !== 'upgrading';
      const done = store.upgraded.finally(() => {
        finished = true;
      });
      for (let n = 0; !finished; n++) {
        const asked = performance.now();
        await store.requests.get(nth((n * 7_919) % REQUESTS).id);
        reads.push(performance.now() - asked);
        await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 500))]);
      }
      const report = await done;
      const ms = performance.now() - started;
      const used = process.cpuUsage(cpu);
      await store.close();
      if (report.requests !== REQUESTS) throw new Error(`round ${round}: ${report.line}`);
      rows.push({ contestant, openMs, ms, requests: proxy.trips.length - from, ourCpu: (used.user + used.system) / 1_000, azuriteCpu: cpuOf(azurite.process.pid ?? 0) - azuriteFrom, reads, load: loadNow() });
      console.log(`  round ${round + 1}, open within ${contestant}: opened in ${thousands(openMs)} ms (${store.layout.outcome}); ${report.line}; ${proxy.trips.length - from} storage requests`);
    }
    console.log('');
    console.log('| requests stored | open within | store open ms | re-index done ms | requests/s | storage requests | per request stored | our CPU ms | Azurite CPU ms | point reads during it (after the open): n, median ms | load |');
    console.log('|---:|---|---:|---:|---:|---:|---:|---:|---:|---|---|');
    for (const contestant of CONTESTANTS) {
      const mine = rows.filter((row) => row.contestant === contestant);
      const m = (pick: (row: Row) => number) => median(mine.map(pick));
      const reads = mine.flatMap((row) => row.reads);
      console.log(`| ${thousands(REQUESTS)} | ${contestant === 'wait' ? 'wait (before)' : `${thousands(Number(contestant))} ms`} | ${thousands(m((r) => r.openMs))} | ${thousands(m((r) => r.ms))} | ${thousands(REQUESTS / (m((r) => r.ms) / 1_000))} | ${thousands(m((r) => r.requests))} | ${fixed(m((r) => r.requests) / REQUESTS, 3)} | ${thousands(m((r) => r.ourCpu))} | ${thousands(m((r) => r.azuriteCpu))} | ${reads.length}, ${fixed(median(reads), 1)} | ${mine.map((r) => r.load).join(' → ')} |`);
    }
  } finally {
    await proxy.close();
    await azurite.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
