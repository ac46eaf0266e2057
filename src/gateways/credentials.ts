// Token credentials: the sandbox's unsigned tokens, the real multi-tenant app credential, and a per-tenant wrapper.
import {
  ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential,
  type AccessToken, type GetTokenOptions, type TokenCredential,
} from '@azure/identity';

/** The sandbox seed's partner tenant (Litware CSP); the default tenant of sandbox tokens. */
export const SANDBOX_PARTNER_TENANT_ID = '4f1c2a8e-6b3d-4e59-9a7c-2d8e5f0b1a34';
/** The object id and app id the sandbox credential claims to be (the partner's bot app). */
export const SANDBOX_APP_ID = '9e1b0c52-7a6f-4d1e-b3c8-5f2a4d6e8b10';

export interface SandboxCredentialOptions {
  /** Tenant used when getToken is not given one; defaults to the sandbox partner tenant. */
  defaultTenantId?: string;
  /** Token lifetime; default one hour. */
  lifetimeInMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');

/** The resource a `.default` scope asks for: "https://graph.microsoft.com/.default" → "https://graph.microsoft.com". */
export function audienceOf(scopes: string | string[]): string {
  const first = Array.isArray(scopes) ? (scopes[0] ?? '') : scopes;
  return first.replace(/\/\.default$/, '');
}

/**
 * A credential for the sandbox cloud: mints unsigned JWTs (`alg: none`) carrying `tid` (from getToken's
 * `tenantId`, else the default tenant), `aud` (from the scope), `iss`, `oid`, `appid` and `exp`. Never use with Azure.
 */
export function createSandboxCredential(options: SandboxCredentialOptions = {}): TokenCredential {
  const now = options.now ?? Date.now;
  const lifetime = options.lifetimeInMs ?? 3600_000;
  return {
    async getToken(scopes: string | string[], tokenOptions?: GetTokenOptions): Promise<AccessToken> {
      const tenant = tokenOptions?.tenantId ?? options.defaultTenantId ?? SANDBOX_PARTNER_TENANT_ID;
      const issuedAt = Math.floor(now() / 1000);
      const expiresOnTimestamp = now() + lifetime;
      const claims = {
        aud: audienceOf(scopes),
        iss: `https://sts.windows.net/${tenant}/`,
        iat: issuedAt,
        nbf: issuedAt,
        exp: Math.floor(expiresOnTimestamp / 1000),
        tid: tenant,
        oid: SANDBOX_APP_ID,
        appid: SANDBOX_APP_ID,
        idtyp: 'app',
      };
      return { token: `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`, expiresOnTimestamp, tokenType: 'Bearer' };
    },
  };
}

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
  /** Entra authority, e.g. https://login.microsoftonline.us for US Government; default the public cloud's. */
  readonly authorityHost?: string;
}

/** The token-exchange audience a managed identity asks for when it acts as an app's federated credential. */
export function tokenExchangeAudience(authorityHost: string | undefined): string {
  const host = (authorityHost ?? '').toLowerCase();
  if (host.includes('microsoftonline.us')) return 'api://AzureADTokenExchangeUSGov';
  if (host.includes('chinacloudapi.cn')) return 'api://AzureADTokenExchangeChina';
  return 'api://AzureADTokenExchange';
}

/**
 * The partner's multi-tenant app credential (client secret, certificate or managed identity as federated
 * credential). `additionallyAllowedTenants: ['*']` lets the gateways ask for tokens in customer tenants (GDAP):
 * each gateway wraps it with forTenant(). Tokens are cached per tenant and scope by @azure/identity (MSAL).
 */
export function createAzureCredential(options: AzureCredentialOptions): TokenCredential {
  const common = { additionallyAllowedTenants: ['*'], ...(options.authorityHost ? { authorityHost: options.authorityHost } : {}) };
  const secret = options.secret;
  switch (secret.kind) {
    case 'secret':
      return new ClientSecretCredential(options.tenantId, options.clientId, secret.clientSecret, common);
    case 'certificate':
      return new ClientCertificateCredential(
        options.tenantId,
        options.clientId,
        { certificatePath: secret.certificatePath, ...(secret.certificatePassword ? { certificatePassword: secret.certificatePassword } : {}) },
        common,
      );
    case 'managedIdentity': {
      const identity = secret.clientId ? new ManagedIdentityCredential({ clientId: secret.clientId }) : new ManagedIdentityCredential();
      const audience = `${tokenExchangeAudience(options.authorityHost)}/.default`;
      return new ClientAssertionCredential(options.tenantId, options.clientId, async () => (await identity.getToken(audience)).token, common);
    }
  }
}

/** Wraps a credential so that every token it gives is for `tenantId` (one wrapper per customer tenant). */
export function forTenant(credential: TokenCredential, tenantId: string): TokenCredential {
  return {
    getToken: (scopes, options) => credential.getToken(scopes, { ...options, tenantId }),
  };
}
