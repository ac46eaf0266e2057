// Two bot instances on one Table store (Azurite), as Azure Bot Service spreads clicks over them: many requests, each
// approved on both instances at once by both approvers, with both instances' timers running → one decision, one
// audit entry and one ARM assignment per request, and every message sent once.
import pino from 'pino';
import { loadConfig } from '../../src/config';
import type { AccessRequest } from '../../src/domain/access-request';
import { requestId as asRequestId } from '../../src/domain/ids';
import { startBot, type RunningBot } from '../../src/main';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { seedWithUsers } from '../services/provisioning-support';
import { startAzurite, type Azurite } from '../support/azurite';
import { TestClock } from '../support/bot-harness';
import { cardOf, cardText, startFakeConnector, type CardJson, type FakeConnector } from '../support/fake-connector';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, sandboxBotEnv, SAM, type TeamsUser } from '../support/teams-users';

/** How many requests are raced (each clicked four times); at least 50. TWO_INSTANCE_REQUESTS overrides it. */
const REQUESTS = Number(process.env.TWO_INSTANCE_REQUESTS ?? 60);

jest.setTimeout(600_000);

/** Runs `work` over `items`, at most `width` at a time. */
async function inPool<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const lane = async (): Promise<void> => {
    for (let index = next++; index < items.length; index = next++) results[index] = await work(items[index] as T, index);
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  return results;
}

