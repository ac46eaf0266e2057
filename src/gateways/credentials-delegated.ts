// ACCESS_MODEL=delegated (Secure Application Model): App+User tokens redeemed from the service account's refresh token, per tenant.
import type { AccessToken, GetTokenOptions, TokenCredential } from '@azure/identity';
import { ConfidentialClientApplication } from '@azure/msal-node';
import { AccessDeniedError } from '../services/access-errors';
import type { RefreshTokenStore } from '../store/refresh-token-store';
import type { AzureCredentialOptions } from './credentials';
import { appProof, authorityFor, msalConfiguration, RefreshTokenWatch } from './credentials-msal';
import { entraRefusal, isDeadRefreshToken } from './token-errors';

export interface DelegatedCredentialOptions extends AzureCredentialOptions {
  /** Where the newest refresh token is kept (and read from at start). */
  readonly store: RefreshTokenStore;
  /** PARTNER_REFRESH_TOKEN: used when the store holds none, or when the stored one is refused. */
  readonly configuredRefreshToken?: string;
  /** Access tokens are redeemed again this long before they expire. Default 5 minutes. */
  readonly refreshBeforeExpiryInMs?: number;
  /** Writes to the store at most this often (a Key Vault secret gains a version per write). Default 0: every rotation. */
  readonly minSaveIntervalInMs?: number;
  /** While sign-in is required, the store is read again at most this often (for `npm run consent`'s token). Default 0. */
  readonly storeRecheckIntervalInMs?: number;
  /** The store could not be read or written: the bot goes on with the token it holds. */
  readonly onStoreError?: (error: unknown, action: 'read' | 'save') => void;
  readonly now?: () => number;
}

/** A listener's failure is its own: it must not turn a token into an error. */
function notify(listener: () => void): void {
  try {
    listener();
  } catch {
    // Listeners report their own failures; the token flow goes on.
  }
}

type SignInRequiredListener = (error: AccessDeniedError) => void;
type RestoredListener = () => void;

/**
 * A TokenCredential whose tokens are the partner service account's (App+User): MSAL's confidential client redeems
 * the account's refresh token at `{authorityHost}/{tenant}` for the scope asked, the partner tenant by default and
 * the customer's tenant when a gateway names it. Access tokens are kept per tenant and scope until shortly before
 * they expire (MSAL's own cache cannot serve them: acquireTokenByRefreshToken always calls Entra, and
 * acquireTokenSilent needs an account, which a refresh-token grant without an id token does not create); one
 * redemption at a time per tenant and scope. Each redemption's new refresh token is kept in the store.
 *
 * When the refresh token is dead (revoked, expired, unknown), getToken throws AccessDeniedError `sign_in_required`
 * and onSignInRequired listeners hear it once; when a new token works (from `npm run consent` through the store,
 * or a new PARTNER_REFRESH_TOKEN), onSignInRestored listeners hear it once.
 */
export class DelegatedCredential implements TokenCredential {
  private readonly app: ConfidentialClientApplication;
  private readonly watch = new RefreshTokenWatch();
  private readonly now: () => number;
  private readonly tokens = new Map<string, AccessToken>();
  private readonly inFlight = new Map<string, Promise<AccessToken>>();
  /** Tokens Entra refused for good; never offered again. */
  private readonly refused = new Set<string>();
  private current: string | undefined;
  private stored: string | undefined;
  private storeReadAt: number | undefined;
  private savedToken: string | undefined;
  private savedAt = Number.NEGATIVE_INFINITY;
  private lastRefusal: AccessDeniedError | undefined;
  private signInError: AccessDeniedError | undefined;
  private readonly signInRequiredListeners = new Set<SignInRequiredListener>();
  private readonly restoredListeners = new Set<RestoredListener>();

  constructor(private readonly options: DelegatedCredentialOptions) {
    this.now = options.now ?? Date.now;
    this.app = new ConfidentialClientApplication(
      msalConfiguration({ ...options, cachePlugin: this.watch }, appProof(options.secret, options.authorityHost)),
    );
  }

  /** Hears, once per outage, that the refresh token is dead and someone must run `npm run consent`. Returns an unsubscribe. */
  onSignInRequired(listener: SignInRequiredListener): () => void {
    this.signInRequiredListeners.add(listener);
    return () => this.signInRequiredListeners.delete(listener);
  }

  /** Hears, once, that tokens flow again after a sign-in was required. Returns an unsubscribe. */
  onSignInRestored(listener: RestoredListener): () => void {
    this.restoredListeners.add(listener);
    return () => this.restoredListeners.delete(listener);
  }

  /** The refusal that is waiting for a new sign-in; undefined while tokens flow. */
  get signInRequired(): AccessDeniedError | undefined {
    return this.signInError;
  }

