// OpenID Connect discovery as Entra publishes it: /{tenant}/v2.0/.well-known/openid-configuration and the JWKS.
import type { SandboxResponse } from '../http-kit';
import type { TenantRef } from './directory';
import type { SigningKeys } from './keys';

const cached = (status: number, body: unknown): SandboxResponse => ({ status, body, headers: { 'cache-control': 'max-age=86400, private', 'access-control-allow-origin': '*' } });

/**
 * The v2 discovery document, shaped like Entra's: endpoints under the tenant as asked for (a domain becomes the
 * tenant id; common/organizations stay as they are, with the `{tenantid}` issuer template and no region).
 * `baseUrl` is the host the client addressed: MSAL requires the issuer on the authority's own host.
 */
export function openIdConfiguration(baseUrl: string, tenant: TenantRef): SandboxResponse {
  const path = tenant.kind === 'tenant' ? tenant.tenantId : tenant.kind;
  const base = `${baseUrl}/${path}`;
  return cached(200, {
    token_endpoint: `${base}/oauth2/v2.0/token`,
    token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
    jwks_uri: `${base}/discovery/v2.0/keys`,
    response_modes_supported: ['query', 'fragment', 'form_post'],
    subject_types_supported: ['pairwise'],
    id_token_signing_alg_values_supported: ['RS256'],
    response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
    scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
    issuer: `${baseUrl}/${tenant.kind === 'tenant' ? tenant.tenantId : '{tenantid}'}/v2.0`,
    request_uri_parameter_supported: false,
    userinfo_endpoint: 'https://graph.microsoft.com/oidc/userinfo',
    authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
    device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
    http_logout_supported: true,
    frontchannel_logout_supported: true,
    end_session_endpoint: `${base}/oauth2/v2.0/logout`,
    claims_supported: ['sub', 'iss', 'cloud_instance_name', 'cloud_instance_host_name', 'cloud_graph_host_name', 'msgraph_host', 'aud', 'exp', 'iat', 'auth_time', 'acr', 'nonce', 'preferred_username', 'name', 'tid', 'ver', 'at_hash', 'c_hash', 'email'],
    kerberos_endpoint: `${base}/kerberos`,
    tenant_region_scope: tenant.kind === 'tenant' ? 'EU' : null,
    cloud_instance_name: 'microsoftonline.com',
    cloud_graph_host_name: 'graph.windows.net',
    msgraph_host: 'graph.microsoft.com',
    rbac_url: 'https://pas.windows.net',
  });
}

/** The signing keys (one: the sandbox's), each with Entra's `issuer` template. v1 (`/discovery/keys`) has no `issuer`. */
export function jwks(baseUrl: string, keys: SigningKeys, v2: boolean): SandboxResponse {
  const { issuer, ...v1 } = keys.jwk(`${baseUrl}/{tenantid}/v2.0`);
  return cached(200, { keys: [v2 ? { ...v1, issuer } : v1] });
}
