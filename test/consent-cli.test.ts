// `npm run consent` against the sandbox's Entra: the device-code sign-in prints Microsoft's sentence, stores the refresh
// token where the bot reads it (never printing it), and the bot's credential then acts with it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../src/config';
import { EXIT_FAILED, EXIT_STORED, runConsentCli, type ConsentCliIo } from '../src/consent-cli';
import { createPartnerCredential } from '../src/gateways/credentials-setup';
import { startSandbox, type RunningSandbox } from '../src/sandbox';
import { openSqliteRefreshTokens } from '../src/store/sqlite-refresh-tokens';
import { rawCall } from './sandbox/raw-client';
import { startVaultStandIn, vaultIdentity } from './support/key-vault-stand-in';
import { claimsOf } from './support/sandbox-tokens';

const PARTNER = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
const CONTOSO = 'c0000001-0000-4000-8000-000000000001';
const SERVICE_ACCOUNT = '5a0e0001-0000-4000-8000-000000000006';
const PAT_WITHOUT_MFA = '5a0e0001-0000-4000-8000-000000000004';

let sandbox: RunningSandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, deviceCodeIntervalSeconds: 1 });
});
afterAll(async () => {
  await sandbox.stop();
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'csp-consent-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const envFor = (storePath: string): Record<string, string> => ({
  CLOUD: 'azure', PARTNER_TENANT_ID: PARTNER, AZURE_AUTHORITY_HOST: sandbox.authorityHost,
  AZURE_CLIENT_ID: sandbox.partnerApp.clientId, AZURE_CLIENT_SECRET: sandbox.partnerApp.clientSecret,
  BOT_ID: 'bot', BOT_PASSWORD: 'pw', BOT_TENANT_ID: PARTNER, APPROVERS: '5a0e0001-0000-4000-8000-000000000002', STORE: `sqlite:${storePath}`,
});

/** Runs the command; when it prints Microsoft's sentence, `who` enters the code on the sign-in page (the sandbox's approve route). */
async function consentAs(who: string, env: Record<string, string>, io: Partial<ConsentCliIo> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  let approved: Promise<unknown> = Promise.resolve();
  const code = await runConsentCli([], {
    env,
    tlsCa: sandbox.caCertPem,
    ...io,
    stderr: (text) => { stderr += text; },
    stdout: (text) => {
      stdout += text;
      const userCode = /enter the code (\S+) to authenticate/.exec(text)?.[1];
      if (userCode) approved = rawCall(sandbox, 'POST', '/_sandbox/entra/devicecode/approve', { token: null, body: { userCode, userId: who } });
    },
  });
  await approved;
  return { code, stdout, stderr };
}

describe('npm run consent', () => {
  it('when the service account signs in with the printed code, then the refresh token is stored in STORE, not printed, and the bot acts with it', async () => {
    const storePath = join(dir, 'bot.db');
    const { code, stdout, stderr } = await consentAs(SERVICE_ACCOUNT, envFor(storePath));

    expect([code, stderr]).toEqual([EXIT_STORED, '']);
    expect(stdout).toMatch(new RegExp(`^To sign in, use a web browser to open the page ${sandbox.authorityHost}/\\S+ and enter the code \\S+ to authenticate\\.\\n`));
    expect(stdout).toContain(`The refresh token is stored in the store ${storePath}`);
    const reader = openSqliteRefreshTokens(storePath);
    const stored = await reader.read();
    await reader.close();
    expect(stored).toBeDefined();
    expect(stdout).not.toContain(stored ?? 'no token');
    const devicecode = sandbox.entraRequests.find((r) => r.path.endsWith('/oauth2/v2.0/devicecode'));
    expect(devicecode?.path).toBe(`/${PARTNER}/oauth2/v2.0/devicecode`);
    expect((devicecode?.body as Record<string, string | undefined>).scope?.split(' ')).toEqual(expect.arrayContaining(['https://api.partnercenter.microsoft.com/user_impersonation', 'offline_access']));

    // The bot, started on the same settings without PARTNER_REFRESH_TOKEN, takes the stored token up.
    const config = loadConfig(envFor(storePath));
    const bot = createPartnerCredential({
      accessModel: config.accessModel, app: { ...(config.azureCredential ?? fail()), tlsCa: sandbox.caCertPem }, refreshTokens: { storePath: config.storePath },
    });
    if (bot.accessModel !== 'delegated') throw new Error('expected the delegated model');
    const token = claimsOf((await bot.credential.getToken('https://management.azure.com/.default', { tenantId: CONTOSO })).token);
    expect(token).toMatchObject({ tid: CONTOSO, oid: SERVICE_ACCOUNT, idp: `https://sts.windows.net/${PARTNER}/` });
    await bot.refreshTokens.close();
  });

  it('when KEY_VAULT_URL is set, then the refresh token becomes the Key Vault secret and the command names the vault and secret', async () => {
    const vault = await startVaultStandIn();
    const env = { ...envFor(join(dir, 'bot.db')), KEY_VAULT_URL: vault.url, REFRESH_TOKEN_SECRET_NAME: 'litware-sam-refresh-token' };
    const { code, stdout } = await consentAs(SERVICE_ACCOUNT, env, { tlsCa: `${sandbox.caCertPem}\n${vault.ca}`, vaultCredential: vaultIdentity() });

    expect(code).toBe(EXIT_STORED);
    expect(stdout).toContain(`The refresh token is stored in Key Vault ${vault.url}, secret "litware-sam-refresh-token"`);
    const secret = vault.secrets.get('litware-sam-refresh-token')?.value;
    expect(secret).toBeDefined();
    expect(stdout).not.toContain(secret ?? 'no token');
    await vault.stop();
  });

  it('when the person who signs in has no MFA, then nothing is stored and the command says why', async () => {
    const storePath = join(dir, 'bot.db');
    const { code, stderr } = await consentAs(PAT_WITHOUT_MFA, envFor(storePath));

    expect(code).not.toBe(EXIT_STORED);
    expect(stderr).toMatch(/multi-factor|MFA|AADSTS50076/i);
    const reader = openSqliteRefreshTokens(storePath);
    expect(await reader.read()).toBeUndefined();
    await reader.close();
  });

  it('when the partner app is not configured or an argument is unknown, then it stops before any sign-in, naming the setting', async () => {
    const errors: string[] = [];
    const io = { stdout: () => undefined, stderr: (text: string) => void errors.push(text), env: { STORE: `sqlite:${join(dir, 'bot.db')}` } };
    expect(await runConsentCli([], io)).toBe(EXIT_FAILED);
    expect(await runConsentCli(['--now'], io)).toBe(EXIT_FAILED);
    expect(errors[0]).toContain('AZURE_CLIENT_ID');
    expect(errors[1]).toContain('unknown argument "--now"');
  });
});

function fail(): never {
  throw new Error('no app credential in the configuration');
}