  async getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken> {
    const tenantId = options?.tenantId ?? this.options.tenantId;
    const scopeList = Array.isArray(scopes) ? scopes : [scopes];
    const key = `${tenantId.toLowerCase()} ${scopeList.join(' ')}`;
    const cached = this.tokens.get(key);
    if (cached && cached.expiresOnTimestamp - (this.options.refreshBeforeExpiryInMs ?? 300_000) > this.now()) return cached;
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.redeem(tenantId, scopeList, key).finally(() => this.inFlight.delete(key));
      this.inFlight.set(key, pending);
    }
    return pending;
  }

  /** Redeems the refresh token now (a keep-alive: an unused refresh token dies after 90 days). */
  async renew(): Promise<void> {
    const scope = 'https://api.partnercenter.microsoft.com/.default';
    this.tokens.delete(`${this.options.tenantId.toLowerCase()} ${scope}`);
    await this.getToken(scope);
  }

  private async redeem(tenantId: string, scopes: string[], key: string): Promise<AccessToken> {
    for (;;) {
      const refreshToken = await this.usableRefreshToken();
      let result;
      try {
        // forceCache: without it MSAL drops the answer's tokens from its cache when the account (from the id token) is
        // not cached yet — and the rotated refresh token can only be read from that cache.
        result = await this.app.acquireTokenByRefreshToken({ scopes, refreshToken, authority: authorityFor(this.options.authorityHost, tenantId), forceCache: true });
      } catch (error: unknown) {
        const refusal = entraRefusal(error, tenantId);
        if (refusal?.reason === 'sign_in_required' && isDeadRefreshToken(refusal.aadsts)) {
          // This token is dead everywhere: try the next one (the store's, then PARTNER_REFRESH_TOKEN), if any.
          this.refused.add(refreshToken);
          if (this.current === refreshToken) this.current = undefined;
          this.lastRefusal = refusal;
          continue;
        }
        throw refusal ?? error;
      }
      if (!result) throw new Error(`Entra gave no token for ${scopes.join(' ')} in tenant ${tenantId}`);
      await this.keepNewest(refreshToken);
      this.restored();
      const token: AccessToken = { token: result.accessToken, expiresOnTimestamp: result.expiresOn?.getTime() ?? this.now() + 3_600_000, tokenType: 'Bearer' };
      this.tokens.set(key, token);
      return token;
    }
  }

  /** The token to redeem: the one in use, else the store's newest, else PARTNER_REFRESH_TOKEN; none left → sign-in required. */
  private async usableRefreshToken(): Promise<string> {
    if (this.current !== undefined && !this.refused.has(this.current)) return this.current;
    const stored = await this.readStore();
    for (const candidate of [stored, this.options.configuredRefreshToken]) {
      if (candidate !== undefined && candidate !== '' && !this.refused.has(candidate)) {
        this.current = candidate;
        return candidate;
      }
    }
    throw this.requireSignIn(
      this.lastRefusal ??
        new AccessDeniedError('Entra', 'sign_in_required', `No refresh token for the partner service account: run npm run consent (it stores one in ${this.options.store.location}) or set PARTNER_REFRESH_TOKEN.`, {
          tenantId: this.options.tenantId,
        }),
    );
  }

  private async readStore(): Promise<string | undefined> {
    const at = this.now();
    if (this.storeReadAt !== undefined && at - this.storeReadAt < (this.options.storeRecheckIntervalInMs ?? 0)) return this.stored;
    this.storeReadAt = at;
    try {
      this.stored = await this.options.store.read();
    } catch (error: unknown) {
      this.options.onStoreError?.(error, 'read');
    }
    return this.stored;
  }

  /** Adopts the refresh token Entra just returned and saves it (a failed save keeps the bot going on the one it holds). */
  private async keepNewest(redeemed: string): Promise<void> {
    const newest = this.watch.newest ?? redeemed;
    if (this.current === redeemed || this.current === undefined) this.current = newest;
    if (newest === this.savedToken || this.now() - this.savedAt < (this.options.minSaveIntervalInMs ?? 0)) return;
    try {
      await this.options.store.save(newest);
      this.savedToken = newest;
      this.savedAt = this.now();
      this.stored = newest;
    } catch (error: unknown) {
      this.options.onStoreError?.(error, 'save');
    }
  }

  private requireSignIn(error: AccessDeniedError): AccessDeniedError {
    if (this.signInError === undefined) {
      this.signInError = error;
      for (const listener of [...this.signInRequiredListeners]) notify(() => listener(error));
    }
    return this.signInError;
  }

  private restored(): void {
    if (this.signInError === undefined) return;
    this.signInError = undefined;
    this.lastRefusal = undefined;
    for (const listener of [...this.restoredListeners]) notify(listener);
  }
}
