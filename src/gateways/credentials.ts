// The partner app's credential (ACCESS_MODEL=app: client credentials in each tenant) and the per-tenant wrapper the gateways use.
import {
  ClientAssertionCredential, ClientCertificateCredential, ClientSecretCredential, ManagedIdentityCredential, type TokenCredential,
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

/**
 * The partner's multi-tenant app credential (client secret, certificate or managed identity as federated
 * credential): app-only tokens, asked for in whichever tenant the gateway names (`additionallyAllowedTenants: ['*']`;
 * each gateway wraps it with forTenant()). A host that is not Microsoft's is trusted as configured (no instance
 * discovery). Entra's refusals come out as AccessDeniedError. Tokens are cached per tenant and scope by @azure/identity.
 */
export function createAzureCredential(options: AzureCredentialOptions): TokenCredential {
  const tlsOptions = tlsWithExtraCa(options.tlsCa);
  const common = {
    additionallyAllowedTenants: ['*'],
    ...(options.authorityHost ? { authorityHost: options.authorityHost } : {}),
    ...(isMicrosoftAuthorityHost(options.authorityHost) ? {} : { disableInstanceDiscovery: true }),
    ...(tlsOptions ? { tlsOptions } : {}),
  };
  const secret = options.secret;
  let credential: TokenCredential;
  switch (secret.kind) {
    case 'secret':
      credential = new ClientSecretCredential(options.tenantId, options.clientId, secret.clientSecret, common);
      break;
    case 'certificate':
      credential = new ClientCertificateCredential(
        options.tenantId,
        options.clientId,
        { certificatePath: secret.certificatePath, ...(secret.certificatePassword ? { certificatePassword: secret.certificatePassword } : {}) },
        common,
      );
      break;
    case 'managedIdentity':
      credential = new ClientAssertionCredential(options.tenantId, options.clientId, managedIdentityAssertion(secret, options.authorityHost), common);
      break;
  }
  return withEntraRefusals(credential, options.tenantId);
}

/** The sandbox seed's partner tenant (a shorthand for tests; the value lives in config). */
export { SANDBOX_PARTNER_TENANT_ID } from '../config';

/** Wraps a credential so that every token it gives is for `tenantId` (one wrapper per customer tenant). */
export function forTenant(credential: TokenCredential, tenantId: string): TokenCredential {
  return {
    getToken: (scopes, options) => credential.getToken(scopes, { ...options, tenantId }),
  };
}

