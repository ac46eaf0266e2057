// Where the newest refresh token is kept: a table in the STORE SQLite file (shared with `npm run consent`), or an Azure
// Key Vault secret through the real @azure/keyvault-secrets client against a loopback stand-in speaking Key Vault's REST API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DelegatedCredential } from '../../src/gateways/credentials-delegated';
import { startSandbox } from '../../src/sandbox';
import { openKeyVaultRefreshTokens } from '../../src/store/key-vault-refresh-tokens';
import { openSqliteRefreshTokens } from '../../src/store/sqlite-refresh-tokens';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { startVaultStandIn, VAULT_TENANT, vaultIdentity } from '../support/key-vault-stand-in';

describe('the refresh token in the STORE SQLite file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'csp-rt-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when nothing was saved, then there is none; when saved twice, then the newest is read', async () => {
    const store = openSqliteRefreshTokens(join(dir, 'bot.db'));
    expect(await store.read()).toBeUndefined();
    await store.save('first');
    await store.save('second');
    expect(await store.read()).toBe('second');
    expect(store.location).toContain(join(dir, 'bot.db'));
    expect(store.location).not.toContain('second');
    await store.close();
  });

  it('when `npm run consent` saves through its own connection while the bot runs, then the bot reads the new one', async () => {
    const path = join(dir, 'bot.db');
    const requests = openSqliteStore(path);
    const bot = openSqliteRefreshTokens(path);
    await bot.save('the bot\'s');
    const consent = openSqliteRefreshTokens(path);
    await consent.save('from consent');
    await consent.close();
    expect(await bot.read()).toBe('from consent');
    expect(await requests.audit.verify()).toMatchObject({ ok: true });
    await bot.close();
    await requests.close();
  });
});

describe('the refresh token in Azure Key Vault', () => {
  it('when never saved, then there is none; when saved, then the secret holds it and is read back, after Key Vault\'s challenge', async () => {
    const vault = await startVaultStandIn();
    const identity = vaultIdentity();
    const store = openKeyVaultRefreshTokens({ vaultUrl: vault.url, secretName: 'partner-refresh-token', credential: identity, tlsCa: vault.ca });

    expect(await store.read()).toBeUndefined();
    await store.save('rt-newest');
    expect(await store.read()).toBe('rt-newest');

    expect(vault.secrets.get('partner-refresh-token')?.value).toBe('rt-newest');
    expect(vault.calls[0]?.authorization).toBeUndefined();
    expect(identity.asked[0]).toEqual({ scopes: ['https://vault.azure.net/.default'], tenantId: VAULT_TENANT });
    expect(vault.calls.filter((c) => c.method === 'PUT').map((c) => c.body)).toEqual([expect.objectContaining({ value: 'rt-newest' })]);
    expect(vault.calls.every((c) => c.apiVersion !== null)).toBe(true);
    expect(store.location).toBe(`Key Vault ${vault.url}, secret "partner-refresh-token"`);
    await store.close();
    await vault.stop();
  });

  it('when the bot may not write the secret, then its tokens still flow, the failure is reported, and the token it holds stays in use', async () => {
    const vault = await startVaultStandIn({ refuseWrites: true });
    const sandbox = await startSandbox({ port: 0 });
    const failures: string[] = [];
    const bot = new DelegatedCredential({
      tenantId: VAULT_TENANT, clientId: sandbox.partnerApp.clientId, secret: { kind: 'secret', clientSecret: sandbox.partnerApp.clientSecret },
      authorityHost: sandbox.authorityHost, tlsCa: sandbox.caCertPem, configuredRefreshToken: sandbox.issueRefreshToken(),
      store: openKeyVaultRefreshTokens({ vaultUrl: vault.url, secretName: 'partner-refresh-token', credential: vaultIdentity(), tlsCa: vault.ca, retryOptions: { maxRetries: 0 } }),
      onStoreError: (error, action) => failures.push(`${action}: ${error instanceof Error ? error.message : String(error)}`),
    });

    await bot.getToken('https://api.partnercenter.microsoft.com/.default');
    await bot.getToken('https://graph.microsoft.com/.default', { tenantId: 'c0000001-0000-4000-8000-000000000001' });

    expect(failures.length).toBeGreaterThanOrEqual(1);
    expect(failures[0]).toMatch(/^save: .*secrets set permission/);
    expect(vault.secrets.size).toBe(0);
    await sandbox.stop();
    await vault.stop();
  });
});
