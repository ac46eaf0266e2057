// Approve clicks for the benches: the sandbox's people as Teams sends their activities, requests made pending the way
// a sales agent makes them, the sandbox's control route, and clicks sent at a steady rate over a fixed number of connections.
import { randomUUID } from 'node:crypto';
import { Agent, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { performance } from 'node:perf_hooks';
import { SANDBOX_PARTNER_TENANT_ID } from '../../src/config';
import { loadDefaultSeed, type RunningSandbox, type SandboxSeed } from '../../src/sandbox';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { BenchConnector } from './connector';

/** A partner user of the sandbox's seed (src/sandbox/seed.json) as Teams names them. */
export interface ClickUser {
  readonly aadObjectId: string;
  readonly name: string;
  readonly teamsId: string;
  readonly conversationId: string;
}

const person = (n: number, key: string, name: string): ClickUser => ({
  aadObjectId: `5a0e0001-0000-4000-8000-00000000000${n}`,
  name,
  teamsId: `29:bench-${key}`,
  conversationId: `a:bench-personal-${key}`,
});

/** Litware Sales Agents: they ask. */
export const REQUESTERS = [person(1, 'sam', 'Sam Seller'), person(4, 'pat', 'Pat Presales')] as const;
/** APPROVERS of env/.env.local (the sandbox's default approvers): they click Approve, never on a request of their own. */
export const APPROVERS = [person(2, 'ada', 'Ada Approver'), person(3, 'alex', 'Alex Approver')] as const;

const CONTOSO = 'c0000001-0000-4000-8000-000000000001';

/** Contoso user number `i` of `seedWithLoadUsers`: one distinct principal per request, so each gets its own assignment. */
export const loadUser = (i: number) => ({
  id: `c0000001-0000-4000-9000-${String(i).padStart(12, '0')}`,
  upn: `load${i}@contoso.onmicrosoft.com`,
});

/** The sandbox's default seed plus `count` users in Contoso's directory. */
export function seedWithLoadUsers(count: number): SandboxSeed {
  const seed = loadDefaultSeed();
  for (let i = 0; i < count; i++) {
    const { id, upn } = loadUser(i);
    seed.users.push({ id, tenantId: CONTOSO, displayName: `Load User ${i}`, givenName: 'Load', surname: `User ${i}`, userPrincipalName: upn, mail: null, userType: 'Member', jobTitle: null });
  }
  return seed;
}

function base(from: ClickUser, serviceUrl: string) {
  return {
    id: randomUUID(),
    timestamp: new Date().toISOString(),
    channelId: 'msteams',
    serviceUrl,
    from: { id: from.teamsId, name: from.name, aadObjectId: from.aadObjectId },
    recipient: { id: '28:csp-access-bot', name: 'CSP Access Bot' },
    conversation: { id: from.conversationId, conversationType: 'personal', tenantId: SANDBOX_PARTNER_TENANT_ID },
    channelData: { tenant: { id: SANDBOX_PARTNER_TENANT_ID } },
    locale: 'en-US',
  };
}

/** The user adds the bot (so it holds their conversation and can send them cards). */
export const installActivity = (from: ClickUser, serviceUrl: string): string =>
  JSON.stringify({ ...base(from, serviceUrl), type: 'conversationUpdate', membersAdded: [{ id: '28:csp-access-bot' }, { id: from.teamsId, aadObjectId: from.aadObjectId }] });

export const messageActivityFrom = (from: ClickUser, text: string, serviceUrl: string): string => JSON.stringify({ ...base(from, serviceUrl), type: 'message', text });

/** An Action.Execute click as Teams sends it: an `adaptiveCard/action` invoke with the button's verb and data. */
export const clickActivity = (from: ClickUser, verb: string, requestId: string, serviceUrl: string): string =>
  JSON.stringify({ ...base(from, serviceUrl), type: 'invoke', name: 'adaptiveCard/action', value: { action: { type: 'Action.Execute', id: randomUUID(), verb, data: { requestId } }, trigger: 'manual' } });

/** Every `text` of a card (TextBlocks, facts, buttons' titles), joined: what the clicker reads. */
export function cardText(value: unknown): string {
  const texts: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if ((key === 'text' || key === 'title' || key === 'value') && typeof child === 'string') texts.push(child);
        else walk(child);
      }
    }
  };
  walk(value);
  return texts.join(' | ');
}

async function post(url: string, body: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`${url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  return { status: response.status, text: await response.text() };
}

/** Runs `work` over `items`, at most `width` at a time. */
async function inPool<T>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) await work(items[index] as T, index);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
}

/**
 * Makes `count` requests pending approval as the sales agents make them: each asks for Contributor on Contoso's
 * prod subscription for their own load user, then clicks Confirm on the draft. Returns the request ids, the one for
 * load user i at index i. The drafts' ids are read back from the bot's store (read-only, through its ports): the
 * connector keeps only its last send, and the drafts are made several at a time.
 */
export async function makePendingRequests(botUrl: string, serviceUrl: string, storePath: string, count: number): Promise<string[]> {
  const users = Array.from({ length: count }, (_, i) => loadUser(i));
  const requester = (i: number) => REQUESTERS[i % REQUESTERS.length] ?? REQUESTERS[0];
  await inPool(users, 4, async (user, i) => {
    const answer = await post(botUrl, messageActivityFrom(requester(i), `give ${user.upn} Contributor on Contoso's prod subscription`, serviceUrl));
    if (answer.status !== 200) throw new Error(`no draft for ${user.upn}: HTTP ${answer.status}`);
  });
  const store = openSqliteStore(storePath, { readonly: true });
  const byPrincipal = new Map<string, string>();
  try {
    for (const draft of await store.requests.listByState(['draft'])) byPrincipal.set(draft.principal.id, draft.id);
  } finally {
    await store.close();
  }
  const ids = users.map((user) => byPrincipal.get(user.id) ?? '');
  const missing = users.filter((_, i) => ids[i] === '');
  if (missing.length > 0) throw new Error(`no draft for ${missing.length} of ${count} (first: ${missing[0]?.upn ?? ''}): see what the bot answers with a smaller --requests`);
  await inPool(ids, 4, async (id, i) => {
    const answer = await post(botUrl, clickActivity(requester(i), 'confirm', id, serviceUrl));
    if (!answer.text.includes('Waiting for approval')) throw new Error(`Confirm of ${id} did not leave it waiting for approval: ${answer.text.slice(0, 300)}`);
  });
  return ids;
}

