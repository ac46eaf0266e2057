// The Secure Application Model credential (MSAL's confidential client) against the sandbox's Entra: App+User tokens per
// tenant, one redemption per tenant and scope, the newest refresh token kept in SQLite across restarts, a revoked token
// refused once as "sign in again", and a new consent taken up.
import { createPrivateKey } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generate } from 'selfsigned';
import { DelegatedCredential, type DelegatedCredentialOptions } from '../../src/gateways/credentials-delegated';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { isAccessDenied, type AccessDeniedError } from '../../src/services/access-errors';
import { openSqliteRefreshTokens } from '../../src/store/sqlite-refresh-tokens';
import { openSqliteStore } from '../../src/store/sqlite-store';
import type { RefreshTokenStore } from '../../src/store/refresh-token-store';
import { rawCall } from '../sandbox/raw-client';
import { claimsOf } from '../support/sandbox-tokens';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const NORTHWIND = 'c0000004-0000-4000-8000-000000000004';
const SERVICE_ACCOUNT = '5a0e0001-0000-4000-8000-000000000006';
const PARTNER_CENTER = 'https://api.partnercenter.microsoft.com/.default';
const GRAPH = 'https://graph.microsoft.com/.default';
const ARM = 'https://management.azure.com/.default';

let sandbox: RunningSandbox;
let dir: string;
let stores: RefreshTokenStore[] = [];

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'csp-delegated-'));
});
afterEach(async () => {
  for (const store of stores) await store.close();
  stores = [];
  rmSync(dir, { recursive: true, force: true });
});

function storeAt(path = join(dir, 'bot.db')): RefreshTokenStore {
  const store = openSqliteRefreshTokens(path);
  stores.push(store);
  return store;
}

function credential(store: RefreshTokenStore, overrides: Partial<DelegatedCredentialOptions> = {}): DelegatedCredential {
  return new DelegatedCredential({
    tenantId: PARTNER,
    clientId: sandbox.partnerApp.clientId,
    secret: { kind: 'secret', clientSecret: sandbox.partnerApp.clientSecret },
    authorityHost: sandbox.authorityHost,
    tlsCa: sandbox.caCertPem,
    store,
    ...overrides,
  });
}

/** Refresh-token grants the sandbox's Entra answered, as [tenant, scope, status]. */
const redemptions = () =>
  sandbox.entraRequests
    .filter((r) => r.path.endsWith('/oauth2/v2.0/token') && (r.body as Record<string, string>).grant_type === 'refresh_token')
    .map((r) => [r.path.split('/')[1], (r.body as Record<string, string>).scope?.split(' ')[0], r.status]);

const refusalOf = (promise: Promise<unknown>): Promise<AccessDeniedError> =>
  promise.then(
    () => { throw new Error('expected a refusal'); },
    (error: unknown) => { if (isAccessDenied(error)) return error; throw error; },
  );

async function revokeServiceAccountSessions(): Promise<void> {
  const answer = await rawCall(sandbox, 'POST', `/_sandbox/entra/users/${SERVICE_ACCOUNT}/revokeSignInSessions`, { token: null });
  expect(answer.status).toBe(200);
}

