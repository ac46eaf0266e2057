// The sandbox's Entra through the real client libraries: MSAL node (client credentials with a secret and with a
// certificate, refresh token at a customer's authority, device code) and @azure/identity (secret and certificate).
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import { ConfidentialClientApplication, PublicClientApplication } from '@azure/msal-node';
import { execFile } from 'node:child_process';
import { createHash, X509Certificate } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { claimsOf, msalSandboxOptions, postToEntra } from '../support/sandbox-tokens';
import { rawCall } from './raw-client';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const SERVICE_ACCOUNT = '5a0e0001-0000-4000-8000-000000000006';
const CONTOSO_PROD = 'c0000001-5b50-4000-8000-000000000001';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, deviceCodeIntervalSeconds: 1 });
});
afterAll(async () => {
  await sandbox.stop();
});

/** A certificate with its private key, registered for the partner app (what uploading it in the portal does). */
async function registeredCertificate(): Promise<{ pem: string; key: string; sha1: string; sha256: string }> {
  const made = await generate([{ name: 'commonName', value: 'CSP Access Bot test credential' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256' });
  const answer = await rawCall(sandbox, 'POST', `/_sandbox/entra/apps/${sandbox.partnerApp.clientId}/certificates`, { token: null, body: { pem: made.cert } });
  expect(answer.status).toBe(201);
  const raw = new X509Certificate(made.cert).raw;
  return { pem: made.cert, key: made.private, sha1: createHash('sha1').update(raw).digest('hex'), sha256: createHash('sha256').update(raw).digest('hex') };
}

describe('MSAL node against the sandbox authority', () => {
  test('when the app asks for a token with its secret (client credentials), then it gets an app token of its service principal in that tenant', async () => {
    const app = new ConfidentialClientApplication({
      ...msalSandboxOptions(sandbox, CONTOSO),
      auth: { ...msalSandboxOptions(sandbox, CONTOSO).auth, clientId: sandbox.partnerApp.clientId, clientSecret: sandbox.partnerApp.clientSecret },
    });
    const result = await app.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] });
    expect(claimsOf(result?.accessToken ?? '')).toMatchObject({
      aud: 'https://graph.microsoft.com', iss: `https://sts.windows.net/${CONTOSO}/`, tid: CONTOSO, idtyp: 'app',
      oid: 'c0000001-0000-4000-8000-00000000a990', roles: ['User.Read.All'], appid: sandbox.partnerApp.clientId, appidacr: '1', ver: '1.0',
    });
  });

  test("when the bot app asks at botframework.com (a multi-tenant bot's login URL), then it gets a Bot Framework token from that tenant", async () => {
    const options = msalSandboxOptions(sandbox, 'botframework.com');
    const app = new ConfidentialClientApplication({ ...options, auth: { ...options.auth, clientId: sandbox.botApp.clientId, clientSecret: sandbox.botApp.clientSecret } });
    const result = await app.acquireTokenByClientCredential({ scopes: ['https://api.botframework.com/.default'] });
    expect(claimsOf(result?.accessToken ?? '')).toMatchObject({
      aud: 'https://api.botframework.com', tid: 'd6d49420-f39b-4df7-a1dc-d59a935871db', iss: 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/', appid: sandbox.botApp.clientId,
    });
  });

  test('when the app proves itself with a registered certificate (SHA-1 thumbprint, RS256 assertion), then it gets a token with appidacr 2', async () => {
    const certificate = await registeredCertificate();
    const options = msalSandboxOptions(sandbox, PARTNER);
    const app = new ConfidentialClientApplication({
      ...options, auth: { ...options.auth, clientId: sandbox.partnerApp.clientId, clientCertificate: { thumbprint: certificate.sha1, privateKey: certificate.key } },
    });
    const result = await app.acquireTokenByClientCredential({ scopes: ['https://api.partnercenter.microsoft.com/.default'] });
    expect(claimsOf(result?.accessToken ?? '')).toMatchObject({ aud: 'https://api.partnercenter.microsoft.com', tid: PARTNER, appidacr: '2', idtyp: 'app' });
  });

  test("when the SAM refresh token is redeemed at a customer's authority, then the App+User token is the partner account's there and the cache holds a new refresh token", async () => {
    const refreshToken = sandbox.issueRefreshToken();
    const options = msalSandboxOptions(sandbox, PARTNER);
    const app = new ConfidentialClientApplication({ ...options, auth: { ...options.auth, clientId: sandbox.partnerApp.clientId, clientSecret: sandbox.partnerApp.clientSecret } });

    // forceCache: MSAL otherwise drops the answer's tokens when the account is not in its cache yet (first redemption).
    const result = await app.acquireTokenByRefreshToken({ refreshToken, scopes: ['https://management.azure.com/.default'], authority: `${sandbox.authorityHost}/${CONTOSO}`, forceCache: true });

    expect(claimsOf(result?.accessToken ?? '')).toMatchObject({
      aud: 'https://management.azure.com', tid: CONTOSO, iss: `https://sts.windows.net/${CONTOSO}/`, idtyp: 'user',
      oid: SERVICE_ACCOUNT, idp: `https://sts.windows.net/${PARTNER}/`, upn: 'cspaccessbot@litwarecsp.onmicrosoft.com', amr: ['pwd', 'mfa'], scp: 'user_impersonation',
    });
    expect(result?.account?.homeAccountId).toBe(`${SERVICE_ACCOUNT}.${PARTNER}`);
    const cache = JSON.parse(app.getTokenCache().serialize()) as { RefreshToken: Record<string, { secret: string }> };
    const rotated = Object.values(cache.RefreshToken).map((t) => t.secret);
    expect(rotated).toHaveLength(1);
    expect(rotated[0]).not.toBe(refreshToken);
    // And the token works where it was meant to: ARM in Contoso.
    const subscription = await rawCall(sandbox, 'GET', `/subscriptions/${CONTOSO_PROD}?api-version=2022-12-01`, { token: result?.accessToken ?? '' });
    expect(subscription.status).not.toBe(401);
  });

  test('when a person signs in with the device code (organizations authority), then the app gets tokens for them in their home tenant', async () => {
    const options = msalSandboxOptions(sandbox, 'organizations');
    const app = new PublicClientApplication({ ...options, auth: { ...options.auth, clientId: sandbox.partnerApp.clientId } });
    let shown = '';
    const result = await app.acquireTokenByDeviceCode({
      scopes: ['https://api.partnercenter.microsoft.com/user_impersonation'],
      deviceCodeCallback: (response) => {
        shown = response.message;
        void rawCall(sandbox, 'POST', '/_sandbox/entra/devicecode/approve', { token: null, body: { userCode: response.userCode, userId: SERVICE_ACCOUNT } });
      },
    });
    expect(shown).toMatch(new RegExp(`^To sign in, use a web browser to open the page ${sandbox.authorityHost}/devicelogin and enter the code [A-Z0-9]+ to authenticate\\.$`));
    expect(claimsOf(result?.accessToken ?? '')).toMatchObject({ aud: 'https://api.partnercenter.microsoft.com', tid: PARTNER, oid: SERVICE_ACCOUNT, scp: 'user_impersonation', appidacr: '0' });
    expect(result?.account).toMatchObject({ homeAccountId: `${SERVICE_ACCOUNT}.${PARTNER}`, username: 'cspaccessbot@litwarecsp.onmicrosoft.com', tenantId: PARTNER });
    const cache = JSON.parse(app.getTokenCache().serialize()) as { RefreshToken: Record<string, unknown> };
    expect(Object.keys(cache.RefreshToken)).toHaveLength(1);
  }, 20_000);
});

