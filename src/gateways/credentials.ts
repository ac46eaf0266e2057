// The partner app's credential (ACCESS_MODEL=app: client credentials in each tenant) and the per-tenant wrapper the gateways use.
import {
  ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential,
  type AccessToken, type GetTokenOptions, type TokenCredential,
} from '@azure/identity';
import { isMicrosoftAuthorityHost } from './credentials-network';
import { tlsWithExtraCa } from './rest-pipeline';
import { withEntraRefusals } from './token-errors';

/** How the partner's multi-tenant app proves who it is (one of them). */
export type AzureAppSecret =
  | { readonly kind: 'secret'; readonly clientSecret: string }
  /** A PEM file holding the certificate and its private key (the certificate is uploaded to the app registration). */
  | { readonly kind: 'certificate'; readonly certificatePath: string; readonly certificatePassword?: string }
  /**
   * No secret at all: the App Service's managed identity is a federated credential of the app (workload identity
   * federation). A managed identity alone cannot act in customer tenants; the multi-tenant app can.
   * `clientId`: a user-assigned identity's client id; absent: the system-assigned identity.
   */
  | { readonly kind: 'managedIdentity'; readonly clientId?: string };

export interface AzureCredentialOptions {
  /** The partner tenant, where the bot's app registration lives. */
  readonly tenantId: string;
  /** The partner's multi-tenant app. */
  readonly clientId: string;
  readonly secret: AzureAppSecret;
  /** Entra authority host, e.g. https://login.microsoftonline.us for US Government; default the public cloud's. */
  readonly authorityHost?: string;
  /** Extra CA (PEM) to trust for the authority besides Node's roots, e.g. a local authority's. */
  readonly tlsCa?: string;
}

/** The token-exchange audience a managed identity asks for when it acts as an app's federated credential. */
export function tokenExchangeAudience(authorityHost: string | undefined): string {
  const host = (authorityHost ?? '').toLowerCase();
  if (host.includes('microsoftonline.us')) return 'api://AzureADTokenExchangeUSGov';
  if (host.includes('chinacloudapi.cn') || host.includes('microsoftonline.cn')) return 'api://AzureADTokenExchangeChina';
  return 'api://AzureADTokenExchange';
}

/** The managed identity's token, as the client assertion of the app (workload identity federation); cached by @azure/identity. */
export function managedIdentityAssertion(secret: Extract<AzureAppSecret, { kind: 'managedIdentity' }>, authorityHost: string | undefined): () => Promise<string> {
  const identity = secret.clientId ? new ManagedIdentityCredential({ clientId: secret.clientId }) : new ManagedIdentityCredential();
  const audience = `${tokenExchangeAudience(authorityHost)}/.default`;
  return async () => (await identity.getToken(audience)).token;
}

/** A tenant's tokens are renewed only once they are this old: at most one new token per tenant a minute (a customer that never consents included). */
export const TOKEN_RENEWAL_INTERVAL_IN_MS = 60_000;

/** A credential whose cached tokens for one tenant can be dropped, so that the next token there is newly issued. */
export interface RenewableCredential extends TokenCredential {
  /**
   * Forgets `tenantId`'s tokens (the next getToken there asks Entra) when they were first asked for at least
   * TOKEN_RENEWAL_INTERVAL_IN_MS ago; true when forgotten. Entra writes an app's permissions into a token when it
   * issues it: only a new token shows a consent given since the cached one.
   */
  renewTokens(tenantId: string): boolean;
}

export function isRenewable(credential: TokenCredential): credential is RenewableCredential {
  return typeof (credential as Partial<RenewableCredential>).renewTokens === 'function';
}

/**
 * One @azure/identity credential per tenant, made on first use: each holds its own MSAL cache, so dropping one
 * renews that tenant's tokens and no other's (@azure/identity offers no way to skip or clear its cache for one request).
 */
class PerTenantCredential implements RenewableCredential {
  private readonly tenants = new Map<string, { readonly credential: TokenCredential; readonly madeAt: number }>();

  constructor(
    private readonly make: (tenantId: string) => TokenCredential,
    private readonly homeTenantId: string,
    private readonly now: () => number,
    private readonly intervalInMs: number,
  ) {}

  getToken(scopes: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> {
    const tenantId = options?.tenantId ?? this.homeTenantId;
    const key = tenantId.toLowerCase();
    let entry = this.tenants.get(key);
    if (!entry) {
      entry = { credential: this.make(tenantId), madeAt: this.now() };
      this.tenants.set(key, entry);
    }
    return entry.credential.getToken(scopes, options);
  }

  renewTokens(tenantId: string): boolean {
    const key = tenantId.toLowerCase();
    const entry = this.tenants.get(key);
    if (!entry || this.now() - entry.madeAt < this.intervalInMs) return false;
    this.tenants.delete(key);
    return true;
  }
}

/**
 * The partner's multi-tenant app credential (client secret, certificate or managed identity as federated
 * credential): app-only tokens, asked for in whichever tenant the gateway names (each gateway wraps it with
 * forTenant()). A host that is not Microsoft's is trusted as configured (no instance discovery). Entra's refusals come
 * out as AccessDeniedError. Tokens are cached per tenant and scope by @azure/identity, in one cache per tenant, which
 * renewTokens() drops (after a refusal that a consent may have lifted since).
 */
export function createAzureCredential(
  options: AzureCredentialOptions,
  renewal: { readonly now?: () => number; readonly intervalInMs?: number } = {},
): RenewableCredential {
  const tlsOptions = tlsWithExtraCa(options.tlsCa);
  const common = {
    additionallyAllowedTenants: ['*'],
    ...(options.authorityHost ? { authorityHost: options.authorityHost } : {}),
    ...(isMicrosoftAuthorityHost(options.authorityHost) ? {} : { disableInstanceDiscovery: true }),
    ...(tlsOptions ? { tlsOptions } : {}),
  };
  const secret = options.secret;
  let make: (tenantId: string) => TokenCredential;
  switch (secret.kind) {
    case 'secret':
      make = (tenantId) => new ClientSecretCredential(tenantId, options.clientId, secret.clientSecret, common);
      break;
    case 'certificate': {
      const certificate = { certificatePath: secret.certificatePath, ...(secret.certificatePassword ? { certificatePassword: secret.certificatePassword } : {}) };
      make = (tenantId) => new ClientCertificateCredential(tenantId, options.clientId, certificate, common);
      break;
    }
    case 'managedIdentity': {
      // One managed-identity token serves as the app's assertion in every tenant.
      const assertion = managedIdentityAssertion(secret, options.authorityHost);
      make = (tenantId) => new ClientAssertionCredential(tenantId, options.clientId, assertion, common);
      break;
    }
  }
  return new PerTenantCredential(
    (tenantId) => withEntraRefusals(make(tenantId), tenantId),
    options.tenantId,
    renewal.now ?? Date.now,
    renewal.intervalInMs ?? TOKEN_RENEWAL_INTERVAL_IN_MS,
  );
}

/** The sandbox seed's partner tenant (a shorthand for tests; the value lives in config). */
export { SANDBOX_PARTNER_TENANT_ID } from '../config';

/** Wraps a credential so that every token it gives is for `tenantId` (one wrapper per customer tenant). */
export function forTenant(credential: TokenCredential, tenantId: string): TokenCredential {
  return {
    getToken: (scopes, options) => credential.getToken(scopes, { ...options, tenantId }),
  };
}

