// RelationshipWatcher with the real Partner Center, Graph and ARM gateways against the sandbox (tokens from its Entra,
// as the partner service account) and a real SQLite store: it backs off after failures, keeps away from a service for
// as long as its 429 asks, and still resumes once the customer is ready (readiness, not a flag).
import { createHttpHeaders } from '@azure/core-rest-pipeline';
import type { AccessRequest } from '../../src/domain/access-request';
import { subscriptionId, tenantId, type TenantId } from '../../src/domain/ids';
import { createGateways } from '../../src/gateways';
import { GraphGdapGateway } from '../../src/gateways/gdap-gateway';
import { retryAfterInMs } from '../../src/gateways/rest-pipeline';
import { loadPolicy } from '../../src/policy/load-policy';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import type { FaultSpec } from '../../src/sandbox/faults';
import { acceptRelationship } from '../../src/sandbox/relationship-page';
import { AccessControl } from '../../src/services/access-control';
import { ApprovalService } from '../../src/services/approval';
import { GdapCompletion } from '../../src/services/gdap-completion';
import { ReadinessService } from '../../src/services/readiness';
import { DEFAULT_GDAP_ROLES, RelationshipService } from '../../src/services/relationships';
import type { RelationshipNotifier } from '../../src/services/relationships-ports';
import { RelationshipWatcher } from '../../src/services/relationships-watcher';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { Store } from '../../src/store/ports';
import { sendingChanges } from '../support/sending-changes';
import { makeRequest, tempStorePath } from '../store/store-fixtures';
import { sandboxUserCredential } from '../support/sandbox-tokens';

const NORTHWIND = tenantId('c0000004-0000-4000-8000-000000000004');
const TAILSPIN = tenantId('c0000005-0000-4000-8000-000000000005');
const SANDBOX_PARTNER_TENANT_ID = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const SECOND = 1_000;
const DAY = 86_400_000;
/** The watcher's settings in these tests: check every 10 s, back off up to 80 s (so the cap shows after 3 failures). */
const POLL_INTERVAL = 10 * SECOND;
const MAX_POLL_INTERVAL = 80 * SECOND;

class TestClock {
  at = Date.parse('2026-11-25T09:00:00Z');
  now = (): Date => new Date(this.at);
  advance(ms: number): void {
    this.at += ms;
  }
}

interface World {
  readonly clock: TestClock;
  readonly sandbox: RunningSandbox;
  readonly store: Store;
  readonly watcher: RelationshipWatcher;
  readonly gdap: GraphGdapGateway;
  /** What the watcher reported through onError, in order. */
  readonly errors: unknown[];
  /** Requests shown to approvers, and requesters told "accepted". */
  readonly approvalsRequested: AccessRequest[];
  readonly acceptedTold: AccessRequest[];
  stop(): Promise<void>;
}

async function startWorld(): Promise<World> {
  const clock = new TestClock();
  // The sandbox's fault plan runs on the test clock, so "an outage of 5 minutes" is 5 minutes of that clock.
  const sandbox = await startSandbox({ port: 0, now: () => clock.at });
  const file = tempStorePath();
  const store = openSqliteStore(file.path);
  const credential = sandboxUserCredential(sandbox);
  // No pipeline retries: each check the watcher makes is exactly one request, so what is measured is the watcher's own
  // backoff (in production the pipeline first retries within a check, then the watcher backs off between checks).
  const retryOptions = { maxRetries: 0 };
  const gateways = createGateways({
    armEndpoint: sandbox.url, graphEndpoint: sandbox.url, partnerCenterEndpoint: sandbox.url,
    credential, partnerTenantId: SANDBOX_PARTNER_TENANT_ID, tlsCa: sandbox.caCertPem, retryOptions,
  });
  const gdap = new GraphGdapGateway({ endpoint: sandbox.url, credential, partnerTenantId: SANDBOX_PARTNER_TENANT_ID, tlsCa: sandbox.caCertPem, retryOptions });
  const approvalsRequested: AccessRequest[] = [];
  const acceptedTold: AccessRequest[] = [];
  const errors: unknown[] = [];
  // The Teams side, recorded (the cloud side is real).
  const notifier = {
    approvalRequested: async (r: AccessRequest) => void approvalsRequested.push(r),
    approvalForApprover: async () => undefined,
    requestChanged: async () => undefined,
    expiryReminder: async () => undefined,
  };
  const relationshipNotifier: RelationshipNotifier = {
    invitationReady: async () => undefined,
    invitationFailed: async () => undefined,
    reminder: async () => undefined,
    accepted: async (r) => void acceptedTold.push(r),
    waiting: async () => undefined,
  };
  const access = new AccessControl({ policy: loadPolicy(undefined), approvers: [], directory: gateways.directory, partnerTenantId: SANDBOX_PARTNER_TENANT_ID, clock });
  const { changes, sender } = sendingChanges(store, notifier, relationshipNotifier);
  const approval = new ApprovalService({ requests: store.requests, changes, clock, access, approvalTtlInMs: 7 * DAY, onApproved: () => undefined });
  const onError = (error: unknown) => void errors.push(error);
  const readiness = new ReadinessService({ model: 'delegated', ...gateways, gdap, securityGroupIds: [AZURE_MANAGERS], appId: sandbox.partnerApp.clientId, authorityHost: sandbox.authorityHost, clock });
  const completion = new GdapCompletion({ gdap, securityGroupIds: [AZURE_MANAGERS], roleDefinitionIds: DEFAULT_GDAP_ROLES, changes, clock });
  const relationships = new RelationshipService({ mode: 'gdap', partnerCenter: gateways.partnerCenter, gdap, readiness, directory: gateways.directory, stored: store.requests, changes, clock, requests: approval, onError });
  const watcher = new RelationshipWatcher(
    { store: store.requests, clock, readiness, completion, relationships, requests: approval, onError },
    { pollIntervalInMs: POLL_INTERVAL, maxPollIntervalInMs: MAX_POLL_INTERVAL, reminderAfterInMs: 3 * DAY, expiresAfterInMs: 14 * DAY },
  );
  return {
    clock, sandbox, store, watcher, gdap, errors, approvalsRequested, acceptedTold,
    async stop() {
      await watcher.stop();
      await sender.stop();
      await store.close();
      await sandbox.stop();
      file.cleanup();
    },
  };
}

