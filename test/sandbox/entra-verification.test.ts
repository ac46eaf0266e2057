// Discovery and verification: the sandbox's OpenID metadata and JWKS verify its tokens with node:crypto alone, and
// Partner Center, Graph and ARM refuse every bearer the sandbox's Entra did not sign for them, each in its own shape.
import https from 'node:https';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createPublicKey, createVerify } from 'node:crypto';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { signJwt } from '../../src/sandbox/entra/keys';
import { appToken, claimsOf, userToken } from '../support/sandbox-tokens';
import { rawCall } from './raw-client';
import { rsaKeyPair } from '../support/rsa-keys';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const SERVICE_ACCOUNT = '5a0e0001-0000-4000-8000-000000000006';
const CONTOSO_PROD = 'c0000001-5b50-4000-8000-000000000001';
const GRAPH = 'https://graph.microsoft.com';
const PC = 'https://api.partnercenter.microsoft.com';

const published = (name: string): Record<string, unknown> => {
  const { _source: _ignored, ...claims } = JSON.parse(readFileSync(join(__dirname, '../fixtures/microsoft-apis/entra-token', name), 'utf8')) as Record<string, unknown>;
  return claims;
};

let clock = Date.now();
let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, now: () => clock });
});
afterAll(async () => {
  await sandbox.stop();
});

function getJson(path: string): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    https.get(`${sandbox.url}${path}`, { ca: sandbox.caCertPem, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    }).on('error', reject);
  });
}

describe('OpenID discovery', () => {
  test.each([
    ['a tenant id', PARTNER, PARTNER, `${PARTNER}/v2.0`],
    ["a customer's verified domain", 'contoso.onmicrosoft.com', CONTOSO, `${CONTOSO}/v2.0`],
    ['common', 'common', 'common', '{tenantid}/v2.0'],
    ['organizations', 'organizations', 'organizations', '{tenantid}/v2.0'],
  ])('when the metadata of %s is asked for, then its endpoints are on the sandbox under that tenant', async (_case, tenant, pathTenant, issuer) => {
    const { status, body } = await getJson(`/${tenant}/v2.0/.well-known/openid-configuration`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      issuer: `${sandbox.url}/${issuer}`,
      token_endpoint: `${sandbox.url}/${pathTenant}/oauth2/v2.0/token`,
      device_authorization_endpoint: `${sandbox.url}/${pathTenant}/oauth2/v2.0/devicecode`,
      authorization_endpoint: `${sandbox.url}/${pathTenant}/oauth2/v2.0/authorize`,
      jwks_uri: `${sandbox.url}/${pathTenant}/discovery/v2.0/keys`,
      id_token_signing_alg_values_supported: ['RS256'],
      cloud_instance_name: 'microsoftonline.com',
      msgraph_host: 'graph.microsoft.com',
    });
    expect('tenant_region_scope' in body).toBe(true);
  });

  test('when the metadata of an unknown tenant is asked for, then 400 invalid_tenant AADSTS90002', async () => {
    const { status, body } = await getJson('/nowhere.onmicrosoft.com/v2.0/.well-known/openid-configuration');
    expect([status, body.error, body.error_codes]).toEqual([400, 'invalid_tenant', [90002]]);
    expect(body.error_description).toMatch(/^AADSTS90002: Tenant 'nowhere\.onmicrosoft\.com' not found\./);
  });

  test('when a token is checked with the published key (JWKS, node:crypto only), then its signature verifies and its kid is the key\'s', async () => {
    const token = await userToken(sandbox, { tenantId: CONTOSO, resource: GRAPH });
    const metadata = await getJson(`/${CONTOSO}/v2.0/.well-known/openid-configuration`);
    const keys = await getJson(new URL(String(metadata.body.jwks_uri)).pathname);
    const v1Keys = await getJson('/common/discovery/keys');
    const [header = '', payload = '', signature = ''] = token.split('.');
    const { kid, alg } = JSON.parse(Buffer.from(header, 'base64url').toString('utf8')) as { kid: string; alg: string };
    const jwk = (keys.body.keys as { kid: string; kty: string; n: string; e: string; x5c: string[] }[]).find((k) => k.kid === kid);
    expect(alg).toBe('RS256');
    expect(jwk).toMatchObject({ kty: 'RSA', use: 'sig', x5t: kid, issuer: `${sandbox.url}/{tenantid}/v2.0` });
    expect(v1Keys.body.keys).toEqual([expect.objectContaining({ kid, n: jwk?.n })]);
    const publicKey = createPublicKey({ key: { kty: 'RSA', n: jwk?.n ?? '', e: jwk?.e ?? '' }, format: 'jwk' });
    expect(createVerify('RSA-SHA256').update(`${header}.${payload}`).verify(publicKey, Buffer.from(signature, 'base64url'))).toBe(true);
  });
});