describe('the delegated credential (Secure Application Model)', () => {
  it('when gateways ask for the partner tenant and a customer tenant, then each token is the service account\'s, issued by that tenant', async () => {
    const bot = credential(storeAt(), { configuredRefreshToken: sandbox.issueRefreshToken() });
    const partnerCenter = claimsOf((await bot.getToken(PARTNER_CENTER)).token);
    const graph = claimsOf((await bot.getToken(GRAPH, { tenantId: CONTOSO })).token);
    const arm = claimsOf((await bot.getToken(ARM, { tenantId: CONTOSO })).token);

    expect(partnerCenter).toMatchObject({ tid: PARTNER, aud: 'https://api.partnercenter.microsoft.com', oid: SERVICE_ACCOUNT, idtyp: 'user', appid: sandbox.partnerApp.clientId });
    expect(partnerCenter.idp).toBeUndefined();
    expect(partnerCenter.amr).toContain('mfa');
    for (const customer of [graph, arm]) {
      expect(customer).toMatchObject({ tid: CONTOSO, oid: SERVICE_ACCOUNT, idtyp: 'user', idp: `https://sts.windows.net/${PARTNER}/` });
    }
    expect([graph.aud, arm.aud]).toEqual(['https://graph.microsoft.com', 'https://management.azure.com']);
  });

  it('when many calls want the same tenant and scope at once, then Entra is asked once and the token is reused until near its end', async () => {
    const bot = credential(storeAt(), { configuredRefreshToken: sandbox.issueRefreshToken() });
    const before = redemptions().length;
    const tokens = await Promise.all(Array.from({ length: 8 }, () => bot.getToken(GRAPH, { tenantId: CONTOSO })));
    const later = await bot.getToken(GRAPH, { tenantId: CONTOSO });

    expect(new Set([...tokens, later].map((t) => t.token)).size).toBe(1);
    expect(redemptions().slice(before)).toEqual([[CONTOSO, GRAPH, 200]]);
  });

  it('when Entra returns a new refresh token, then the newest is kept in the store and a restarted bot starts from it', async () => {
    const first = sandbox.issueRefreshToken();
    const store = storeAt();
    const bot = credential(store, { configuredRefreshToken: first });
    await bot.getToken(PARTNER_CENTER);
    const afterOne = await store.read();
    await bot.getToken(ARM, { tenantId: CONTOSO });
    const afterTwo = await store.read();

    expect(afterOne).toBeDefined();
    expect(afterOne).not.toBe(first);
    expect(afterTwo).not.toBe(afterOne);
    // A restart: a new process on the same STORE file, without PARTNER_REFRESH_TOKEN.
    await store.close();
    const restarted = credential(storeAt());
    const token = claimsOf((await restarted.getToken(GRAPH, { tenantId: CONTOSO })).token);
    expect(token).toMatchObject({ tid: CONTOSO, oid: SERVICE_ACCOUNT });
  });

  it('when the refresh token lives in the bot\'s STORE file, then the request tables there are untouched and still usable', async () => {
    const path = join(dir, 'shared.db');
    const requests = openSqliteStore(path);
    const bot = credential(storeAt(path), { configuredRefreshToken: sandbox.issueRefreshToken() });
    await bot.getToken(PARTNER_CENTER);
    expect(await requests.audit.verify()).toMatchObject({ ok: true });
    await requests.close();
  });

  it('when the service account\'s sessions are revoked, then the next redemption is refused as sign-in required, once for listeners, without an outage', async () => {
    const bot = credential(storeAt(), { configuredRefreshToken: sandbox.issueRefreshToken() });
    const required: AccessDeniedError[] = [];
    let restored = 0;
    bot.onSignInRequired((error) => required.push(error));
    bot.onSignInRestored(() => (restored += 1));
    await bot.getToken(PARTNER_CENTER);
    await revokeServiceAccountSessions();

    const refusals = [await refusalOf(bot.getToken(GRAPH, { tenantId: CONTOSO })), await refusalOf(bot.getToken(ARM, { tenantId: CONTOSO }))];

    expect(refusals.map((e) => [e.service, e.reason, e.aadsts])).toEqual([['Entra', 'sign_in_required', 50173], ['Entra', 'sign_in_required', 50173]]);
    expect(refusals[0]?.message).toMatch(/^AADSTS50173/);
    expect(required.map((e) => [e.reason, e.aadsts])).toEqual([['sign_in_required', 50173]]);
    expect(bot.signInRequired?.reason).toBe('sign_in_required');
    expect(restored).toBe(0);
    // The access token issued before the revocation stays valid until it expires, as Entra's do.
    expect(claimsOf((await bot.getToken(PARTNER_CENTER)).token).tid).toBe(PARTNER);
  });

  it('when a new consent is stored after a revocation, then the next call works with it and listeners hear it once', async () => {
    const store = storeAt();
    const bot = credential(store, { configuredRefreshToken: sandbox.issueRefreshToken() });
    const events: string[] = [];
    bot.onSignInRequired(() => events.push('required'));
    bot.onSignInRestored(() => events.push('restored'));
    await bot.getToken(PARTNER_CENTER);
    await revokeServiceAccountSessions();
    await refusalOf(bot.getToken(GRAPH, { tenantId: CONTOSO }));

    await store.save(sandbox.issueRefreshToken()); // what `npm run consent` does
    const graph = claimsOf((await bot.getToken(GRAPH, { tenantId: CONTOSO })).token);
    await bot.getToken(ARM, { tenantId: CONTOSO });

    expect(graph).toMatchObject({ tid: CONTOSO, oid: SERVICE_ACCOUNT });
    expect(events).toEqual(['required', 'restored']);
    expect(bot.signInRequired).toBeUndefined();
  });

  it('when the stored refresh token is refused and PARTNER_REFRESH_TOKEN is another one, then the bot goes on with that one', async () => {
    const store = storeAt();
    await store.save('an-old-token-from-another-sandbox');
    const required: unknown[] = [];
    const bot = credential(store, { configuredRefreshToken: sandbox.issueRefreshToken() });
    bot.onSignInRequired((error) => required.push(error));

    expect(claimsOf((await bot.getToken(PARTNER_CENTER)).token).oid).toBe(SERVICE_ACCOUNT);
    expect(await store.read()).not.toBe('an-old-token-from-another-sandbox');
    expect(required).toEqual([]);
  });

  it('when there is no refresh token at all, then it is refused as sign-in required naming npm run consent, and Entra is not asked', async () => {
    const before = redemptions().length;
    const refusal = await refusalOf(credential(storeAt()).getToken(PARTNER_CENTER));
    expect([refusal.service, refusal.reason, refusal.tenantId]).toEqual(['Entra', 'sign_in_required', PARTNER]);
    expect(refusal.message).toContain('npm run consent');
    expect(redemptions().length).toBe(before);
  });

  it('when the customer gave the partner no role (Northwind), then that tenant is refused with its reason and other tenants still work', async () => {
    const bot = credential(storeAt(), { configuredRefreshToken: sandbox.issueRefreshToken() });
    const refusal = await refusalOf(bot.getToken(GRAPH, { tenantId: NORTHWIND }));

    expect([refusal.service, refusal.tenantId]).toEqual(['Entra', NORTHWIND]);
    expect(['not_in_customer_tenant', 'app_not_consented']).toContain(refusal.reason);
    expect(bot.signInRequired).toBeUndefined();
    expect(claimsOf((await bot.getToken(GRAPH, { tenantId: CONTOSO })).token).tid).toBe(CONTOSO);
  });

  it('when the app proves itself with a certificate (PEM with a passphrase-protected key), then the refresh token is redeemed the same way', async () => {
    const made = await generate([{ name: 'commonName', value: 'CSP Access Bot SAM credential' }], { keyType: 'rsa', keySize: 2048, algorithm: 'sha256' });
    expect((await rawCall(sandbox, 'POST', `/_sandbox/entra/apps/${sandbox.partnerApp.clientId}/certificates`, { token: null, body: { pem: made.cert } })).status).toBe(201);
    const encrypted = createPrivateKey(made.private).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pem-pass' }).toString();
    const file = join(dir, 'sam-app.pem');
    writeFileSync(file, `${made.cert}\n${encrypted}`);
    const bot = credential(storeAt(), { configuredRefreshToken: sandbox.issueRefreshToken(), secret: { kind: 'certificate', certificatePath: file, certificatePassword: 'pem-pass' } });

    expect(claimsOf((await bot.getToken(ARM, { tenantId: CONTOSO })).token)).toMatchObject({ tid: CONTOSO, oid: SERVICE_ACCOUNT, appidacr: '2' });
  });

  it('when the weekly keep-alive runs, then the refresh token is redeemed even though an access token is cached, and the new one is kept', async () => {
    const store = storeAt();
    const bot = credential(store, { configuredRefreshToken: sandbox.issueRefreshToken() });
    await bot.getToken(PARTNER_CENTER);
    const kept = await store.read();
    const before = redemptions().length;
    await bot.renew();
    expect(redemptions().slice(before)).toEqual([[PARTNER, PARTNER_CENTER, 200]]);
    expect(await store.read()).not.toBe(kept);
  });

  it('when the app\'s secret is wrong, then every tenant is refused as an invalid app credential', async () => {
    const bot = credential(storeAt(), { configuredRefreshToken: sandbox.issueRefreshToken(), secret: { kind: 'secret', clientSecret: 'not-the-secret' } });
    const refusal = await refusalOf(bot.getToken(PARTNER_CENTER));
    expect([refusal.service, refusal.reason, refusal.aadsts]).toEqual(['Entra', 'app_credential_invalid', 7000215]);
    expect(bot.signInRequired).toBeUndefined();
  });
});