let counter = 0;
/** A confirmed request waiting for `customer` to accept the partner's relationship request, as the store holds it. */
async function waitingRequest(w: World, customer: { tenantId: TenantId; name: string }, relationshipId?: string): Promise<AccessRequest> {
  counter += 1;
  const at = w.clock.now().toISOString();
  const request = makeRequest(`9a000000-0000-4000-8000-${String(counter).padStart(12, '0')}`, {
    version: 1,
    state: 'awaiting_relationship',
    customer,
    // The customer's own subscription (its first Azure plan entitlement in the seed).
    subscription: { id: subscriptionId(`${customer.tenantId.slice(0, 8)}-5b50-4000-8000-000000000001`), name: `${customer.name} main` },
    relationship: { mode: relationshipId ? 'gdap' : 'reseller', url: `${w.sandbox.url}/_sandbox/relationship/partner`, since: at, ...(relationshipId ? { relationshipId } : {}) },
    createdAt: at,
    updatedAt: at,
  });
  await w.store.changes.record({ request, audit: { requestId: request.id, event: 'seeded', actor: 'test', at } });
  return request;
}

type Asked = { readonly at: number; readonly path: string; readonly status: number | undefined };

/**
 * Polls now and then every `stepMs` until `forMs` have passed on the test clock; returns the requests the sandbox
 * received whose path matches, with when they came (ms after the first poll) and what they were answered.
 */
async function pollAlong(w: World, stepMs: number, forMs: number, paths: RegExp): Promise<Asked[]> {
  const start = w.clock.at;
  const asked: Asked[] = [];
  for (let t = 0; t <= forMs; t += stepMs) {
    const before = w.sandbox.requests.length;
    await w.watcher.pollNow();
    for (const r of w.sandbox.requests.slice(before)) if (r.method === 'GET' && paths.test(r.path)) asked.push({ at: w.clock.at - start, path: r.path, status: r.status });
    w.clock.advance(stepMs);
  }
  return asked;
}

const customerPath = (customer: TenantId) => new RegExp(`^/v1/customers/${customer}$`, 'i');
const ANY_CUSTOMER = /^\/v1\/customers\/[^/]+$/i;
const seconds = (asked: readonly Asked[]) => asked.map((a) => a.at / SECOND);
const statuses = (asked: readonly Asked[]) => asked.map((a) => a.status);
const onCustomers = (fault: Omit<FaultSpec, 'operation'>): FaultSpec => ({ operation: 'partnerCenter.customers', ...fault });