describe('@azure/identity against the sandbox authority', () => {
  // authorityHost = the sandbox, no instance discovery, any tenant; the CA through the pipeline's tlsOptions.
  const common = () => ({ authorityHost: sandbox.authorityHost, disableInstanceDiscovery: true, additionallyAllowedTenants: ['*'], tlsOptions: { ca: sandbox.caCertPem } });

  test('when ClientSecretCredential asks in a customer tenant, then the token is issued by that tenant for the asked resource', async () => {
    const credential = new ClientSecretCredential(PARTNER, sandbox.partnerApp.clientId, sandbox.partnerApp.clientSecret, common());
    const token = await credential.getToken('https://management.azure.com/.default', { tenantId: CONTOSO });
    expect(claimsOf(token.token)).toMatchObject({ aud: 'https://management.azure.com', tid: CONTOSO, idtyp: 'app', oid: 'c0000001-0000-4000-8000-00000000a990' });
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 50 * 60_000);
  });

  test('when ClientCertificateCredential uses a registered certificate (x5t#S256, PS256 assertion), then it gets a token', async () => {
    const certificate = await registeredCertificate();
    const credential = new ClientCertificateCredential(PARTNER, sandbox.partnerApp.clientId, { certificate: `${certificate.key}\n${certificate.pem}` }, common());
    const token = await credential.getToken('https://graph.microsoft.com/.default');
    expect(claimsOf(token.token)).toMatchObject({ tid: PARTNER, appidacr: '2', roles: ['GroupMember.Read.All'] });
  });

  test('when the secret is wrong, then the credential fails with AADSTS7000215 from the sandbox', async () => {
    const credential = new ClientSecretCredential(PARTNER, sandbox.partnerApp.clientId, 'not-the-secret', common());
    await expect(credential.getToken('https://graph.microsoft.com/.default')).rejects.toThrow(/AADSTS7000215/);
  });
});