describe('two bot instances on one Table store', () => {
  let azurite: Azurite;
  let sandbox: RunningSandbox;
  let connector: FakeConnector;
  const clock = new TestClock();
  let bots: RunningBot[] = [];

  beforeAll(async () => {
    azurite = await startAzurite();
    sandbox = await startSandbox({ port: 0, seed: seedWithUsers(REQUESTS) });
    connector = await startFakeConnector();
    const config = loadConfig({
      ...sandboxBotEnv(sandbox, ''),
      STORE: `azure-table:${azurite.connectionString}`,
      // The delegated model keeps its refresh token in Key Vault with a Table store; the app model needs none.
      ACCESS_MODEL: 'app',
      RATE_LIMIT: '1000000/1m',
      // Timers as often as the settings allow: the approval sweep every 6 s, the relationship round every second.
      APPROVAL_TTL: '1m',
      RELATIONSHIP_POLL_INTERVAL: '1s',
    });
    const start = () => startBot(config, { tlsCa: sandbox.caCertPem, clock, logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }) });
    bots = [await start(), await start()];
  });
  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    await connector?.stop();
    await sandbox?.stop();
    await azurite?.stop();
  });

  const opts = () => ({ serviceUrl: connector.serviceUrl });
  const on = (n: number): RunningBot => bots[n % 2] ?? bots[0] ?? (() => { throw new Error('no bot'); })();
  const post = async (bot: RunningBot, activity: object): Promise<CardJson | undefined> => {
    const response = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${response.status}: ${text}`);
    const body = text ? (JSON.parse(text) as { value?: unknown }) : undefined;
    return typeof body?.value === 'object' ? (body.value as CardJson) : undefined;
  };
  const posts = (who: TeamsUser) => connector.to(who.conversationId).filter((a) => a.method === 'POST');
  /** Both instances have nothing in flight and nothing is left to send. */
  const settled = async (): Promise<void> => {
    for (let round = 0; ; round++) {
      for (const bot of bots) await bot.idle();
      if ((await on(0).store.outbox.pending(1)).length === 0) return;
      if (round > 600) throw new Error('the outbox never emptied');
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  };

  it(`when ${REQUESTS} requests are approved on both instances at once, twice each, with timers running on both, then each is decided, assigned and told once`, async () => {
    // Arrange: the approvers and Sam reach the bot; Sam asks for one Contributor per person through one instance
    // and confirms each through either.
    const started = Date.now();
    for (const who of [ADA, ALEX, SAM]) await post(on(0), installFrom(who, opts()));
    await inPool(Array.from({ length: REQUESTS }, (_, i) => i), 4, (i) => post(on(0), messageFrom(SAM, `give load${i}@contoso.onmicrosoft.com Contributor on Contoso's prod subscription`, opts())));
    const ids = [...new Set(posts(SAM).map((a) => cardOf(a)?.actions?.find((action) => action.verb === 'confirm')?.data?.requestId).filter((id): id is string => typeof id === 'string'))];
    expect(ids).toHaveLength(REQUESTS);
    await inPool(ids, 4, (id, n) => post(on(n), actionFrom(SAM, 'confirm', { requestId: id }, opts())));
    await settled();
    const created = Date.now();

    // Act: every request clicked Approve by Ada and by Alex on each instance at the same moment, eight requests at a
    // time, while both instances' periodic jobs are made to run over and over.
    let racing = true;
    const timers = (async () => {
      while (racing) {
        await Promise.all(bots.flatMap((bot) => [bot.expiry.sweep(), bot.relationships.pollNow(), bot.approval.expireOverdue()]));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    const answers = await inPool(ids, 8, (id) => Promise.all([ADA, ALEX].flatMap((who) => [0, 1].map((n) => post(on(n), actionFrom(who, 'approve', { requestId: id }, opts()))))));
    racing = false;
    await timers;
    await settled();
    const raced = Date.now();

    // Assert: per request, one decision (every click answered with it; the other approver told it was decided), one
    // of each state change in the audit trail, one assignment under the request's name, Sam told once, each approver
    // asked once.
    const requests = await Promise.all(ids.map(async (id) => on(0).store.requests.get(asRequestId(id))));
    const byId = new Map(requests.filter((r): r is AccessRequest => r !== undefined).map((r) => [r.id as string, r]));
    const samTexts = posts(SAM).map((a) => a.body.text ?? '');
    const approvalCards = (who: TeamsUser, id: string) => posts(who).filter((a) => cardOf(a)?.actions?.some((action) => action.verb === 'approve' && action.data?.requestId === id)).length;
    const problems: string[] = [];
    let transitions = 0;
    for (const [n, id] of ids.entries()) {
      const request = byId.get(id);
      if (!request) {
        problems.push(`${id}: not stored`);
        continue;
      }
      const audit = await on(n).store.audit.list(id);
      const count = (event: string) => audit.filter((entry) => entry.event === event).length;
      transitions += count('approved');
      // The clicks' answers, in the order sent: Ada on each instance, then Alex on each.
      const shown = (answers[n] ?? []).map((card) => cardText(card));
      const winner = request.approvals[0]?.by.name ?? '';
      const otherApprover = shown.slice(winner === ADA.name ? 2 : 0, winner === ADA.name ? 4 : 2);
      const outcome = {
        state: request.state,
        approvals: request.approvals.length,
        approved: count('approved'),
        started: count('provisioning_started'),
        provisioned: count('provisioned'),
        answersNameTheOneApprover: shown.filter((text) => text.includes(`Approvals: 1 of 1 — ${winner}`)).length,
        // "Already decided: <the state it is in by then> by <winner>."
        otherApproverToldItWasDecided: otherApprover.filter((text) => text.includes('Already decided: ') && text.includes(` by ${winner}.`)).length,
        assignments: sandbox.state.roleAssignments.filter((a) => a.name === request.assignmentName).length,
        doneMessages: samTexts.filter((text) => text.includes(`Done: ${request.principal.displayName} now has Contributor on Contoso Production.`)).length,
        askedAda: approvalCards(ADA, id),
        askedAlex: approvalCards(ALEX, id),
      };
      const expected = { state: 'active', approvals: 1, approved: 1, started: 1, provisioned: 1, answersNameTheOneApprover: 4, otherApproverToldItWasDecided: 2, assignments: 1, doneMessages: 1, askedAda: 1, askedAlex: 1 };
      if (JSON.stringify(outcome) !== JSON.stringify(expected)) problems.push(`${request.principal.displayName}: ${JSON.stringify(outcome)}`);
    }
    expect(problems).toEqual([]);
    expect(transitions).toBe(REQUESTS);
    expect(await on(1).store.audit.verify()).toEqual(expect.objectContaining({ ok: true }));
    console.log(`two instances, one Azurite store: ${REQUESTS} requests created and confirmed in ${created - started} ms; ${REQUESTS * 4} Approve clicks raced and settled in ${raced - created} ms; ${transitions} approvals, ${sandbox.state.roleAssignments.filter((a) => ids.some((id) => byId.get(id)?.assignmentName === a.name)).length} assignments, ${samTexts.filter((t) => t.includes('Done: ')).length} "Done" messages to Sam`);
  });
});