describe('token claims', () => {
  test('when the partner account acts in a customer tenant, then the token is issued there, names the partner as idp and the account by its partner object id', async () => {
    const claims = claimsOf(await userToken(sandbox, { tenantId: CONTOSO, resource: GRAPH }));
    expect(claims).toMatchObject({ tid: CONTOSO, iss: `https://sts.windows.net/${CONTOSO}/`, idp: `https://sts.windows.net/${PARTNER}/`, oid: SERVICE_ACCOUNT, idtyp: 'user', scp: 'User.Read.All', ver: '1.0' });
    // The service account has no given name or surname in the directory: Entra leaves those two claims out.
    expect(Object.keys(published('v1-access-token.claims.delegated-user.json')).filter((k) => !(k in claims))).toEqual(['given_name', 'family_name']);
  });

  test('when the account acts in its own tenant, then there is no idp', async () => {
    const claims = claimsOf(await userToken(sandbox, { resource: PC }));
    expect(claims).toMatchObject({ tid: PARTNER, oid: SERVICE_ACCOUNT, scp: 'user_impersonation', amr: ['pwd', 'mfa'] });
    expect('idp' in claims).toBe(false);
  });

  test('when the app asks alone, then the token is its service principal in that tenant with the published app-only claims (no roles claim without app roles)', async () => {
    const graph = claimsOf(await appToken(sandbox, { tenantId: CONTOSO, resource: GRAPH }));
    const arm = claimsOf(await appToken(sandbox, { tenantId: CONTOSO }));
    expect(graph).toMatchObject({ oid: 'c0000001-0000-4000-8000-00000000a990', sub: 'c0000001-0000-4000-8000-00000000a990', idp: `https://sts.windows.net/${CONTOSO}/`, roles: ['User.Read.All'], idtyp: 'app' });
    expect(Object.keys(published('v1-access-token.claims.app-only.json')).filter((k) => !(k in graph))).toEqual([]);
    expect('roles' in arm).toBe(false);
    expect('scp' in graph || 'upn' in graph).toBe(false);
  });
});

describe('the services verify every bearer', () => {
  const forged = async (change: (claims: Record<string, unknown>) => Record<string, unknown>, header?: Record<string, unknown>): Promise<string> => {
    const genuine = await userToken(sandbox, { tenantId: CONTOSO });
    const [h = ''] = genuine.split('.');
    const genuineHeader = JSON.parse(Buffer.from(h, 'base64url').toString('utf8')) as Record<string, unknown>;
    return signJwt({ ...genuineHeader, ...header }, change(claimsOf(genuine)), rsaKeyPair().privateKey);
  };
  const unsigned = async (): Promise<string> => {
    const claims = claimsOf(await userToken(sandbox, { tenantId: CONTOSO }));
    const part = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
  };
  const armCall = (token: string) => rawCall(sandbox, 'GET', `/subscriptions/${CONTOSO_PROD}?api-version=2022-12-01`, { token });

  test.each([
    ['unsigned (alg none)', unsigned],
    ['signed by another key under the sandbox\'s kid', () => forged((c) => c)],
    ['signed with an unknown kid', () => forged((c) => c, { kid: 'someone-else' })],
    ['issued by another tenant than its tid', () => forged((c) => ({ ...c, iss: `https://sts.windows.net/${PARTNER}/` }))],
  ])('when ARM gets a token %s, then 401 InvalidAuthenticationToken', async (_case, make) => {
    const answer = await armCall(await make());
    expect([answer.status, (answer.body as { error: { code: string } }).error.code]).toEqual([401, 'InvalidAuthenticationToken']);
  });

  test("when a token's signature does not match its claims (claims edited after signing), then every service refuses it", async () => {
    const genuine = await userToken(sandbox, { tenantId: CONTOSO });
    const [h, , s] = genuine.split('.');
    const edited = `${h ?? ''}.${Buffer.from(JSON.stringify({ ...claimsOf(genuine), tid: PARTNER, iss: `https://sts.windows.net/${PARTNER}/` })).toString('base64url')}.${s ?? ''}`;
    const graph = await rawCall(sandbox, 'GET', '/v1.0/users', { token: edited });
    const pc = await rawCall(sandbox, 'GET', '/v1/customers', { token: edited });
    expect([graph.status, (graph.body as { error: { code: string } }).error.code]).toEqual([401, 'InvalidAuthenticationToken']);
    expect([pc.status, (pc.body as { code: number }).code]).toEqual([401, 401]);
  });

  test('when a genuine token has expired (sandbox clock 2 hours on), then ARM says ExpiredAuthenticationToken, Graph InvalidAuthenticationToken, Partner Center 401', async () => {
    const arm = await userToken(sandbox, { tenantId: CONTOSO });
    const graph = await userToken(sandbox, { tenantId: CONTOSO, resource: GRAPH });
    const pc = await userToken(sandbox, { resource: PC });
    clock += 2 * 3600_000;
    try {
      const answers = await Promise.all([armCall(arm), rawCall(sandbox, 'GET', '/v1.0/users', { token: graph }), rawCall(sandbox, 'GET', '/v1/customers', { token: pc })]);
      expect(answers.map((a) => a.status)).toEqual([401, 401, 401]);
      expect(answers[0]?.body).toMatchObject({ error: { code: 'ExpiredAuthenticationToken' } });
      expect(answers[1]?.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: expect.stringMatching(/expired/) } });
      expect(answers[2]?.body).toMatchObject({ code: 401, description: expect.stringMatching(/expired/) });
    } finally {
      clock -= 2 * 3600_000;
    }
  });

  test('when a genuine token is for another service, then each service refuses its audience', async () => {
    const graphToken = await userToken(sandbox, { tenantId: CONTOSO, resource: GRAPH });
    const armToken = await userToken(sandbox, { tenantId: CONTOSO });
    const arm = await armCall(graphToken);
    const graph = await rawCall(sandbox, 'GET', '/v1.0/users', { token: armToken });
    const pc = await rawCall(sandbox, 'GET', '/v1/customers', { token: graphToken });
    expect(arm.body).toMatchObject({ error: { code: 'InvalidAuthenticationTokenAudience' } });
    expect(graph.body).toMatchObject({ error: { code: 'InvalidAuthenticationToken', message: 'Access token validation failure. Invalid audience.' } });
    expect([arm.status, graph.status, pc.status]).toEqual([401, 401, 401]);
  });

  test('when a genuine token is for the service, then it passes verification (the service answers, not 401)', async () => {
    const answer = await armCall(await userToken(sandbox, { tenantId: CONTOSO }));
    expect(answer.status).not.toBe(401);
  });
});
