// `npm run consent`: the partner service account signs in by device code (MFA); its refresh token goes where the bot reads it.
import { PublicClientApplication, type AuthenticationResult, type INetworkModule, type NetworkRequestOptions, type NetworkResponse } from '@azure/msal-node';
import type { TokenCredential } from '@azure/identity';
import { ConfigError, loadConfig, type AppConfig } from './config';
import { authorityFor, msalConfiguration, RefreshTokenWatch } from './gateways/credentials-msal';
import { entraNetworkClient } from './gateways/credentials-network';
import { openRefreshTokenStore } from './gateways/credentials-setup';
import { entraRefusal } from './gateways/token-errors';

export const CONSENT_CLI_USAGE = `Usage:
  consent
      Signs in the partner's integration account (a member of the security group nested under Admin Agents,
      with MFA) by device code at {AZURE_AUTHORITY_HOST}/{PARTNER_TENANT_ID}, for Partner Center
      (user_impersonation, offline_access), through the partner's app (AZURE_CLIENT_ID; its registration must
      allow public client flows). Open the page it prints, enter the code, sign in.
      The refresh token is stored where the bot reads it: the Key Vault secret REFRESH_TOKEN_SECRET_NAME in
      KEY_VAULT_URL (signed in with az login or a managed identity), else the STORE database. It is never printed.
Exit codes: 0 stored, 1 bad settings or the sign-in failed, 2 signed in without MFA (not stored).
`;

export const EXIT_STORED = 0;
export const EXIT_FAILED = 1;
export const EXIT_NO_MFA = 2;

/** What the service account consents to: Partner Center on its behalf, and a refresh token (the same app redeems it for Graph and ARM). */
export const CONSENT_SCOPES = ['https://api.partnercenter.microsoft.com/user_impersonation', 'offline_access'];

export interface ConsentCliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  /** Environment handed to loadConfig; the process environment when omitted. */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Extra CA to trust (tests: an in-process authority); otherwise NODE_EXTRA_CA_CERTS does it. */
  readonly tlsCa?: string;
  /** Who writes the Key Vault secret; default DefaultAzureCredential (az login, or a managed identity). */
  readonly vaultCredential?: TokenCredential;
}

/** The access token's `amr` (read, not verified: it just came from the authority over TLS). */
function methodsOf(result: AuthenticationResult): string[] {
  try {
    const payload: unknown = JSON.parse(Buffer.from(result.accessToken.split('.')[1] ?? '', 'base64url').toString('utf8'));
    const amr = typeof payload === 'object' && payload !== null ? (payload as { amr?: unknown }).amr : undefined;
    return Array.isArray(amr) ? amr.filter((m): m is string => typeof m === 'string') : [];
  } catch {
    return [];
  }
}

/**
 * Entra's network client, remembering the last refusal's description: MSAL's device-code polling reports only
 * "post_request_failed: interaction_required" and drops Entra's sentence (AADSTS50076: … multi-factor …).
 */
function refusalWatchingClient(tlsCa: string | undefined): { client: INetworkModule; lastRefusal: () => string | undefined } {
  const inner = entraNetworkClient(tlsCa);
  let last: string | undefined;
  return {
    lastRefusal: () => last,
    client: {
      sendGetRequestAsync: (url, options, timeout) => inner.sendGetRequestAsync(url, options, timeout),
      sendPostRequestAsync: async <T>(url: string, options?: NetworkRequestOptions): Promise<NetworkResponse<T>> => {
        const response = await inner.sendPostRequestAsync<T>(url, options);
        const body: unknown = response.body;
        const description = typeof body === 'object' && body !== null ? (body as { error?: unknown; error_description?: unknown }) : {};
        if (response.status >= 400 && description.error !== 'authorization_pending' && typeof description.error_description === 'string') {
          last = description.error_description.split(/\r?\n/)[0];
        }
        return response;
      },
    },
  };
}

function appOf(config: AppConfig): { clientId: string; authorityHost?: string } {
  const app = config.azureCredential;
  if (!app) throw new ConfigError([{ key: 'AZURE_CLIENT_ID', message: 'is required: the partner\'s multi-tenant app the account signs in to (with its secret, certificate or managed identity, as the bot runs)' }]);
  return { clientId: app.clientId, ...(app.authorityHost ? { authorityHost: app.authorityHost } : {}) };
}

/** Runs one sign-in; resolves to the exit code. Never calls process.exit, so tests call it directly. */
export async function runConsentCli(argv: readonly string[], io: ConsentCliIo): Promise<number> {
  const [command] = argv;
  if (command === 'help' || command === '--help' || command === '-h') {
    io.stdout(CONSENT_CLI_USAGE);
    return EXIT_STORED;
  }
  if (command !== undefined) {
    io.stderr(`consent: unknown argument "${command}"\n\n${CONSENT_CLI_USAGE}`);
    return EXIT_FAILED;
  }
  let config: AppConfig;
  let app: { clientId: string; authorityHost?: string };
  try {
    config = loadConfig(io.env);
    app = appOf(config);
  } catch (error) {
    io.stderr(`consent: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  }
  const watch = new RefreshTokenWatch();
  const network = refusalWatchingClient(io.tlsCa);
  const client = new PublicClientApplication(
    msalConfiguration({ clientId: app.clientId, tenantId: config.partnerTenantId, ...(app.authorityHost ? { authorityHost: app.authorityHost } : {}), cachePlugin: watch, networkClient: network.client }),
  );
  let result: AuthenticationResult | null;
  try {
    result = await client.acquireTokenByDeviceCode({
      scopes: CONSENT_SCOPES,
      authority: authorityFor(app.authorityHost, config.partnerTenantId),
      // Microsoft's own sentence: the page to open and the code to enter.
      deviceCodeCallback: (response) => io.stdout(`${response.message}\n`),
    });
  } catch (error) {
    const refusal = entraRefusal(error, config.partnerTenantId);
    io.stderr(`consent: the sign-in did not complete: ${network.lastRefusal() ?? refusal?.message ?? (error instanceof Error ? error.message : String(error))}\n`);
    return EXIT_FAILED;
  }
  const refreshToken = watch.newest;
  if (!result || refreshToken === undefined) {
    io.stderr('consent: Entra returned no refresh token (was offline_access granted?); nothing stored\n');
    return EXIT_FAILED;
  }
  const who = result.account?.username ?? 'the account';
  if (!methodsOf(result).includes('mfa')) {
    io.stderr(`consent: ${who} signed in without multi-factor authentication; Partner Center refuses App+User calls without it. Nothing stored: sign in again with MFA.\n`);
    return EXIT_NO_MFA;
  }
  const store = openRefreshTokenStore({
    storePath: config.storePath,
    ...(config.keyVault ? { keyVault: config.keyVault } : {}),
    ...(io.vaultCredential ? { vaultCredential: io.vaultCredential } : {}),
    ...(io.tlsCa ? { tlsCa: io.tlsCa } : {}),
  });
  try {
    await store.save(refreshToken);
  } catch (error) {
    io.stderr(`consent: signed in as ${who}, but the refresh token could not be stored in ${store.location}: ${error instanceof Error ? error.message : String(error)}\n`);
    return EXIT_FAILED;
  } finally {
    await store.close();
  }
  io.stdout(`Signed in as ${who}. The refresh token is stored in ${store.location}; the bot uses it from its next start, or at once if it is waiting for this sign-in.\n`);
  return EXIT_STORED;
}

if (require.main === module) {
  void runConsentCli(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then((code) => {
    process.exitCode = code;
  });
}
