// ACCESS_MODEL=app: the partner app's credential (secret, certificate, or managed identity as the app's federated
// credential), allowed in every customer tenant, against a configurable authority; config → credential; app-only tokens
// from the sandbox's Entra through @azure/identity, with Entra's refusals as reasons.
import { type GetTokenOptions, type TokenCredential } from '@azure/identity';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { ConfigError, loadConfig } from '../../src/config';
import { createAzureCredential, forTenant, tokenExchangeAudience, type AzureAppSecret } from '../../src/gateways/credentials';
import { isMicrosoftAuthorityHost, knownAuthoritiesFor } from '../../src/gateways/credentials-network';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { isAccessDenied, type AccessDeniedError } from '../../src/services/access-errors';
import { rawCall } from '../sandbox/raw-client';
import { claimsOf } from '../support/sandbox-tokens';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const CUSTOMER = 'c0000001-0000-4000-8000-000000000001';
const APP = '11111111-2222-4333-8444-555555555555';
const AZURE_BASE = {
  CLOUD: 'azure', BOT_ID: 'bot', BOT_PASSWORD: 'pw', BOT_TENANT_ID: PARTNER, PARTNER_TENANT_ID: PARTNER,
  APPROVERS: '5a0e0001-0000-4000-8000-000000000002', AZURE_CLIENT_ID: APP,
};
const problemsOf = (env: Record<string, string>) => {
  try {
    loadConfig(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.key);
    throw error;
  }
};

describe('Azure credentials from configuration', () => {
  let dir: string;
  let pem: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'csp-cred-'));
    pem = join(dir, 'app.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('when a client secret is set, then the app proves itself with it', () => {
    const config = loadConfig({ ...AZURE_BASE, AZURE_CLIENT_SECRET: 's3cret' });
    expect(config.azureCredential).toEqual({ clientId: APP, tenantId: PARTNER, secret: { kind: 'secret', clientSecret: 's3cret' } });
  });

  it('when a certificate file is set (and a sovereign authority), then the certificate and that authority are the app\'s', () => {
    const config = loadConfig({ ...AZURE_BASE, AZURE_CLIENT_CERTIFICATE_PATH: pem, AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' });
    expect(config.azureCredential).toMatchObject({ secret: { kind: 'certificate', certificatePath: pem }, authorityHost: 'https://login.microsoftonline.us' });
  });

  it('when a managed identity is chosen, then it is the federated credential of the multi-tenant app (user-assigned id kept)', () => {
    const config = loadConfig({ ...AZURE_BASE, AZURE_USE_MANAGED_IDENTITY: 'true', AZURE_MANAGED_IDENTITY_CLIENT_ID: '99999999-8888-4777-8666-555555555555' });
    expect(config.cloud).toBe('azure');
    expect(config.azureCredential).toMatchObject({ clientId: APP, secret: { kind: 'managedIdentity', clientId: '99999999-8888-4777-8666-555555555555' } });
  });

  it('when no way to prove the app is set, or more than one, or the certificate file is missing, then the start is refused naming the key', () => {
    expect(problemsOf(AZURE_BASE)).toContain('AZURE_CLIENT_ID');
    expect(problemsOf({ ...AZURE_BASE, AZURE_CLIENT_SECRET: 's', AZURE_CLIENT_CERTIFICATE_PATH: pem })).toEqual(['AZURE_CLIENT_SECRET']);
    expect(problemsOf({ ...AZURE_BASE, AZURE_CLIENT_CERTIFICATE_PATH: join(dir, 'missing.pem') })).toEqual(['AZURE_CLIENT_CERTIFICATE_PATH']);
    expect(problemsOf({ ...AZURE_BASE, AZURE_CLIENT_SECRET: 's', AZURE_USE_MANAGED_IDENTITY: 'maybe' })).toEqual(['AZURE_USE_MANAGED_IDENTITY']);
    expect(problemsOf({ ...AZURE_BASE, AZURE_CLIENT_SECRET: 's', AZURE_AUTHORITY_HOST: 'http://login.example' })).toEqual(['AZURE_AUTHORITY_HOST']);
  });

  it('when the delegated model\'s settings are given, then the refresh token is read trimmed and Key Vault must be a vault URL alone', () => {
    expect(loadConfig({ PARTNER_REFRESH_TOKEN: '  0.AAAA-token\n' })).toMatchObject({ accessModel: 'delegated', partnerRefreshToken: '0.AAAA-token' });
    expect(loadConfig({ KEY_VAULT_URL: 'https://litware-bot.vault.azure.net/' }).keyVault).toEqual({ url: 'https://litware-bot.vault.azure.net', secretName: 'partner-refresh-token' });
    expect(problemsOf({ PARTNER_REFRESH_TOKEN: '0.AAAA one 0.BBBB two' })).toEqual(['PARTNER_REFRESH_TOKEN']);
    expect(problemsOf({ KEY_VAULT_URL: 'https://litware-bot.vault.azure.net/secrets/partner-refresh-token' })).toEqual(['KEY_VAULT_URL']);
    expect(problemsOf({ KEY_VAULT_URL: 'http://litware-bot.vault.azure.net' })).toEqual(['KEY_VAULT_URL']);
    expect(problemsOf({ ACCESS_MODEL: 'app-only' })).toEqual(['ACCESS_MODEL']);
  });

  it('when the replication window and reminder lead are set, then they are read as durations (defaults 10 min and 1 h)', () => {
    expect(loadConfig({})).toMatchObject({ principalReplicationWindowInMs: 600_000, expiryReminderBeforeInMs: 3_600_000 });
    expect(loadConfig({ PRINCIPAL_REPLICATION_WINDOW: '30m', EXPIRY_REMINDER_BEFORE: '0s' })).toMatchObject({ principalReplicationWindowInMs: 1_800_000, expiryReminderBeforeInMs: 0 });
    expect(problemsOf({ PRINCIPAL_REPLICATION_WINDOW: 'later' })).toEqual(['PRINCIPAL_REPLICATION_WINDOW']);
  });
});