describe('RelationshipWatcher against the sandbox (real gateways, real store)', () => {
  let w: World;
  beforeEach(async () => {
    w = await startWorld();
  });
  afterEach(() => w.stop());

  it('when Partner Center answers 503, 503, 500, 500, then each next check waits twice as long, up to the cap, and a success brings back the interval', async () => {
    // Arrange
    const request = await waitingRequest(w, { tenantId: NORTHWIND, name: 'Northwind Traders' });
    w.sandbox.faults.add(onCustomers({ kind: 'unavailable', times: 2 }));
    w.sandbox.faults.add(onCustomers({ kind: 'serverError', times: 2 }));

    // Act: poll every 5 s for 260 s
    const asked = await pollAlong(w, 5 * SECOND, 260 * SECOND, customerPath(NORTHWIND));

    // Assert: waits of 20, 40, 80 (the cap, not 160) and 80 s after the failures; then every 10 s again
    expect(seconds(asked)).toEqual([0, 20, 60, 140, 220, 230, 240, 250, 260]);
    expect(statuses(asked)).toEqual([503, 503, 500, 500, 200, 200, 200, 200, 200]);
    expect(w.errors).toHaveLength(4);
    expect(w.errors.map((e) => (e as { statusCode?: number }).statusCode)).toEqual([503, 503, 500, 500]);
    expect((await w.store.requests.get(request.id))?.state).toBe('awaiting_relationship');
  });

  it('when the cloud fails again after a success, then the backoff starts over from twice the interval', async () => {
    await waitingRequest(w, { tenantId: NORTHWIND, name: 'Northwind Traders' });
    // Arrange: three failures, then a success
    w.sandbox.faults.add(onCustomers({ kind: 'unavailable', times: 3 }));
    const first = await pollAlong(w, 5 * SECOND, 140 * SECOND, customerPath(NORTHWIND));
    expect(seconds(first)).toEqual([0, 20, 60, 140]);
    expect(statuses(first)).toEqual([503, 503, 503, 200]);

    // Act: one more failure later on
    w.sandbox.faults.add(onCustomers({ kind: 'unavailable', times: 1 }));
    const second = await pollAlong(w, 5 * SECOND, 40 * SECOND, customerPath(NORTHWIND));

    // Assert: this round starts 5 s after that success, whose next check was due 10 s after it; the new failure waits 20 s
    expect(seconds(second)).toEqual([5, 25, 35]);
    expect(statuses(second)).toEqual([503, 200, 200]);
  });

  it.each([
    { retryAfter: 120, nextAskAt: 120, why: 'Retry-After is longer than the backoff: it wins' },
    { retryAfter: 1, nextAskAt: 20, why: 'Retry-After is shorter than the backoff: the backoff still applies' },
    { retryAfter: undefined, nextAskAt: 60, why: 'no Retry-After: a minute' },
  ])('when Partner Center answers 429 with Retry-After $retryAfter, then it is asked again after $nextAskAt s ($why)', async ({ retryAfter, nextAskAt }) => {
    // Arrange: one throttled answer (status 429 with no kind sends no Retry-After header)
    await waitingRequest(w, { tenantId: NORTHWIND, name: 'Northwind Traders' });
    w.sandbox.faults.add(onCustomers(retryAfter === undefined ? { status: 429, code: 'TooManyRequests' } : { kind: 'throttle', retryAfterSeconds: retryAfter }));

    // Act: poll every second for 130 s
    const asked = await pollAlong(w, SECOND, 130 * SECOND, customerPath(NORTHWIND));

    // Assert
    expect(seconds(asked).slice(0, 2)).toEqual([0, nextAskAt]);
    expect(statuses(asked).slice(0, 2)).toEqual([429, 200]);
  });

  it("when Partner Center answers 429 with Retry-After, then the gateway's error says how long, and no customer is asked before that", async () => {
    // Arrange: two customers waiting (Northwind: no relationship; Tailspin: no directory role); the first check is throttled for 2 minutes
    await waitingRequest(w, { tenantId: NORTHWIND, name: 'Northwind Traders' });
    await waitingRequest(w, { tenantId: TAILSPIN, name: 'Tailspin Toys' });
    w.sandbox.faults.add(onCustomers({ kind: 'throttle', retryAfterSeconds: 120, times: 1 }));

    // Act: poll every 10 s for 130 s
    const asked = await pollAlong(w, 10 * SECOND, 130 * SECOND, ANY_CUSTOMER);

    // Assert: the 429's Retry-After is on the error the watcher got from the gateway
    expect(w.errors).toHaveLength(1);
    expect(w.errors[0]).toMatchObject({ name: 'CloudUnavailableError', service: 'PartnerCenter', statusCode: 429, retryAfterInMs: 120_000 });
    // …and Partner Center heard nothing more, about either customer, until 120 s had passed; then both, every 10 s
    expect(seconds(asked)).toEqual([0, 120, 120, 130, 130]);
    expect(statuses(asked)).toEqual([429, 200, 200, 200, 200]);
    expect(new Set(asked.slice(1, 3).map((a) => a.path.toLowerCase()))).toEqual(new Set([`/v1/customers/${NORTHWIND}`, `/v1/customers/${TAILSPIN}`]));
  });

  it('when Graph throttles the GDAP status check, then the relationship is not asked about again before its Retry-After', async () => {
    // Arrange: a real GDAP relationship in the sandbox's Graph, waited on by a request
    const relationship = await w.gdap.createRelationship({ displayName: 'Northwind watcher test', duration: 'P730D', customer: { tenantId: NORTHWIND, displayName: 'Northwind Traders' }, roleDefinitionIds: [...DEFAULT_GDAP_ROLES] });
    await w.gdap.lockForApproval(relationship.id);
    const request = await waitingRequest(w, { tenantId: NORTHWIND, name: 'Northwind Traders' }, relationship.id);
    w.sandbox.faults.add({ method: 'GET', pathIncludes: '/tenantRelationships/delegatedAdminRelationships/', kind: 'throttle', retryAfterSeconds: 90, times: 1 });

    // Act: the customer approves at once, but the first check is throttled
    expect(acceptRelationship(w.sandbox.state, { relationship: relationship.id })).toBe(true);
    const asked = await pollAlong(w, 10 * SECOND, 100 * SECOND, /\/delegatedAdminRelationships\/[^/]+$/i);

    // Assert: asked again at 90 s (its access assignment for Azure Managers created then), and at 100 s (active: ready)
    expect(seconds(asked)).toEqual([0, 90, 100]);
    expect(statuses(asked)).toEqual([429, 200, 200]);
    expect(w.errors[0]).toMatchObject({ service: 'Graph', statusCode: 429, retryAfterInMs: 90_000 });
    expect((await w.store.requests.get(request.id))?.state).toBe('pending_approval');
  });

  it('when the customer accepts during a Partner Center outage, then the request moves on to approval at the first check that gets an answer', async () => {
    // Arrange: Partner Center is down for 5 minutes of the test clock
    const request = await waitingRequest(w, { tenantId: NORTHWIND, name: 'Northwind Traders' });
    w.sandbox.faults.add(onCustomers({ kind: 'unavailable', forSeconds: 300 }));
    const start = w.clock.at;
    const failing = await pollAlong(w, 10 * SECOND, 20 * SECOND, customerPath(NORTHWIND));

    // Act: the customer gives delegated admin rights (legacy DAP, the sandbox's switch); the watcher keeps polling through the outage
    expect(w.sandbox.state.setDelegatedAccess(NORTHWIND, true)).toBe(true);
    const after = await pollAlong(w, 10 * SECOND, 400 * SECOND, customerPath(NORTHWIND));
    const asked = [...failing, ...after.map((a) => ({ ...a, at: a.at + 30 * SECOND }))];

    // Assert: unknown is not yes — nothing moved while Partner Center failed (backing off: 20, 40, 80, 80, 80 s)…
    expect(seconds(asked)).toEqual([0, 20, 60, 140, 220, 300]);
    expect(statuses(asked)).toEqual([503, 503, 503, 503, 503, 200]);
    // …then the first answer resumes the request to approval, approvers are asked, the requester told; once
    const resumed = (await w.store.requests.get(request.id));
    expect(resumed?.state).toBe('pending_approval');
    expect(resumed?.relationship?.acceptedAt).toBe(new Date(start + 300 * SECOND).toISOString());
    expect(w.approvalsRequested.map((r) => r.id)).toEqual([request.id]);
    expect(w.acceptedTold.map((r) => r.id)).toEqual([request.id]);
    expect((await w.store.audit.list(request.id)).filter((e) => e.actor === 'system').map((e) => e.event)).toEqual(['relationship_accepted']);
  });
});

describe('retryAfterInMs (what the gateways put on a throttled error)', () => {
  const NOW = Date.parse('2026-11-25T09:00:00Z');
  it.each<{ headers: Record<string, string>; expected: number | undefined }>([
    { headers: { 'Retry-After': '30' }, expected: 30_000 },
    { headers: { 'Retry-After': '0' }, expected: 0 },
    { headers: { 'Retry-After': 'Wed, 25 Nov 2026 09:02:00 GMT' }, expected: 120_000 },
    { headers: { 'Retry-After': 'Wed, 25 Nov 2026 08:59:00 GMT' }, expected: 0 },
    { headers: { 'retry-after-ms': '1500', 'Retry-After': '30' }, expected: 1_500 },
    { headers: { 'x-ms-retry-after-ms': '250' }, expected: 250 },
    { headers: { 'Retry-After': 'soon' }, expected: undefined },
    { headers: {}, expected: undefined },
  ])('when the answer carries $headers, then callers wait $expected ms', ({ headers, expected }) => {
    expect(retryAfterInMs(createHttpHeaders(headers), NOW)).toBe(expected);
  });
});