describe('a process that trusts the sandbox through NODE_EXTRA_CA_CERTS (how the bot runs in development)', () => {
  test("when MSAL and @azure/identity run with their default HTTP clients, then they get tokens without any CA option", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-ca-'));
    const caFile = join(dir, 'sandbox-ca.pem');
    writeFileSync(caFile, sandbox.caCertPem);
    const script = `
      const { ConfidentialClientApplication } = require('@azure/msal-node');
      const { ClientSecretCredential } = require('@azure/identity');
      const [host, tenant, clientId, secret] = process.argv.slice(1);
      const msal = new ConfidentialClientApplication({ auth: { clientId, clientSecret: secret, authority: host + '/' + tenant, knownAuthorities: [new URL(host).host] } });
      const identity = new ClientSecretCredential(tenant, clientId, secret, { authorityHost: host, disableInstanceDiscovery: true });
      Promise.all([msal.acquireTokenByClientCredential({ scopes: ['https://graph.microsoft.com/.default'] }), identity.getToken('https://management.azure.com/.default')])
        .then(([a, b]) => process.stdout.write(JSON.stringify([a.accessToken, b.token])), (e) => { process.stderr.write(String(e)); process.exit(1); });`;
    const output = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['-e', script, sandbox.authorityHost, PARTNER, sandbox.partnerApp.clientId, sandbox.partnerApp.clientSecret],
        { cwd: join(__dirname, '../..'), env: { ...process.env, NODE_EXTRA_CA_CERTS: caFile }, timeout: 30_000 },
        (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
    });
    const [graph = '', arm = ''] = JSON.parse(output) as string[];
    expect([claimsOf(graph).aud, claimsOf(arm).aud]).toEqual(['https://graph.microsoft.com', 'https://management.azure.com']);
  }, 40_000);
});

describe('token requests as the sandbox saw them', () => {
  test('when a client posts a secret or a refresh token, then the recorded form masks it', async () => {
    await postToEntra(sandbox, PARTNER, { grant_type: 'client_credentials', client_id: sandbox.partnerApp.clientId, client_secret: sandbox.partnerApp.clientSecret, scope: 'https://graph.microsoft.com/.default' });
    expect(sandbox.entraRequests.at(-1)).toMatchObject({ method: 'POST', path: `/${PARTNER}/oauth2/v2.0/token`, status: 200, body: { client_secret: '***', grant_type: 'client_credentials' } });
  });
});
