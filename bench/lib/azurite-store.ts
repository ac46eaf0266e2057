// The Table store for the benches: Azurite per round from a seeded copy, and the store round trips a turn makes.
import { randomUUID } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createServer, request as forward, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SANDBOX_APPROVERS, SANDBOX_PARTNER_TENANT_ID } from '../../src/config';
import { startAzurite, type Azurite } from '../../test/support/azurite';
import { messageActivity, SENDERS, senderId, type MessageName } from './activities';
import { startRoundBot, type RoundBotOptions } from './bots';
import type { BenchConnector } from './connector';
import { cpuOf } from './processes';
import type { SeedPlan } from './seed-store';
import { seedTableStore } from './seed-table';
import { fixed, thousands } from './stats';

/**
 * The data each round's Azurite starts from: a seeded folder (copied per round), or — for large histories — one
 * running in-memory Azurite that every round shares (seeding 10,000 requests takes minutes; the rounds add a few
 * hundred drafts to it, which changes nothing that a turn reads by key).
 */
export interface TableTemplate {
  readonly folder?: string;
  readonly shared?: Azurite;
  dispose(): Promise<void>;
}

/**
 * Seeds `plan` (none when `plan.requests` is 0). An empty store: a fresh Azurite per round. A history: one in-memory
 * Azurite, shared. `from`: a folder seeded before (a stopped Azurite's), copied per round and left in place.
 */
export async function seedTableTemplate(plan: SeedPlan, log: (line: string) => void, from?: string): Promise<TableTemplate> {
  if (from !== undefined && from !== '') {
    log(`Azurite data from ${from} (seeded before; said to hold ${thousands(plan.requests)} requests)`);
    return { folder: from, dispose: () => Promise.resolve() };
  }
  if (plan.requests === 0) {
    const azurite = await startAzurite();
    await azurite.stop({ keep: true });
    return { folder: azurite.folder, dispose: () => Promise.resolve(rmSync(azurite.folder, { recursive: true, force: true })) };
  }
  const shared = await startAzurite({ inMemory: true });
  try {
    const seeded = await seedTableStore(shared.connectionString, plan, (done) => log(`  seeding Azurite: ${thousands(done)} requests`));
    log(`seeded Azurite with ${thousands(seeded.requests)} requests (${thousands(seeded.audit)} audit entries, ${thousands(seeded.cards)} cards) in ${thousands(seeded.ms)} ms: ${JSON.stringify(seeded.byState)}`);
  } catch (error: unknown) {
    await shared.stop();
    throw error;
  }
  return { shared, dispose: () => shared.stop() };
}

/** The store side of one round: an Azurite on a copy of the template, and what our bot needs to use it. */
export interface TableRound {
  readonly azurite: Azurite;
  /** Given to our bot on top of its usual environment. */
  readonly env: Record<string, string>;
  /** Azurite's CPU time so far (ms): the store's own cost, on this machine. */
  cpuMs(): number;
  stop(): Promise<void>;
}

/**
 * STORE on the Table service. The delegated model keeps its refresh token in Key Vault when the store is a Table
 * store (there is no Key Vault here), so our bot runs the app model on Azurite, as the two-instance test does.
 */
const tableEnv = (connectionString: string): Record<string, string> => ({ STORE: `azure-table:${connectionString}`, ACCESS_MODEL: 'app' });

export async function startTableRound(template: TableTemplate): Promise<TableRound> {
  const azurite = template.shared ?? (await startAzurite({ from: template.folder }));
  const pid = azurite.process.pid ?? 0;
  return { azurite, env: tableEnv(azurite.connectionString), cpuMs: () => cpuOf(pid), stop: () => (template.shared ? Promise.resolve() : azurite.stop()) };
}

/** What the Table service was asked, by kind: the round trips a network store costs. */
export type TripKind = 'transaction' | 'point read' | 'query' | 'write' | 'delete' | 'other';

export interface CountingProxy {
  readonly url: string;
  readonly trips: readonly { readonly kind: TripKind; readonly what: string }[];
  close(): Promise<void>;
}

/** A loopback proxy in front of Azurite that records every request, so a turn's round trips can be counted. */
export async function startCountingProxy(target: { readonly port: number }): Promise<CountingProxy> {
  const trips: { kind: TripKind; what: string }[] = [];
  const server: Server = createServer((incoming, answer) => {
    trips.push(classify(incoming));
    const upstream = forward({ host: '127.0.0.1', port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (response) => {
      answer.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(answer);
    });
    upstream.on('error', () => incoming.socket.destroy());
    incoming.pipe(upstream);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    trips,
    close: () => new Promise<void>((done) => {
      server.closeAllConnections();
      server.close(() => done());
    }),
  };
}

function classify(request: IncomingMessage): { kind: TripKind; what: string } {
  const url = decodeURIComponent(request.url ?? '');
  const method = request.method ?? '';
  const partition = /PartitionKey(?: eq |=)'([^':]*)/.exec(url)?.[1] ?? '';
  if (method === 'POST' && url.includes('$batch')) return { kind: 'transaction', what: 'batch' };
  if (method === 'GET' && url.includes('$filter')) return { kind: 'query', what: `query ${partition}:` };
  if (method === 'GET' && url.includes('PartitionKey=')) return { kind: 'point read', what: `read ${partition}:` };
  if (method === 'PUT' || method === 'MERGE' || method === 'PATCH' || method === 'POST') return { kind: 'write', what: `${method} ${partition}:` };
  if (method === 'DELETE') return { kind: 'delete', what: `delete ${partition}:` };
  return { kind: 'other', what: `${method} ${url.split('?')[0] ?? ''}` };
}

