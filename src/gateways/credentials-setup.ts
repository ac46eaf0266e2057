// Chooses the bot's credential for ACCESS_MODEL (app-only or the Secure Application Model) and where the refresh token is kept.
import type { TokenCredential } from '@azure/identity';
import type { RefreshTokenStore } from '../store/refresh-token-store';
import { openSqliteRefreshTokens } from '../store/sqlite-refresh-tokens';
import { createAzureCredential, type AzureCredentialOptions } from './credentials';
import { DelegatedCredential } from './credentials-delegated';

/** A Key Vault secret gains a version per write: the newest token is written at most hourly (any saved one stays valid for 90 days of disuse). */
export const KEY_VAULT_SAVE_INTERVAL_IN_MS = 3_600_000;
/** While sign-in is required, Key Vault is asked for a new token (from `npm run consent`) at most this often. */
export const KEY_VAULT_RECHECK_INTERVAL_IN_MS = 30_000;
/** An unused refresh token dies after 90 days: the bot redeems it weekly even when nobody asks for anything (CIPP does the same). */
export const REFRESH_TOKEN_KEEP_ALIVE_IN_MS = 7 * 24 * 3_600_000;

export interface RefreshTokenStoreSettings {
  /** KEY_VAULT_URL and REFRESH_TOKEN_SECRET_NAME; absent: the STORE SQLite file. */
  readonly keyVault?: { readonly url: string; readonly secretName: string };
  readonly storePath: string;
  /** AZURE_MANAGED_IDENTITY_CLIENT_ID (a user-assigned identity reads the vault); else the system-assigned one or a developer sign-in. */
  readonly managedIdentityClientId?: string;
  /** A TokenCredential for the vault (tests); default the managed identity. */
  readonly vaultCredential?: TokenCredential;
  readonly tlsCa?: string;
}

export function openRefreshTokenStore(settings: RefreshTokenStoreSettings): RefreshTokenStore {
  if (!settings.keyVault) return openSqliteRefreshTokens(settings.storePath);
  // Loaded only when KEY_VAULT_URL is set: the Key Vault SDK (with its poller and XML parser) was a tenth of what the
  // bot loads beyond the echo bot at start-up, for a vault most installations do not use (bench/README.md).
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on first use on purpose (see above)
  const { openKeyVaultRefreshTokens } = require('../store/key-vault-refresh-tokens') as typeof import('../store/key-vault-refresh-tokens');
  return openKeyVaultRefreshTokens({
    vaultUrl: settings.keyVault.url,
    secretName: settings.keyVault.secretName,
    ...(settings.vaultCredential ? { credential: settings.vaultCredential } : {}),
    ...(settings.managedIdentityClientId ? { managedIdentityClientId: settings.managedIdentityClientId } : {}),
    ...(settings.tlsCa ? { tlsCa: settings.tlsCa } : {}),
  });
}

export type PartnerCredential =
  | { readonly accessModel: 'app'; readonly credential: TokenCredential }
  | { readonly accessModel: 'delegated'; readonly credential: DelegatedCredential; readonly refreshTokens: RefreshTokenStore };

export interface PartnerCredentialSettings {
  readonly accessModel: 'delegated' | 'app';
  /** The partner's multi-tenant app, its authority and the CA to trust for it. */
  readonly app: AzureCredentialOptions;
  /** delegated: PARTNER_REFRESH_TOKEN (or the one the built-in sandbox issued). */
  readonly configuredRefreshToken?: string;
  /** delegated: where the newest refresh token is kept. */
  readonly refreshTokens?: RefreshTokenStoreSettings;
  readonly onStoreError?: (error: unknown, action: 'read' | 'save') => void;
  /** app: the bot's clock (ms), which spaces a tenant's token renewals; default Date.now. */
  readonly now?: () => number;
}

/** app: the app's client credentials in each tenant. delegated: the service account's refresh token, kept newest in the store. */
export function createPartnerCredential(settings: PartnerCredentialSettings): PartnerCredential {
  if (settings.accessModel === 'app') return { accessModel: 'app', credential: createAzureCredential(settings.app, settings.now ? { now: settings.now } : {}) };
  if (!settings.refreshTokens) throw new Error('The delegated access model needs a refresh-token store');
  const refreshTokens = openRefreshTokenStore(settings.refreshTokens);
  const inVault = settings.refreshTokens.keyVault !== undefined;
  const credential = new DelegatedCredential({
    ...settings.app,
    store: refreshTokens,
    ...(settings.configuredRefreshToken ? { configuredRefreshToken: settings.configuredRefreshToken } : {}),
    ...(inVault ? { minSaveIntervalInMs: KEY_VAULT_SAVE_INTERVAL_IN_MS, storeRecheckIntervalInMs: KEY_VAULT_RECHECK_INTERVAL_IN_MS } : {}),
    ...(settings.onStoreError ? { onStoreError: settings.onStoreError } : {}),
  });
  return { accessModel: 'delegated', credential, refreshTokens };
}
