// Where the newest refresh token is kept: a table in the STORE SQLite file (shared with `npm run consent`), or an Azure
// Key Vault secret through the real @azure/keyvault-secrets client against a loopback stand-in speaking Key Vault's REST API.
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { generate } from 'selfsigned';
import { DelegatedCredential } from '../../src/gateways/credentials-delegated';
import { startSandbox } from '../../src/sandbox';
import { openKeyVaultRefreshTokens } from '../../src/store/key-vault-refresh-tokens';
import { openSqliteRefreshTokens } from '../../src/store/sqlite-refresh-tokens';
import { openSqliteStore } from '../../src/store/sqlite-store';

const VAULT_TENANT = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const VAULT_TOKEN = 'vault-access-token';

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
    expect(requests.verifyAudit()).toMatchObject({ ok: true });
    await bot.close();
    requests.close();
  });
});

interface VaultCall {
  readonly method: string;
  readonly path: string;
  readonly apiVersion: string | null;
  readonly authorization: string | undefined;
  readonly body: unknown;
}

/** Key Vault's secrets API as the SDK meets it: challenge-based auth, GET and PUT /secrets/{name}, its error bodies. */
async function startVaultStandIn(options: { refuseWrites?: boolean } = {}) {
  const pems = await generate([{ name: 'commonName', value: 'Key Vault stand-in' }], {
    keyType: 'ec', curve: 'P-256', algorithm: 'sha256',
    extensions: [{ name: 'basicConstraints', cA: false }, { name: 'subjectAltName', altNames: [{ type: 7, ip: '127.0.0.1' }] }],
  });
  const secrets = new Map<string, { value: string; version: string; contentType?: string; tags?: unknown }>();
  const calls: VaultCall[] = [];
  let vaultUrl = '';
  const server = https.createServer({ key: pems.private, cert: pems.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', vaultUrl);
      const text = Buffer.concat(chunks).toString('utf8');
      const body: unknown = text ? JSON.parse(text) : undefined;
      calls.push({ method: req.method ?? '', path: url.pathname, apiVersion: url.searchParams.get('api-version'), authorization: req.headers.authorization, body });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
        res.end(JSON.stringify(payload));
      };
      if (req.headers.authorization !== `Bearer ${VAULT_TOKEN}`) {
        send(401, { error: { code: 'Unauthorized', message: 'AKV10000: Request is missing a Bearer or PoP token.' } }, {
          'www-authenticate': `Bearer authorization="https://login.microsoftonline.com/${VAULT_TENANT}", resource="https://vault.azure.net"`,
        });
        return;
      }
      const name = /^\/secrets\/([0-9a-zA-Z-]+)\/?$/.exec(url.pathname)?.[1];
      if (name === undefined) return send(400, { error: { code: 'BadParameter', message: 'Unknown path.' } });
      const bundle = (s: { value: string; version: string; contentType?: string; tags?: unknown }) => ({
        value: s.value, id: `${vaultUrl}/secrets/${name}/${s.version}`, ...(s.contentType ? { contentType: s.contentType } : {}), ...(s.tags ? { tags: s.tags } : {}),
        attributes: { enabled: true, created: 1764600000, updated: 1764600000, recoveryLevel: 'Recoverable+Purgeable', recoverableDays: 90 },
      });
      if (req.method === 'GET') {
        const secret = secrets.get(name);
        if (!secret) return send(404, { error: { code: 'SecretNotFound', message: `A secret with (name/id) ${name} was not found in this key vault. If you recently deleted this secret you may be able to recover it using the correct recovery command. For help resolving this issue, please see https://go.microsoft.com/fwlink/?linkid=2125182` } });
        return send(200, bundle(secret));
      }
      if (req.method === 'PUT') {
        if (options.refuseWrites) return send(403, { error: { code: 'Forbidden', message: 'The user, group or application does not have secrets set permission on key vault.', innererror: { code: 'ForbiddenByRbac' } } });
        const put = body as { value: string; contentType?: string; tags?: unknown };
        const secret = { value: put.value, version: String(calls.length).padStart(32, '0'), ...(put.contentType ? { contentType: put.contentType } : {}), ...(put.tags ? { tags: put.tags } : {}) };
        secrets.set(name, secret);
        return send(200, bundle(secret));
      }
      return send(405, { error: { code: 'BadParameter', message: 'Method not allowed.' } });
    });
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  vaultUrl = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: vaultUrl, ca: pems.cert, calls, secrets,
    stop: () => new Promise<void>((done) => { server.close(() => done()); server.closeAllConnections(); }),
  };
}

/** The vault's own credential (a managed identity in Azure): what it was asked for, and the token the stand-in accepts. */
function vaultIdentity(): TokenCredential & { asked: { scopes: string[]; tenantId?: string }[] } {
  const asked: { scopes: string[]; tenantId?: string }[] = [];
  return {
    asked,
    async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
      asked.push({ scopes: Array.isArray(scopes) ? scopes : [scopes], ...(options?.tenantId ? { tenantId: options.tenantId } : {}) });
      return { token: VAULT_TOKEN, expiresOnTimestamp: Date.now() + 3_600_000 };
    },
  };
}

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
