// The sandbox server's cross-cutting behaviour: TLS trust, auth per service, api-version, paths, faults, control routes.
import https from 'node:https';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { ARM, GRAPH, PARTNER_CENTER, rawCall } from './raw-client';

const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const CONTOSO_PROD = 'c0000001-5b50-4000-8000-000000000001';
const FABRIKAM = 'c0000003-0000-4000-8000-000000000003';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => sandbox.faults.clear());

function tlsGet(url: string, ca?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca, agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on('error', reject);
  });
}

describe('sandbox server', () => {
  test('when started on port 0, then it listens on a loopback https URL without trailing slash', () => {
    expect(sandbox.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(sandbox.caCertPem).toContain('BEGIN CERTIFICATE');
  });

  test('when a client trusts caCertPem, then both 127.0.0.1 and localhost pass TLS verification; without it they fail', async () => {
    const port = new URL(sandbox.url).port;
    await expect(tlsGet(`${sandbox.url}/_sandbox/state`, sandbox.caCertPem)).resolves.toBe(200);
    await expect(tlsGet(`https://localhost:${port}/_sandbox/state`, sandbox.caCertPem)).resolves.toBe(200);
    await expect(tlsGet(`${sandbox.url}/_sandbox/state`)).rejects.toThrow(/self[- ]signed/i);
  });

  test('when a request has no bearer token, then each service answers 401 in its own error shape', async () => {
    const arm = await rawCall(sandbox, 'GET', '/subscriptions?api-version=2022-12-01', { token: null });
    const graph = await rawCall(sandbox, 'GET', '/v1.0/users', { token: null });
    const pc = await rawCall(sandbox, 'GET', '/v1/customers', { token: null });

    expect(arm.status).toBe(401);
    expect(arm.body).toEqual({ error: { code: 'AuthenticationFailed', message: expect.any(String) } });
    expect(graph.status).toBe(401);
    expect(graph.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: expect.any(String) } });
    expect(pc.status).toBe(401);
    expect(pc.body).toMatchObject({ code: expect.anything(), description: expect.any(String), data: [], source: 'PartnerFD' });
  });

  test('when a token was minted for another resource, then ARM refuses its audience', async () => {
    const answer = await rawCall(sandbox, 'GET', '/subscriptions?api-version=2022-12-01', { scope: GRAPH });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'InvalidAuthenticationTokenAudience' } });
  });

  test('when an ARM call has no api-version, then ARM answers 400 MissingApiVersionParameter', async () => {
    const answer = await rawCall(sandbox, 'GET', `/subscriptions/${CONTOSO_PROD}`, { tenantId: CONTOSO });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({ error: { code: 'MissingApiVersionParameter' } });
  });

  test('when the path starts with a double slash (Azure SDK scopes), then it is served as the single-slash path', async () => {
    const answer = await rawCall(sandbox, 'GET', `//subscriptions/${CONTOSO_PROD}?api-version=2022-12-01`, { tenantId: CONTOSO });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ subscriptionId: CONTOSO_PROD, tenantId: CONTOSO, displayName: 'Contoso Production' });
    expect(sandbox.requests.at(-1)?.path).toBe(`/subscriptions/${CONTOSO_PROD}`);
  });

  test("when the ARM token is for another tenant than the subscription's, then 401 InvalidAuthenticationTokenTenant", async () => {
    const answer = await rawCall(sandbox, 'GET', `/subscriptions/${CONTOSO_PROD}?api-version=2022-12-01`, { tenantId: FABRIKAM });
    expect(answer.status).toBe(401);
    expect(answer.body).toMatchObject({ error: { code: 'InvalidAuthenticationTokenTenant' } });
  });

  test('when a static (non-JWT) bearer is used, then no service lets it in', async () => {
    const arm = await rawCall(sandbox, 'GET', '/subscriptions?api-version=2022-12-01', { token: 'sandbox-static-token' });
    const graph = await rawCall(sandbox, 'GET', '/v1.0/users', { token: 'sandbox-static-token' });
    const pc = await rawCall(sandbox, 'GET', '/v1/customers', { token: 'sandbox-static-token' });
    expect([arm.status, graph.status, pc.status]).toEqual([401, 401, 401]);
  });

  test('when requests arrive, then they are recorded with the authorization header reduced to its scheme', async () => {
    await rawCall(sandbox, 'GET', '/v1/customers?size=1', { scope: PARTNER_CENTER });
    const last = sandbox.requests.at(-1);
    expect(last).toMatchObject({ method: 'GET', path: '/v1/customers', query: { size: '1' }, status: 200 });
    expect(last?.headers.authorization).toBe('Bearer');
  });

  test('when a fault is posted to /_sandbox/faults, then the next matching call gets the service error with Retry-After, then calls succeed again', async () => {
    const posted = await rawCall(sandbox, 'POST', '/_sandbox/faults', {
      token: null, body: { method: 'GET', pathIncludes: '/v1.0/users', status: 429, code: 'TooManyRequests', retryAfterSeconds: 2, times: 1 },
    });
    expect(posted.status).toBe(201);

    const throttled = await rawCall(sandbox, 'GET', '/v1.0/users', { scope: GRAPH, tenantId: CONTOSO });
    const next = await rawCall(sandbox, 'GET', '/v1.0/users', { scope: GRAPH, tenantId: CONTOSO });

    expect(throttled.status).toBe(429);
    expect(throttled.headers['retry-after']).toBe('2');
    expect(throttled.body).toMatchObject({ error: { code: 'TooManyRequests' } });
    expect(next.status).toBe(200);
  });

  test('when a delay-only fault is added, then the matching call is slowed but answered normally', async () => {
    sandbox.faults.add({ pathIncludes: '/subscriptions', delayMs: 150 });
    const started = Date.now();
    const answer = await rawCall(sandbox, 'GET', '/subscriptions?api-version=2022-12-01', { tenantId: CONTOSO });
    expect(answer.status).toBe(200);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
  });

  test('when GET /_sandbox/state is called, then it shows the live state, and PATCH /_sandbox/customers/{id} switches legacy DAP and the reseller relationship', async () => {
    const northwind = 'c0000004-0000-4000-8000-000000000004';
    const patched = await rawCall(sandbox, 'PATCH', `/_sandbox/customers/${northwind}`, { token: null, body: { allowDelegatedAccess: true, relationshipToPartner: 'none' } });
    const refused = await rawCall(sandbox, 'PATCH', `/_sandbox/customers/${northwind}`, { token: null, body: { allowDelegatedAccess: 'yes' } });
    const state = await rawCall(sandbox, 'GET', '/_sandbox/state', { token: null });
    await rawCall(sandbox, 'PATCH', `/_sandbox/customers/${northwind}`, { token: null, body: { allowDelegatedAccess: false, relationshipToPartner: 'reseller' } });

    expect([patched.status, refused.status]).toEqual([200, 400]);
    const body = state.body as { customers: { id: string; allowDelegatedAccess: boolean; relationshipToPartner: string }[]; roleAssignments: unknown[] };
    expect(body.customers.find((c) => c.id === northwind)).toMatchObject({ allowDelegatedAccess: true, relationshipToPartner: 'none' });
    expect(body.roleAssignments.length).toBeGreaterThanOrEqual(2);
  });

  test('when a path belongs to no service, then the answer is a 404 in ARM shape', async () => {
    const answer = await rawCall(sandbox, 'GET', '/nothing/here', { scope: ARM });
    expect(answer.status).toBe(404);
    expect(answer.body).toMatchObject({ error: { code: 'NotFound' } });
  });
});
