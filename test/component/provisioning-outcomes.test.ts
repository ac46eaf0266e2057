// Every ARM outcome of an approved request, as the requester reads it in Teams: driven through the real HTTP endpoint,
// real SDK against the sandbox (with its fault plan), outcome messages captured at the fake connector.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { v5 as uuidv5 } from 'uuid';
import { loadConfig } from '../../src/config';
import { requestId as asRequestId } from '../../src/domain/ids';
import { en } from '../../src/i18n/en';
import { fr } from '../../src/i18n/fr';
import { startBot, type RunningBot } from '../../src/main';
import { startSandbox, type FaultSpec, type RunningSandbox } from '../../src/sandbox';
import { ASSIGNMENT_NAMESPACE } from '../../src/services/intake';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { clockMovedUntil, fakeTimeouts, until } from '../support/fake-time';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, sandboxBotEnv, SAM } from '../support/teams-users';

const PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE = 'c0000001-0000-4000-8000-0000000000a1';
const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const MINUTE = 60_000;

interface World {
  bot: RunningBot;
  sandbox: RunningSandbox;
  connector: FakeConnector;
  clock: { at: number; now(): Date };
  sleeps: number[];
  /** POSTs an activity to the bot's real endpoint. */
  post(activity: object): Promise<{ status: number }>;
  stop(): Promise<void>;
}

