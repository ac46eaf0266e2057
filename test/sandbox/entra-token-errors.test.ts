// The sandbox's token endpoint refuses as Entra does: each AADSTS code in Entra's error body, refresh-token rotation,
// revocation and idle expiry on the sandbox's clock, device-code polling, certificate assertions.
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { createPrivateKey, createHash, X509Certificate } from 'node:crypto';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { signJwt } from '../../src/sandbox/entra/keys';
import { claimsOf, postToEntra, type TokenEndpointAnswer } from '../support/sandbox-tokens';
import { rawCall } from './raw-client';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const NORTHWIND = 'c0000004-0000-4000-8000-000000000004';
const SERVICE_ACCOUNT = '5a0e0001-0000-4000-8000-000000000006';
const PAT_WITHOUT_MFA = '5a0e0001-0000-4000-8000-000000000004';
const DAY = 86_400_000;
const ARM = 'https://management.azure.com/.default offline_access';
const PC = 'https://api.partnercenter.microsoft.com/.default offline_access';

const fixture = JSON.parse(readFileSync(join(__dirname, '../fixtures/microsoft-apis/entra-token/token-error.aadsts50173.observed.json'), 'utf8')) as Record<string, unknown>;
const { _source: _ignored, ...publishedError } = fixture;

let clock = Date.parse('2026-03-01T09:00:00Z');
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => clock });
});
afterAll(async () => {
  await sandbox.stop();
});

const partnerApp = () => ({ client_id: sandbox.partnerApp.clientId, client_secret: sandbox.partnerApp.clientSecret });
const redeem = (tenant: string, refreshToken: string, scope = ARM, client = partnerApp()) =>
  postToEntra(sandbox, tenant, { grant_type: 'refresh_token', ...client, refresh_token: refreshToken, scope });

/** Entra's error body, key for key as the published one, with the code in `error_codes` and the description. */
function expectEntraError(answer: TokenEndpointAnswer, status: number, error: string, code: number): void {
  expect({ status: answer.status, error: answer.body.error, codes: answer.body.error_codes }).toEqual({ status, error, codes: [code] });
  expect(Object.keys(answer.body).sort()).toEqual(Object.keys(publishedError).sort());
  const [trace, correlation, timestamp] = [answer.body.trace_id, answer.body.correlation_id, answer.body.timestamp].map(String);
  expect(answer.body.error_description).toMatch(new RegExp(`^AADSTS${code}: .+\\r\\nTrace ID: ${trace}\\r\\nCorrelation ID: ${correlation}\\r\\nTimestamp: ${timestamp}$`, 's'));
  expect(timestamp).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
  expect(answer.body.error_uri).toBe(`https://login.microsoftonline.com/error?code=${code}`);
}