/** An Action.Execute click as Teams sends it (the shape of test/support/teams-users.ts). */
function click(verb: string, requestId: string, from: { aadObjectId: string; teamsId: string; conversationId: string }, serviceUrl: string): string {
  return JSON.stringify({
    type: 'invoke', name: 'adaptiveCard/action', id: randomUUID(), timestamp: new Date().toISOString(), channelId: 'msteams', serviceUrl,
    from: { id: from.teamsId, name: 'Bench', aadObjectId: from.aadObjectId }, recipient: { id: '28:csp-access-bot', name: 'CSP Access Bot' },
    conversation: { id: from.conversationId, conversationType: 'personal', tenantId: SANDBOX_PARTNER_TENANT_ID },
    channelData: { tenant: { id: SANDBOX_PARTNER_TENANT_ID } }, locale: 'en-US',
    value: { action: { type: 'Action.Execute', id: randomUUID(), verb, data: { requestId } }, trigger: 'manual' },
  });
}

const pause = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

export interface TripCount {
  readonly turn: string;
  /** Requests to the Table service from the turn's arrival to its HTTP answer, per turn. */
  readonly inTurn: number;
  /** And in the second after it (outbox sends and their bookkeeping, jobs the turn started), minus the idle rate. */
  readonly after: number;
  /** One turn's requests, in order (the last turn of the sample). */
  readonly sample: string;
  /** What the last turn answered (a click's card), in a few words: the turn did what it should. */
  readonly answer: string;
}

/**
 * Our bot on Azurite through the counting proxy: `turns` of "help" and of "give" (one at a time, senders rotating),
 * then `turns` Approve clicks (each on a request that sender drafted and confirmed just before); for each, the
 * requests the Table service got. The idle rate (leases, outbox polls) is measured first and subtracted from "after".
 */
export async function countTableRoundTrips(template: TableTemplate, connector: BenchConnector, options: RoundBotOptions, turns: number): Promise<TripCount[]> {
  const azurite = template.shared ?? (await startAzurite({ from: template.folder }));
  const proxy = await startCountingProxy(azurite);
  const bot = await startRoundBot('ours', { ...options, extraEnv: { ...options.extraEnv, ...tableEnv(azurite.connectionString.replace(azurite.tableEndpoint, `${proxy.url}/devstoreaccount1`)) } });
  const trips = proxy.trips;
  const results: TripCount[] = [];
  try {
    await pause(3_000); // start-up jobs (sweeps, resumes) run and settle
    const idleFrom = trips.length;
    await pause(5_000);
    const idlePerSecond = (trips.length - idleFrom) / 5;
    const post = async (body: string): Promise<string> => {
      const response = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      const text = await response.text();
      if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${text.slice(0, 200)}`);
      return text;
    };
    const measure = async (turn: string, send: (i: number) => Promise<string>, before?: (i: number) => Promise<unknown>): Promise<void> => {
      let inTurn = 0;
      let after = 0;
      let sample = '';
      let answer = '';
      for (let i = 0; i < turns; i++) {
        if (before) {
          await before(i);
          await pause(1_000);
        }
        const start = trips.length;
        const body = await send(i);
        const answered = trips.length;
        // A message's answer goes through the connector; a click's comes back as the HTTP body (its card).
        answer = [...(body === '' ? connector.last : body).matchAll(/"text":"([^"]{1,60})/g)].map((m) => m[1]).slice(0, 2).join(' / ');
        await pause(1_000);
        inTurn += answered - start;
        after += trips.length - answered - idlePerSecond;
        sample = trips.slice(start, answered).map((t) => t.what).join(', ');
      }
      results.push({ turn, inTurn: inTurn / turns, after: after / turns, sample, answer });
    };
    const sender = (i: number) => ({ aadObjectId: senderId(i), teamsId: `29:bench-agent-${i % SENDERS}`, conversationId: `a:bench-personal-${i % SENDERS}` });
    for (const name of ['help', 'give'] as MessageName[]) await measure(name, (i) => post(messageActivity(name, 1000 + i, connector.serviceUrl)));
    const [approver] = SANDBOX_APPROVERS;
    if (approver === undefined) throw new Error('no sandbox approver');
    const approving = { aadObjectId: approver, teamsId: '29:bench-approver', conversationId: 'a:bench-approver' };
    const drafted = new Map<number, string>();
    await measure('Approve click', (i) => post(click('approve', drafted.get(i) ?? '', approving, connector.serviceUrl)), async (i) => {
      await post(messageActivity('give', 2000 + i, connector.serviceUrl));
      const requestId = /"verb":"confirm","data":\{[^}]*"requestId":"([^"]+)"/.exec(connector.last)?.[1] ?? /"requestId":"([^"]+)"/.exec(connector.last)?.[1];
      if (requestId === undefined) throw new Error(`no draft card to confirm: ${connector.last.slice(0, 200)}`);
      await post(click('confirm', requestId, sender(2000 + i), connector.serviceUrl));
      drafted.set(i, requestId);
    });
    return results;
  } finally {
    await bot.dispose();
    await proxy.close();
    if (!template.shared) await azurite.stop();
  }
}

export function tripTable(counts: readonly TripCount[], size: number): string[] {
  return counts.map((c) => `| ${thousands(size)} | ${c.turn} | ${fixed(c.inTurn, 1)} | ${fixed(Math.max(0, c.after), 1)} | ${c.sample} | ${c.answer} |`);
}