/** Sandbox (its fault clock is the bot's clock), fake connector and the real bot, with waits that move the clock. */
async function startWorld(): Promise<World> {
  const clock = { at: Date.parse('2026-11-25T09:00:00Z'), now: () => new Date(clock.at) };
  const sleeps: number[] = [];
  const sandbox = await startSandbox({ port: 0, faultClock: () => clock.at });
  const connector = await startFakeConnector();
  const dir = mkdtempSync(join(tmpdir(), 'csp-provisioning-'));
  const config = loadConfig(sandboxBotEnv(sandbox, join(dir, 'bot.db')));
  const bot = await startBot(config, {
    tlsCa: sandbox.caCertPem,
    clock,
    logger: pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
    retryOptions: { maxRetries: 3, retryDelayInMs: 10, maxRetryDelayInMs: 50 },
    sleep: async (ms) => {
      sleeps.push(ms);
      clock.at += ms;
      await new Promise((resolve) => setImmediate(resolve));
    },
  });
  return {
    bot, sandbox, connector, clock, sleeps,
    async post(activity) {
      const response = await fetch(`${bot.url}/api/messages`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
      await response.text();
      return { status: response.status };
    },
    async stop() {
      await bot.stop();
      await connector.stop();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

describe('provisioning outcomes, as the requester reads them', () => {
  let w: World;
  const opts = () => ({ serviceUrl: w.connector.serviceUrl });
  const textsTo = (who: typeof SAM) => w.connector.to(who.conversationId).filter((a) => a.method === 'POST').map((a) => a.body.text ?? '').filter(Boolean);
  const puts = () => w.sandbox.requests.filter((r) => r.method === 'PUT' && r.path.includes('/roleAssignments/'));

  /** Sam asks for Contributor for Alice on Contoso prod and confirms; returns the request id. */
  async function samAsksAndConfirms(text = "give Alice Contributor on Contoso's prod subscription", locale = 'en-US'): Promise<string> {
    await w.bot.idle();
    await w.post(messageFrom(SAM, text, { ...opts(), locale }));
    const card = w.connector.to(SAM.conversationId).at(-1)?.body.attachments?.[0]?.content as { actions?: { verb?: string; data?: { requestId?: unknown } }[] } | undefined;
    const requestId = card?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error('no confirmation card');
    expect((await w.post(actionFrom(SAM, 'confirm', { requestId }, { ...opts(), locale }))).status).toBe(200);
    return requestId;
  }

  async function adaApproves(requestId: string): Promise<void> {
    expect((await w.post(actionFrom(ADA, 'approve', { requestId }, opts()))).status).toBe(200);
    await w.bot.idle();
  }

  beforeEach(async () => {
    w = await startWorld();
    for (const who of [ADA, ALEX, SAM]) expect((await w.post(installFrom(who, opts()))).status).toBe(200);
  });
  afterEach(() => w.stop());

  const addFault = (fault: FaultSpec) => w.sandbox.faults.add(fault);

  it('when ARM throttles twice (429, Retry-After) and errs once (500), then the role is granted once and Sam reads "Done"', async () => {
    addFault({ operation: 'roleAssignments.create', kind: 'throttle', retryAfterSeconds: 0.05, times: 2 });
    addFault({ operation: 'roleAssignments.create', kind: 'serverError' });
    const requestId = await samAsksAndConfirms();
    await adaApproves(requestId);
    expect(textsTo(SAM).some((t) => t.includes('Done: Alice Martin now has Contributor on Contoso Production'))).toBe(true);
    expect(puts().map((r) => r.status)).toEqual([429, 429, 500, 201]);
    expect(w.sandbox.state.roleAssignments.filter((a) => a.name === uuidv5(requestId, ASSIGNMENT_NAMESPACE))).toHaveLength(1);
  });

  it('when ARM never answers the PUT, then each attempt is given up at the 60 s deadline, and Sam reads that the role could not be given because ARM did not answer', async () => {
    addFault({ operation: 'roleAssignments.create', kind: 'hang', times: 100 });
    const requestId = await samAsksAndConfirms();
    await w.bot.idle();
    fakeTimeouts();
    try {
      expect((await w.post(actionFrom(ADA, 'approve', { requestId }, opts()))).status).toBe(200);
      await until('the PUT reaches ARM', () => puts().length === 1);
      const failed = `I could not give Alice Martin Contributor on Contoso Production: ${en.failureReason.ArmUnavailable}`;
      const moved = await clockMovedUntil('Sam is told', () => textsTo(SAM).some((t) => t.includes(failed)), { stepInMs: 1000, limitInMs: 10 * MINUTE });
      // 1 + maxRetries (3) attempts, each held to its full minute: never stuck in "provisioning".
      expect(moved).toBeGreaterThanOrEqual(4 * MINUTE);
      expect(puts()).toHaveLength(4);
      expect(await w.bot.store.requests.get(asRequestId(requestId))).toMatchObject({ state: 'failed', outcome: { code: 'ArmUnavailable', reason: expect.stringContaining('timed out: no answer within 60000 ms') } });
    } finally {
      jest.useRealTimers();
    }
  });

  it('when Alice already has Contributor there (409 RoleAssignmentExists), then Sam reads that she already had it, and the existing id is kept', async () => {
    w.sandbox.state.roleAssignments.push({
      name: 'e0e0e0e0-0000-4000-8000-000000000001', scope: PROD, roleDefinitionName: CONTRIBUTOR, principalId: ALICE, principalType: 'User',
      description: null, createdOn: '2026-01-01T00:00:00.0000000Z', updatedOn: '2026-01-01T00:00:00.0000000Z', createdBy: null, updatedBy: null,
    });
    const requestId = await samAsksAndConfirms();
    await adaApproves(requestId);
    expect(textsTo(SAM).some((t) => t.includes('Alice Martin already had Contributor on Contoso Production; nothing needed changing.'))).toBe(true);
    expect((await w.bot.store.requests.get(asRequestId(requestId)))).toMatchObject({ state: 'active', outcome: { kind: 'already_existed', assignmentId: `${PROD}/providers/Microsoft.Authorization/roleAssignments/e0e0e0e0-0000-4000-8000-000000000001` } });
  });

  it('when ARM refuses with 403 AuthorizationFailed, then it fails at once and Sam reads that the bot lacks the rights and what to do', async () => {
    addFault({ operation: 'roleAssignments.create', kind: 'forbidden', times: 10 });
    const requestId = await samAsksAndConfirms();
    await adaApproves(requestId);
    expect(textsTo(SAM).some((t) => t.includes(`I could not give Alice Martin Contributor on Contoso Production: ${en.failureReason.AuthorizationFailed}`))).toBe(true);
    expect(puts()).toHaveLength(1);
  });

  it('when Alice never replicates, then the PUT is retried for the 10-minute window and Sam reads a plain PrincipalNotFound reason', async () => {
    addFault({ operation: 'roleAssignments.create', kind: 'principalNotFound', forSeconds: 3600 });
    const requestId = await samAsksAndConfirms();
    await adaApproves(requestId);
    expect(textsTo(SAM).some((t) => t.includes(en.failureReason.PrincipalNotFound))).toBe(true);
    expect(w.sleeps.reduce((a, b) => a + b, 0)).toBe(10 * MINUTE);
    expect(puts().length).toBe(w.sleeps.length + 1);
  });

  it('when Alice replicates after 90 s (PrincipalNotFound meanwhile), then she gets the role and Sam reads "Done"', async () => {
    addFault({ operation: 'roleAssignments.create', kind: 'principalNotFound', forSeconds: 90 });
    const requestId = await samAsksAndConfirms();
    await adaApproves(requestId);
    expect(textsTo(SAM).some((t) => t.includes('Done: Alice Martin now has Contributor on Contoso Production'))).toBe(true);
    expect(w.sandbox.state.findAssignment(PROD, uuidv5(requestId, ASSIGNMENT_NAMESPACE))).toBeDefined();
  });

  it('when the subscription is at its role-assignment limit, then Sam reads that limit as the reason', async () => {
    addFault({ operation: 'roleAssignments.create', kind: 'roleAssignmentLimitExceeded' });
    const requestId = await samAsksAndConfirms();
    await adaApproves(requestId);
    expect(textsTo(SAM).some((t) => t.includes(en.failureReason.RoleAssignmentLimitExceeded))).toBe(true);
  });

  it('when another assignment holds the request\'s name (RoleAssignmentUpdateNotPermitted), then it fails without retry and Azure is left as it was', async () => {
    const requestId = await samAsksAndConfirms();
    const name = uuidv5(requestId, ASSIGNMENT_NAMESPACE);
    w.sandbox.state.roleAssignments.push({
      name, scope: PROD, roleDefinitionName: READER, principalId: ALICE, principalType: 'User',
      description: null, createdOn: '2026-01-01T00:00:00.0000000Z', updatedOn: '2026-01-01T00:00:00.0000000Z', createdBy: null, updatedBy: null,
    });
    await adaApproves(requestId);
    expect(textsTo(SAM).some((t) => t.startsWith('Azure access request — Failed. I could not give Alice Martin Contributor on Contoso Production:'))).toBe(true);
    expect((await w.bot.store.requests.get(asRequestId(requestId)))).toMatchObject({ state: 'failed', outcome: { code: 'RoleAssignmentUpdateNotPermitted' } });
    expect(puts()).toHaveLength(1);
    expect(w.sandbox.state.findAssignment(PROD, name)?.roleDefinitionName).toBe(READER);
  });

  it('when the request is French and ARM refuses (403), then Sam reads the reason in French', async () => {
    addFault({ operation: 'roleAssignments.create', kind: 'forbidden' });
    const requestId = await samAsksAndConfirms("donne à Alice le rôle Contributeur sur l'abonnement prod de Contoso", 'fr-FR');
    await adaApproves(requestId);
    expect(textsTo(SAM).some((t) => t.includes(fr.failureReason.AuthorizationFailed))).toBe(true);
  });

  it('when access is time-bound, then Sam is reminded an hour before the end, and at the end the assignment is removed and Sam told', async () => {
    const requestId = await samAsksAndConfirms();
    // The intake will set expiresAt from "for 8 hours"; until it does, the test sets it on the stored request.
    const stored = (await w.bot.store.requests.get(asRequestId(requestId)));
    if (!stored) throw new Error('no request');
    const timeBound = { ...stored, version: stored.version + 1, expiresAt: new Date(w.clock.at + 8 * 60 * MINUTE).toISOString() };
    expect(await w.bot.store.changes.record({ request: timeBound, audit: { requestId: stored.id, event: 'test_set_end', actor: 'test', at: stored.updatedAt } })).toBe(true);
    await adaApproves(requestId);
    const name = uuidv5(requestId, ASSIGNMENT_NAMESPACE);
    expect(w.sandbox.state.findAssignment(PROD, name)).toBeDefined();

    w.clock.at += 7 * 60 * MINUTE;
    await w.bot.expiry.sweep();
    await w.bot.idle();
    expect(textsTo(SAM).some((t) => t.startsWith("Reminder: Alice Martin's Contributor role on Contoso Production ends on Wednesday, 25 November 2026 at 17:00 (UTC)."))).toBe(true);

    w.clock.at += 60 * MINUTE;
    await w.bot.expiry.sweep();
    await w.bot.idle();
    expect(w.sandbox.state.findAssignment(PROD, name)).toBeUndefined();
    expect((await w.bot.store.requests.get(asRequestId(requestId)))?.state).toBe('expired');
    expect(textsTo(SAM).some((t) => t.includes('The time is up: I removed Contributor from Alice Martin on Contoso Production.'))).toBe(true);
  });
});