describe('tokens per customer tenant', () => {
  it('when a gateway wraps the credential for a customer, then every token is asked for in that tenant', async () => {
    const asked: (GetTokenOptions | undefined)[] = [];
    const inner: TokenCredential = { getToken: async (_scopes, options) => { asked.push(options); return { token: 't', expiresOnTimestamp: Date.now() + 60_000 }; } };
    await forTenant(inner, CUSTOMER).getToken('https://management.azure.com/.default');
    expect(asked[0]?.tenantId).toBe(CUSTOMER);
  });

  it('when the authority does not answer, then the failure is an outage to retry, not a refusal (and the customer tenant was allowed)', async () => {
    // The authority is a closed local port: the credential must get as far as calling it, not refuse the tenant.
    const credential = createAzureCredential({ tenantId: PARTNER, clientId: APP, secret: { kind: 'secret', clientSecret: 's' }, authorityHost: 'https://127.0.0.1:9' });
    const error: unknown = await forTenant(credential, CUSTOMER).getToken('https://management.azure.com/.default').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(isAccessDenied(error)).toBe(false);
    expect(String((error as Error).message)).not.toMatch(/AdditionallyAllowedTenants/i);
  });

  it('when the authority is a sovereign cloud, then the managed identity asks for that cloud\'s token-exchange audience', () => {
    expect(tokenExchangeAudience(undefined)).toBe('api://AzureADTokenExchange');
    expect(tokenExchangeAudience('https://login.microsoftonline.us')).toBe('api://AzureADTokenExchangeUSGov');
    expect(tokenExchangeAudience('https://login.chinacloudapi.cn')).toBe('api://AzureADTokenExchangeChina');
  });

  it('when the authority host is Microsoft\'s, then MSAL validates it; any other host is trusted as configured (no instance discovery)', () => {
    for (const host of [undefined, 'https://login.microsoftonline.com', 'https://login.microsoftonline.us', 'https://login.partner.microsoftonline.cn', 'https://login.microsoftonline.de']) {
      expect([host, isMicrosoftAuthorityHost(host), knownAuthoritiesFor(host)]).toEqual([host, true, []]);
    }
    expect(isMicrosoftAuthorityHost('https://127.0.0.1:8443')).toBe(false);
    expect(knownAuthoritiesFor('https://127.0.0.1:8443/')).toEqual(['127.0.0.1:8443']);
    expect(isMicrosoftAuthorityHost('https://login.microsoftonline.com.example.net')).toBe(false);
  });
});