/** Users add the bot before anything else, as in a real tenant (the approvers then receive the approval cards). */
export async function installAll(botUrl: string, serviceUrl: string): Promise<void> {
  for (const who of [...REQUESTERS, ...APPROVERS]) {
    const answer = await post(botUrl, installActivity(who, serviceUrl));
    if (answer.status !== 200) throw new Error(`install of ${who.name}: HTTP ${answer.status}`);
  }
}

/** Resolves once the connector has taken no send for `quietMs` (the bot's background sends are done). */
export async function connectorQuiet(connector: BenchConnector, quietMs = 1000, timeoutMs = 300_000): Promise<void> {
  const started = Date.now();
  let seen = connector.accepted;
  let since = Date.now();
  while (Date.now() - since < quietMs) {
    if (Date.now() - started > timeoutMs) throw new Error(`the bot was still sending after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
    if (connector.accepted !== seen) {
      seen = connector.accepted;
      since = Date.now();
    }
  }
}

/** A call to the sandbox's control routes (/_sandbox/…), as a tester or a demo sets a fault: HTTPS, its own certificate. */
export function sandboxControl(sandbox: RunningSandbox, method: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const text = body === undefined ? '' : JSON.stringify(body);
    const req = httpsRequest(`${sandbox.url}${path}`, { method, ca: sandbox.caCertPem, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end(text);
  });
}

/** One click to send: who clicks Approve on which request, and how long after the run's start. */
export interface PlannedClick {
  readonly by: ClickUser;
  readonly requestId: string;
  readonly atMs: number;
  /** The second click of a double click (same person, same request). */
  readonly second: boolean;
}

/**
 * Each request clicked Approve once at `rate` clicks per second, by the approvers in turn; every `doubleEvery`-th
 * request (0: none) clicked a second time by the same person `gapMs` later, as a double click does.
 */
export function planClicks(requestIds: readonly string[], rate: number, doubleEvery: number, gapMs: number): PlannedClick[] {
  const plan: PlannedClick[] = [];
  for (const [n, requestId] of requestIds.entries()) {
    const by = APPROVERS[n % APPROVERS.length] ?? APPROVERS[0];
    const atMs = (n * 1000) / rate;
    plan.push({ by, requestId, atMs, second: false });
    if (doubleEvery > 0 && n % doubleEvery === doubleEvery - 1) plan.push({ by, requestId, atMs: atMs + gapMs, second: true });
  }
  return plan.sort((a, b) => a.atMs - b.atMs);
}

export interface ClickResult {
  readonly click: PlannedClick;
  /** Wall clock when it was sent (ms since epoch): to compare with when ARM made the assignment. */
  readonly sentAt: number;
  /** From the moment it was due (queueing for one of the connections included) to the invoke's whole answer. */
  readonly ms: number;
  /** The system's monotonic clock when it was sent (µs): the clock of a `--cpu-prof` profile, to find the click in it. */
  readonly sentMonotonicUs: number;
  readonly status: number;
  /** What the clicker was shown (the card's texts), or the error. */
  readonly shown: string;
}

/**
 * Sends the plan at its times (open loop: a click goes out when due, whatever the earlier ones are doing) over at
 * most `connections` keep-alive connections, and records each invoke's answer time and what it showed.
 */
export async function sendClicks(botUrl: string, serviceUrl: string, plan: readonly PlannedClick[], connections: number): Promise<ClickResult[]> {
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const url = new URL('/api/messages', botUrl);
  const one = (click: PlannedClick): Promise<ClickResult> =>
    new Promise((resolve) => {
      const body = clickActivity(click.by, 'approve', click.requestId, serviceUrl);
      const sentAt = Date.now();
      const sentMonotonicUs = Number(process.hrtime.bigint() / 1000n);
      const started = performance.now();
      const done = (status: number, shown: string) => resolve({ click, sentAt, sentMonotonicUs, ms: performance.now() - started, status, shown });
      const req = httpRequest(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let shown = text.slice(0, 200);
          try {
            shown = cardText((JSON.parse(text) as { value?: unknown }).value);
          } catch {
            /* not JSON: shown as it came */
          }
          done(res.statusCode ?? 0, shown);
        });
      });
      req.setTimeout(30_000, () => req.destroy(new Error('no answer in 30 s')));
      req.on('error', (error) => done(0, error.message));
      req.end(body);
    });
  const started = performance.now();
  const pending: Promise<ClickResult>[] = [];
  for (const click of plan) {
    const wait = click.atMs - (performance.now() - started);
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    pending.push(one(click));
  }
  const results = await Promise.all(pending);
  agent.destroy();
  return results;
}

/** The p-th percentile (0–100) of `values`, nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] ?? Number.NaN;
}
