// The sandbox's fault plan: per operation, N× 429 with Retry-After, 500, delay, PrincipalNotFound for T seconds, 403,
// random faults and lost answers — checked on the wire (raw HTTPS) and through the real ARM SDK client.
import { ArmRbacGateway } from '../../src/gateways/arm-rbac-gateway';
import { claimsCredential } from '../support/claims-token';
import { principalId, tenantId } from '../../src/domain/ids';
import { createFaultInjector } from '../../src/sandbox/faults';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { rawCall, SERVICE_ACCOUNT } from './raw-client';

const CONTOSO = tenantId('c0000001-0000-4000-8000-000000000001');
const PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE = principalId('c0000001-0000-4000-8000-0000000000a1');
const CONTRIBUTOR = `${PROD}/providers/Microsoft.Authorization/roleDefinitions/b24988ac-6180-42a0-ab88-20f7382dd24c`;
const PUT_PATH = (name: string) => `${PROD}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=2022-04-01`;
const putBody = { properties: { roleDefinitionId: CONTRIBUTOR, principalId: ALICE, principalType: 'User' } };
let n = 0;
const newName = () => `0f0f0f0f-0000-4000-8000-${String((n += 1)).padStart(12, '0')}`;

describe('fault injector (unit)', () => {
  it('when a fault names an operation, then only that operation matches (PUT of an assignment, not a list or a GET)', () => {
    const faults = createFaultInjector();
    faults.add({ operation: 'roleAssignments.create', kind: 'throttle', times: 2 });
    expect(faults.take('GET', `${PROD}/providers/Microsoft.Authorization/roleAssignments`)).toBeUndefined();
    expect(faults.take('GET', `${PROD}/providers/Microsoft.Authorization/roleAssignments/x`)).toBeUndefined();
    expect(faults.take('PUT', `${PROD}/providers/Microsoft.Authorization/roleAssignments/x`)).toMatchObject({ status: 429, code: 'TooManyRequests', retryAfterSeconds: 1 });
    expect(faults.take('PUT', `${PROD}/providers/Microsoft.Authorization/roleAssignments/y`)).toMatchObject({ status: 429 });
    expect(faults.take('PUT', `${PROD}/providers/Microsoft.Authorization/roleAssignments/z`)).toBeUndefined();
  });

  it('when a fault lasts T seconds, then it hits every matching call from the first one for T seconds, then is gone', () => {
    let now = 1_000_000;
    const faults = createFaultInjector({ now: () => now });
    faults.add({ operation: 'roleAssignments.create', kind: 'principalNotFound', forSeconds: 30 });
    now += 60_000; // arming is not the start: the first matching call is
    const path = `${PROD}/providers/Microsoft.Authorization/roleAssignments/x`;
    for (let i = 0; i < 5; i += 1) expect(faults.take('PUT', path)).toMatchObject({ status: 400, code: 'PrincipalNotFound' });
    now += 29_999;
    expect(faults.take('PUT', path)).toMatchObject({ code: 'PrincipalNotFound' });
    now += 1;
    expect(faults.take('PUT', path)).toBeUndefined();
    expect(faults.pending).toHaveLength(0);
  });

  it('when a fault has a probability, then it hits about that share of calls and a miss does not use it up', () => {
    let seed = 42;
    const random = () => ((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);
    const faults = createFaultInjector({ random });
    faults.add({ operation: 'roleAssignments.create', kind: 'serverError', probability: 0.3, times: 10_000 });
    const hits = Array.from({ length: 1000 }, () => faults.take('PUT', `${PROD}/providers/Microsoft.Authorization/roleAssignments/x`)).filter(Boolean).length;
    expect(hits).toBeGreaterThan(240);
    expect(hits).toBeLessThan(360);
    expect(faults.pending[0]?.times).toBe(10_000 - hits);
  });

  it('when a fault names neither an operation nor a path, then it is refused', () => {
    expect(() => createFaultInjector().add({ status: 500 })).toThrow(/operation/);
  });
});

describe('fault plan on the sandbox server', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(() => sandbox.stop());
  beforeEach(() => {
    sandbox.faults.clear();
    sandbox.state.roleAssignments.splice(2);
  });

  it('when a plan is posted, then each of its faults applies to its own operation: 429 with Retry-After, 403, then the PUT works', async () => {
    const posted = await rawCall(sandbox, 'POST', '/_sandbox/faults', {
      token: null,
      body: { faults: [{ operation: 'roleAssignments.create', kind: 'throttle', times: 2, retryAfterSeconds: 3 }, { operation: 'roleAssignments.delete', kind: 'forbidden' }] },
    });
    expect(posted.status).toBe(201);
    const name = newName();

    const first = await rawCall(sandbox, 'PUT', PUT_PATH(name), { tenantId: CONTOSO, body: putBody });
    const second = await rawCall(sandbox, 'PUT', PUT_PATH(name), { tenantId: CONTOSO, body: putBody });
    const third = await rawCall(sandbox, 'PUT', PUT_PATH(name), { tenantId: CONTOSO, body: putBody });
    const deleted = await rawCall(sandbox, 'DELETE', PUT_PATH(name), { tenantId: CONTOSO });

    expect([first.status, second.status, third.status, deleted.status]).toEqual([429, 429, 201, 403]);
    expect(first.headers['retry-after']).toBe('3');
    expect(deleted.body).toMatchObject({ error: { code: 'AuthorizationFailed' } });
    expect(sandbox.state.findAssignment(PROD, name)).toBeDefined();
  });

  it('when a plan is malformed, then the sandbox answers 400 naming the problem', async () => {
    const posted = await rawCall(sandbox, 'POST', '/_sandbox/faults', { token: null, body: { operation: 'roleAssignments.teleport', status: 500 } });
    expect(posted.status).toBe(400);
    expect(posted.body).toMatchObject({ error: { code: 'InvalidFault' } });
  });

  it('when the fault is a lost answer (after: true), then the assignment is made although the caller gets a 500', async () => {
    sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'serverError', after: true });
    const name = newName();
    const answer = await rawCall(sandbox, 'PUT', PUT_PATH(name), { tenantId: CONTOSO, body: putBody });
    expect(answer.status).toBe(500);
    expect(sandbox.state.findAssignment(PROD, name)).toBeDefined();
  });

  describe('through the real ARM SDK client', () => {
    const gateway = () =>
      new ArmRbacGateway({ endpoint: sandbox.url, credential: claimsCredential(sandbox.state, { userId: SERVICE_ACCOUNT }), tlsCa: sandbox.caCertPem, retryOptions: { maxRetries: 4, retryDelayInMs: 20, maxRetryDelayInMs: 100 } });
    const grant = (name: string) => ({ scope: PROD, name, roleDefinitionId: CONTRIBUTOR, principalId: ALICE, principalType: 'User' as const });
    const putsFor = (name: string) => sandbox.requests.filter((r) => r.method === 'PUT' && r.path.endsWith(name));

    it('when 3× 429 with Retry-After 1 s come first, then the pipeline waits each time and the assignment is created', async () => {
      sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'throttle', times: 3, retryAfterSeconds: 1 });
      const name = newName();
      const started = Date.now();
      const result = await gateway().createRoleAssignment(CONTOSO, grant(name));
      expect(result).toMatchObject({ ok: true, alreadyExisted: false });
      expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
      expect(putsFor(name).map((r) => r.status)).toEqual([429, 429, 429, 201]);
    });

    it('when 500 twice, then the pipeline retries and the assignment is created once', async () => {
      sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'serverError', times: 2 });
      const name = newName();
      expect(await gateway().createRoleAssignment(CONTOSO, grant(name))).toMatchObject({ ok: true });
      expect(putsFor(name).map((r) => r.status)).toEqual([500, 500, 201]);
      expect(sandbox.state.roleAssignments.filter((a) => a.name === name)).toHaveLength(1);
    });

    it('when the call is delayed, then it is answered normally after the delay', async () => {
      sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'delay', delayMs: 300 });
      const started = Date.now();
      expect(await gateway().createRoleAssignment(CONTOSO, grant(newName()))).toMatchObject({ ok: true });
      expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    });

    it('when PrincipalNotFound lasts 1 s, then calls in that second get it and a call after it succeeds', async () => {
      sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'principalNotFound', forSeconds: 1 });
      const name = newName();
      expect(await gateway().createRoleAssignment(CONTOSO, grant(name))).toMatchObject({ ok: false, code: 'PrincipalNotFound', statusCode: 400 });
      expect(await gateway().createRoleAssignment(CONTOSO, grant(name))).toMatchObject({ ok: false, code: 'PrincipalNotFound' });
      await new Promise((resolve) => setTimeout(resolve, 1050));
      expect(await gateway().createRoleAssignment(CONTOSO, grant(name))).toMatchObject({ ok: true, alreadyExisted: false });
    });

    it('when 403 AuthorizationFailed, then it is not retried and comes back as AuthorizationFailed', async () => {
      sandbox.faults.add({ operation: 'roleAssignments.create', kind: 'forbidden' });
      const name = newName();
      expect(await gateway().createRoleAssignment(CONTOSO, grant(name))).toMatchObject({ ok: false, code: 'AuthorizationFailed', statusCode: 403 });
      expect(putsFor(name)).toHaveLength(1);
    });
  });
});
