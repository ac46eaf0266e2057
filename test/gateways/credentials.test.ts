// The partner app's credential for CLOUD=azure: secret, certificate or managed identity (as the app's federated
// credential), allowed in every customer tenant, against a configurable authority (sovereign clouds); config → credential.
import { ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, type GetTokenOptions, type TokenCredential } from '@azure/identity';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';
import { createAzureCredential, forTenant, tokenExchangeAudience } from '../../src/gateways/credentials';
import { takeRefusals } from '../hygiene/guards.cjs';

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
    expect(createAzureCredential(config.azureCredential ?? fail('no credential'))).toBeInstanceOf(ClientSecretCredential);
  });

  it('when a certificate file is set (and a sovereign authority), then a certificate credential is built for that authority', () => {
    const config = loadConfig({ ...AZURE_BASE, AZURE_CLIENT_CERTIFICATE_PATH: pem, AZURE_AUTHORITY_HOST: 'https://login.microsoftonline.us/' });
    expect(config.azureCredential).toMatchObject({ secret: { kind: 'certificate', certificatePath: pem }, authorityHost: 'https://login.microsoftonline.us' });
    expect(createAzureCredential(config.azureCredential ?? fail('no credential'))).toBeInstanceOf(ClientCertificateCredential);
  });

  it('when a managed identity is chosen, then it is the federated credential of the multi-tenant app (user-assigned id kept)', () => {
    const config = loadConfig({ ...AZURE_BASE, AZURE_USE_MANAGED_IDENTITY: 'true', AZURE_MANAGED_IDENTITY_CLIENT_ID: '99999999-8888-4777-8666-555555555555' });
    expect(config.cloud).toBe('azure');
    expect(config.azureCredential).toMatchObject({ clientId: APP, secret: { kind: 'managedIdentity', clientId: '99999999-8888-4777-8666-555555555555' } });
    expect(createAzureCredential(config.azureCredential ?? fail('no credential'))).toBeInstanceOf(ClientAssertionCredential);
  });

  it('when no way to prove the app is set, or more than one, or the certificate file is missing, then the start is refused naming the key', () => {
    expect(problemsOf(AZURE_BASE)).toContain('AZURE_CLIENT_ID');
    expect(problemsOf({ ...AZURE_BASE, AZURE_CLIENT_SECRET: 's', AZURE_CLIENT_CERTIFICATE_PATH: pem })).toEqual(['AZURE_CLIENT_SECRET']);
    expect(problemsOf({ ...AZURE_BASE, AZURE_CLIENT_CERTIFICATE_PATH: join(dir, 'missing.pem') })).toEqual(['AZURE_CLIENT_CERTIFICATE_PATH']);
    expect(problemsOf({ ...AZURE_BASE, AZURE_CLIENT_SECRET: 's', AZURE_USE_MANAGED_IDENTITY: 'maybe' })).toEqual(['AZURE_USE_MANAGED_IDENTITY']);
    expect(problemsOf({ ...AZURE_BASE, AZURE_CLIENT_SECRET: 's', AZURE_AUTHORITY_HOST: 'http://login.example' })).toEqual(['AZURE_AUTHORITY_HOST']);
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

  it('when the app credential is asked for a token in a customer tenant, then it is allowed to try (additionallyAllowedTenants: *)', async () => {
    // The authority is a closed local port: the credential must get as far as calling it, not refuse the tenant.
    const credential = createAzureCredential({ tenantId: PARTNER, clientId: APP, secret: { kind: 'secret', clientSecret: 's' }, authorityHost: 'https://127.0.0.1:9' });
    const error: unknown = await forTenant(credential, CUSTOMER).getToken('https://management.azure.com/.default').then(() => undefined, (e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(String((error as Error).message)).not.toMatch(/AdditionallyAllowedTenants/i);
    // MSAL first checks an authority it does not know with Entra's instance discovery: the test network guard refuses
    // that call (it would otherwise depend on the machine having no internet); only Entra's public host was asked.
    expect([...new Set(takeRefusals().map((r) => r.target))]).toEqual(['login.microsoftonline.com:443']);
  });

  it('when the authority is a sovereign cloud, then the managed identity asks for that cloud\'s token-exchange audience', () => {
    expect(tokenExchangeAudience(undefined)).toBe('api://AzureADTokenExchange');
    expect(tokenExchangeAudience('https://login.microsoftonline.us')).toBe('api://AzureADTokenExchangeUSGov');
    expect(tokenExchangeAudience('https://login.chinacloudapi.cn')).toBe('api://AzureADTokenExchangeChina');
  });
});

function fail(message: string): never {
  throw new Error(message);
}
