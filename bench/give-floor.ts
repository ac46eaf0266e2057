// Benchmark: what the work a "give" turn cannot skip costs by itself, outside any server: reading the message,
// resolving customer, subscription, user and role (warm caches, as in the throughput bench), storing the draft with
// its audit entry and its card row (the real SQLite store), and building the card and the reply's JSON. Their sum
// against the budget the throughput target leaves beyond the echo bot's turn (issue 13: give ≥ 0.75× the echo's
// throughput, so at most 1/0.75 − 1 = 0.33 of the echo's CPU per turn more).
// Run: npm run bench:give-floor [-- --turns=3000 --rounds=3 --echo-ms=1.39]
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CardFactory } from 'botbuilder';
import { parseMessage } from '../src/domain/parse-request';
import { DirectoryCache } from '../src/services/directory-cache';
import { RequestResolver } from '../src/services/resolution';
import { openSqliteStore } from '../src/store/sqlite-store';
import { accessRequestCard, warmCards } from '../src/teams/cards';
import { gateways, generate } from './directory';
import { draft } from './lib/drafts';
import { describeMachine, loadNow } from './lib/machine';
import { fixed, median, numberOption, range } from './lib/stats';

const argv = process.argv.slice(2);
const TURNS = numberOption(argv, 'turns', 3000);
const ROUNDS = numberOption(argv, 'rounds', 3);
/** The echo bot's CPU per turn, from `bench:throughput` on the same machine (its "echo CPU ms/turn" column). */
const ECHO_MS = numberOption(argv, 'echo-ms', 1.39);
/** Turns in the store at once (the throughput bench's connections). */
const IN_FLIGHT = numberOption(argv, 'in-flight', 10);

/**
 * CPU ms per call of `step` over `turns` calls, after a tenth as many to warm up; `inFlight` calls at a time, as the
 * throughput bench's 10 connections keep 10 turns in the bot (writes of turns that meet share a commit).
 */
async function cpuPerCall(turns: number, step: (i: number) => unknown, inFlight = 1): Promise<number> {
  const drive = async (from: number, count: number): Promise<void> => {
    let next = from;
    await Promise.all(Array.from({ length: inFlight }, async () => {
      while (next < from + count) await step(next++);
    }));
  };
  await drive(0, Math.ceil(turns / 10));
  const start = process.cpuUsage();
  await drive(turns, turns);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / turns;
}

type Piece = 'read the message' | 'resolve' | 'store the draft and its card row' | 'card and reply JSON';
const PIECES: readonly Piece[] = ['read the message', 'resolve', 'store the draft and its card row', 'card and reply JSON'];

async function round(): Promise<Map<Piece, number>> {
  const results = new Map<Piece, number>();
  // A partner of the sandbox's size (a handful of customers), as the throughput bench's bot resolves against.
  const directory = generate(50);
  const customer = directory.customers[0];
  const user = customer ? directory.users.get(customer.id)?.[0] : undefined;
  if (!customer || !user) throw new Error('the generated directory has no customer with users');
  const text = `give ${user.userPrincipalName} Contributor on ${customer.companyName} Production`;

  results.set('read the message', await cpuPerCall(TURNS, () => parseMessage(text)));

  const resolver = new RequestResolver(new DirectoryCache({ ...gateways(directory), clock: { now: () => new Date() } }));
  results.set('resolve', await cpuPerCall(TURNS, async () => {
    const parsed = parseMessage(text);
    if (parsed.kind !== 'grant') throw new Error(`not read as a grant: ${parsed.kind}`);
    const target = await resolver.resolveTarget(parsed);
    if (!target.ok) throw new Error('target not resolved');
    const [found, role] = await Promise.all([resolver.resolveUser(parsed, parsed.principal, target.value), resolver.resolveRole(parsed, parsed.role, target.value)]);
    if (!found.ok || !role.ok) throw new Error('user or role not resolved');
  }) - (results.get('read the message') ?? 0));

  const dir = mkdtempSync(join(tmpdir(), 'csp-bench-floor-'));
  const store = openSqliteStore(join(dir, 'store.db'));
  try {
    results.set('store the draft and its card row', await cpuPerCall(TURNS, async (i) => {
      const request = draft(i % 400);
      await store.changes.record({ request, audit: { requestId: request.id, event: 'drafted', actor: request.requester.id, at: request.createdAt, detail: { text } } });
      await store.cards.add({ requestId: request.id, userId: request.requester.id, conversationId: `c-${i % 400}`, activityId: `a-${i}`, role: 'requester' });
    }, IN_FLIGHT));
  } finally {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }

  warmCards();
  const request = draft(1);
  const refresh = [request.requester.id, 'approver-1', 'approver-2'];
  results.set('card and reply JSON', await cpuPerCall(TURNS, () => JSON.stringify({
    type: 'message',
    attachments: [CardFactory.adaptiveCard(accessRequestCard(request, { userId: request.requester.id, isApprover: false, locale: 'en' }, refresh))],
  })));
  return results;
}

async function main(): Promise<void> {
  console.log(`give-floor: ${describeMachine()}`);
  console.log(`${TURNS} calls per piece and round (the store's ${IN_FLIGHT} at a time), ${ROUNDS} rounds; budget beyond the echo's ${ECHO_MS} ms turn for 0.75×: ${fixed(ECHO_MS / 0.75 - ECHO_MS, 3)} ms`);
  const rounds: Map<Piece, number>[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    rounds.push(await round());
    console.log(`  round ${r + 1}: ${PIECES.map((piece) => `${piece} ${fixed(rounds[r]?.get(piece) ?? NaN, 3)}`).join(' · ')} ms (load ${loadNow()})`);
  }
  console.log('\n| piece | CPU ms per turn, median (range) |\n|---|---:|');
  let sum = 0;
  for (const piece of PIECES) {
    const values = rounds.map((r) => r.get(piece) ?? NaN);
    const [low, high] = range(values);
    sum += median(values);
    console.log(`| ${piece} | ${fixed(median(values), 3)} (${fixed(low, 3)}–${fixed(high, 3)}) |`);
  }
  const budget = ECHO_MS / 0.75 - ECHO_MS;
  console.log(`| **sum** | **${fixed(sum, 3)}** |\n| budget for 0.75× (echo ${ECHO_MS} ms) | ${fixed(budget, 3)} |`);
  console.log(`\nThe pieces alone cost ${fixed(sum / budget)}× the budget; at best (nothing else beyond the echo's turn) give would reach ${fixed(ECHO_MS / (ECHO_MS + sum))}× the echo's throughput.`);
  console.log(`Ended ${describeMachine()}`);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