describe('app-only tokens from the sandbox\'s Entra (ACCESS_MODEL=app)', () => {
  const CONTOSO_SP = 'c0000001-0000-4000-8000-00000000a990';
  const NORTHWIND = 'c0000004-0000-4000-8000-000000000004';
  let sandbox: RunningSandbox;
  let dir: string;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    dir = mkdtempSync(join(tmpdir(), 'csp-app-cred-'));
  });
  afterAll(async () => {
    await sandbox.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const appCredential = (secret: AzureAppSecret = { kind: 'secret', clientSecret: sandbox.partnerApp.clientSecret }) =>
    createAzureCredential({ tenantId: PARTNER, clientId: sandbox.partnerApp.clientId, secret, authorityHost: sandbox.authorityHost, tlsCa: sandbox.caCertPem });
  const refusalOf = (promise: Promise<unknown>): Promise<AccessDeniedError> =>
    promise.then(
      () => { throw new Error('expected a refusal'); },
      (error: unknown) => { if (isAccessDenied(error)) return error; throw error; },
    );

  it('when a gateway asks for Contoso (consented, with an app role), then the token is the app\'s service principal in Contoso', async () => {
    const token = await forTenant(appCredential(), CUSTOMER).getToken('https://graph.microsoft.com/.default');
    expect(claimsOf(token?.token ?? '')).toMatchObject({ tid: CUSTOMER, idtyp: 'app', oid: CONTOSO_SP, appid: sandbox.partnerApp.clientId, roles: ['User.Read.All'] });
  });

  it('when a gateway asks for Northwind (the app is not there), then it is refused as not consented (AADSTS700016), not as an outage', async () => {
    const refusal = await refusalOf(forTenant(appCredential(), NORTHWIND).getToken('https://management.azure.com/.default'));
    expect([refusal.service, refusal.reason, refusal.aadsts, refusal.tenantId]).toEqual(['Entra', 'app_not_consented', 700016, NORTHWIND]);
  });

  it('when the app\'s secret is wrong, then it is refused as an invalid app credential (AADSTS7000215)', async () => {
    const refusal = await refusalOf(forTenant(appCredential({ kind: 'secret', clientSecret: 'not-the-secret' }), CUSTOMER).getToken('https://graph.microsoft.com/.default'));
    expect([refusal.service, refusal.reason, refusal.aadsts]).toEqual(['Entra', 'app_credential_invalid', 7000215]);
  });

  it('when the app proves itself with a registered certificate (a PEM file with its key), then it gets the same app token', async () => {
    const made = await generate([{ name: 'commonName', value: 'CSP Access Bot app credential' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256' });
    expect((await rawCall(sandbox, 'POST', `/_sandbox/entra/apps/${sandbox.partnerApp.clientId}/certificates`, { token: null, body: { pem: made.cert } })).status).toBe(201);
    const file = join(dir, 'partner-app.pem');
    writeFileSync(file, `${made.cert}\n${made.private}`);
    const token = await forTenant(appCredential({ kind: 'certificate', certificatePath: file }), CUSTOMER).getToken('https://graph.microsoft.com/.default');
    expect(claimsOf(token?.token ?? '')).toMatchObject({ tid: CUSTOMER, idtyp: 'app', oid: CONTOSO_SP, appidacr: '2' });
  });
});