describe('the token endpoint refuses as Entra does', () => {
  test.each([
    ['an unknown tenant', 'nowhere.onmicrosoft.com', { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }, 400, 'invalid_request', 90002],
    ['no grant_type', PARTNER, { scope: 'https://graph.microsoft.com/.default' }, 400, 'invalid_request', 900144],
    ['the password grant', PARTNER, { grant_type: 'password', scope: 'https://graph.microsoft.com/.default' }, 400, 'unsupported_grant_type', 70003],
    ['an unknown resource', PARTNER, { grant_type: 'client_credentials', scope: 'https://api.unknown.example/.default' }, 400, 'invalid_resource', 500011],
    ['a named permission in client credentials', PARTNER, { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/User.Read.All' }, 400, 'invalid_scope', 1002012],
    ['client credentials at organizations', 'organizations', { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }, 400, 'invalid_request', 50059],
    ['client credentials where the app has no service principal (Northwind)', NORTHWIND, { grant_type: 'client_credentials', scope: 'https://graph.microsoft.com/.default' }, 400, 'unauthorized_client', 700016],
  ])('when a client sends %s, then the answer is that AADSTS error', async (_case, tenant, form, status, error, code) => {
    expectEntraError(await postToEntra(sandbox, tenant, { ...partnerApp(), ...form }), status, error, code);
  });

  test('when the client id is unknown, then 400 unauthorized_client AADSTS700016 naming it', async () => {
    const answer = await postToEntra(sandbox, PARTNER, { grant_type: 'client_credentials', client_id: '00000000-1111-2222-3333-444444444444', client_secret: 'x', scope: 'https://graph.microsoft.com/.default' });
    expectEntraError(answer, 400, 'unauthorized_client', 700016);
    expect(answer.body.error_description).toContain("Application with identifier '00000000-1111-2222-3333-444444444444' was not found in the directory");
  });

  test('when the secret is wrong or missing, then 401 invalid_client AADSTS7000215 / 7000218', async () => {
    const wrong = await postToEntra(sandbox, PARTNER, { grant_type: 'client_credentials', client_id: sandbox.partnerApp.clientId, client_secret: 'wrong', scope: 'https://graph.microsoft.com/.default' });
    const missing = await postToEntra(sandbox, PARTNER, { grant_type: 'client_credentials', client_id: sandbox.botApp.clientId, scope: 'https://api.botframework.com/.default' });
    expectEntraError(wrong, 401, 'invalid_client', 7000215);
    expectEntraError(missing, 401, 'invalid_client', 7000218);
  });

  test('when the partner account has no relationship with the customer (Northwind), then AADSTS50020 names the account and its identity provider', async () => {
    const answer = await redeem(NORTHWIND, sandbox.issueRefreshToken());
    expectEntraError(answer, 400, 'invalid_grant', 50020);
    expect(answer.body.error_description).toContain(`User account 'cspaccessbot@litwarecsp.onmicrosoft.com' from identity provider 'https://sts.windows.net/${PARTNER}/' does not exist in tenant`);
  });

  test('when the app is not consented in the customer (no service principal of the bot app in Contoso), then AADSTS65001', async () => {
    const refreshToken = sandbox.issueRefreshToken({ clientId: sandbox.botApp.clientId });
    const answer = await redeem(CONTOSO, refreshToken, ARM, { client_id: sandbox.botApp.clientId, client_secret: sandbox.botApp.clientSecret });
    expectEntraError(answer, 400, 'invalid_grant', 65001);
  });

  test('when a user who signed in without MFA asks for Partner Center, then interaction_required AADSTS50076; ARM still answers (amr pwd only)', async () => {
    const refreshToken = sandbox.issueRefreshToken({ userId: PAT_WITHOUT_MFA });
    expectEntraError(await redeem(PARTNER, refreshToken, PC), 400, 'interaction_required', 50076);
    const arm = await redeem(PARTNER, refreshToken);
    expect(claimsOf(String(arm.body.access_token))).toMatchObject({ amr: ['pwd'], oid: PAT_WITHOUT_MFA });
  });

  test('when the refresh token is unknown or belongs to another app, then AADSTS9002313 / AADSTS70000', async () => {
    expectEntraError(await redeem(PARTNER, '0.Anot-a-token'), 400, 'invalid_grant', 9002313);
    const partnerToken = sandbox.issueRefreshToken();
    expectEntraError(await redeem(PARTNER, partnerToken, ARM, { client_id: sandbox.botApp.clientId, client_secret: sandbox.botApp.clientSecret }), 400, 'invalid_grant', 70000);
  });
});

describe('refresh tokens', () => {
  test('when a refresh token is redeemed, then a new one comes back each time and the old one keeps working', async () => {
    const first = sandbox.issueRefreshToken();
    const one = await redeem(CONTOSO, first);
    const two = await redeem(PARTNER, first, PC);
    expect([one.status, two.status]).toEqual([200, 200]);
    expect(new Set([first, one.body.refresh_token, two.body.refresh_token]).size).toBe(3);
    expect((await redeem(CONTOSO, String(one.body.refresh_token))).status).toBe(200);
    expect(one.body).toMatchObject({ token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, scope: 'https://management.azure.com/user_impersonation https://management.azure.com/.default offline_access' });
  });

  test("when the user's sign-in sessions are revoked, then older refresh tokens fail with AADSTS50173 and a new consent works", async () => {
    const before = sandbox.issueRefreshToken();
    clock += 1000;
    const revoked = await rawCall(sandbox, 'POST', `/_sandbox/entra/users/${SERVICE_ACCOUNT}/revokeSignInSessions`, { token: null });
    expect(revoked).toMatchObject({ status: 200, body: { value: true } });
    clock += 1000;
    const refused = await redeem(CONTOSO, before);
    expectEntraError(refused, 400, 'invalid_grant', 50173);
    expect(refused.body.error_description).toMatch(/The grant was issued on '2026-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z' and the TokensValidFrom date \(before which tokens are not valid\) for this user is '2026-/);
    const fresh = await rawCall(sandbox, 'POST', '/_sandbox/entra/refresh-tokens', { token: null, body: {} });
    expect(fresh.status).toBe(201);
    expect((await redeem(CONTOSO, String((fresh.body as { refresh_token: string }).refresh_token))).status).toBe(200);
  });

  test('when a refresh token has not been used for more than 90 days, then AADSTS700082; one redeemed on day 89 gives a token good for 90 more', async () => {
    const idle = sandbox.issueRefreshToken();
    const used = sandbox.issueRefreshToken();
    clock += 89 * DAY;
    const renewed = await redeem(PARTNER, used, PC);
    expect(renewed.status).toBe(200);
    clock += 2 * DAY;
    expectEntraError(await redeem(PARTNER, idle, PC), 400, 'invalid_grant', 700082);
    expect((await redeem(PARTNER, String(renewed.body.refresh_token), PC)).status).toBe(200);
  });
});

describe('device code', () => {
  test('when nobody has signed in yet, then polling gets authorization_pending; after 15 minutes, expired_token', async () => {
    const started = await postToEntra(sandbox, 'organizations', { client_id: sandbox.partnerApp.clientId, scope: PC }, 'devicecode');
    expect(started.body).toMatchObject({ user_code: expect.stringMatching(/^[A-Z0-9]{9}$/), device_code: expect.any(String), verification_uri: `${sandbox.url}/devicelogin`, expires_in: 900, interval: 5 });
    const poll = () => postToEntra(sandbox, 'organizations', { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: sandbox.partnerApp.clientId, device_code: String(started.body.device_code) });
    expectEntraError(await poll(), 400, 'authorization_pending', 70016);
    clock += 15 * 60_000;
    expectEntraError(await poll(), 400, 'expired_token', 70020);
  });

  test('when a person enters the code on the device-login page and picks a partner user, then the next poll gets that user\'s tokens', async () => {
    const started = await postToEntra(sandbox, PARTNER, { client_id: sandbox.partnerApp.clientId, scope: `${PC} openid profile` }, 'devicecode');
    const page = await fetchText(`/devicelogin`, 'GET');
    expect(page).toContain('name="userCode"');
    expect(page).toContain('cspaccessbot@litwarecsp.onmicrosoft.com');
    const signedIn = await fetchText('/devicelogin', 'POST', new URLSearchParams({ userCode: String(started.body.user_code).toLowerCase(), userId: SERVICE_ACCOUNT }).toString());
    expect(signedIn).toContain('You have signed in');
    const tokens = await postToEntra(sandbox, PARTNER, { grant_type: 'urn:ietf:params:oauth:grant-type:device_code', client_id: sandbox.partnerApp.clientId, device_code: String(started.body.device_code) });
    expect(tokens.status).toBe(200);
    expect(claimsOf(String(tokens.body.access_token))).toMatchObject({ oid: SERVICE_ACCOUNT, aud: 'https://api.partnercenter.microsoft.com', amr: ['pwd', 'mfa'] });
    expect(claimsOf(String(tokens.body.id_token))).toMatchObject({ aud: sandbox.partnerApp.clientId, iss: `${sandbox.url}/${PARTNER}/v2.0`, preferred_username: 'cspaccessbot@litwarecsp.onmicrosoft.com', ver: '2.0' });
    expect(typeof tokens.body.refresh_token).toBe('string');
  });
});

describe('certificate assertions', () => {
  const endpoint = () => `${sandbox.url}/${PARTNER}/oauth2/v2.0/token`;
  async function assertionWith(claims: Record<string, unknown>, register = true): Promise<string> {
    const made = await generate([{ name: 'commonName', value: 'assertion test' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256' });
    if (register) await rawCall(sandbox, 'POST', `/_sandbox/entra/apps/${sandbox.partnerApp.clientId}/certificates`, { token: null, body: { pem: made.cert } });
    const x5t = createHash('sha1').update(new X509Certificate(made.cert).raw).digest('base64url');
    const nowSeconds = Math.floor(clock / 1000);
    const payload = { aud: endpoint(), iss: sandbox.partnerApp.clientId, sub: sandbox.partnerApp.clientId, jti: 'x', nbf: nowSeconds, exp: nowSeconds + 600, ...claims };
    return signJwt({ alg: 'RS256', typ: 'JWT', x5t }, payload, createPrivateKey(made.private));
  }
  const send = (assertion: string) => postToEntra(sandbox, PARTNER, {
    grant_type: 'client_credentials', client_id: sandbox.partnerApp.clientId, scope: 'https://graph.microsoft.com/.default',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion,
  });

  test('when the assertion is signed by a registered certificate for this token endpoint, then it is accepted', async () => {
    expect((await send(await assertionWith({}))).status).toBe(200);
  });

  test.each([
    ['a certificate not registered for the app', {}, false, 700027],
    ['another audience', { aud: 'https://login.microsoftonline.com/common/oauth2/v2.0/token' }, true, 700021],
    ['an expired assertion', { exp: 1_000_000 }, true, 700024],
  ])('when the assertion has %s, then 401 invalid_client', async (_case, claims, register, code) => {
    expectEntraError(await send(await assertionWith(claims, register)), 401, 'invalid_client', code);
  });
});

function fetchText(path: string, method: 'GET' | 'POST', body?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(`${sandbox.url}${path}`);
    const req = https.request(
      { host: url.hostname, port: url.port, path: url.pathname, method, ca: sandbox.caCertPem, agent: false, headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {} },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
