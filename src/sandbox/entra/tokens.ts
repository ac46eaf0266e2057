// What the sandbox's Entra issues: v1 access tokens (app-only and App+User), v2 ID tokens, client_info, the JSON answer.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { SandboxResponse } from '../http-kit';
import type { SeedUser } from '../seed';

/** Access tokens live an hour (Entra's default is 60–90 minutes). */
export const ACCESS_TOKEN_LIFETIME_SECONDS = 3599;

const sts = (tenantId: string): string => `https://sts.windows.net/${tenantId}/`;
const opaque = (): string => randomBytes(24).toString('base64url');

/** How the client proved who it is: 0 public client, 1 secret, 2 certificate (`appidacr`). */
export type ClientAuthentication = '0' | '1' | '2';

interface Common {
  readonly tenantId: string;
  readonly audience: string;
  readonly appId: string;
  readonly clientAuth: ClientAuthentication;
  readonly nowSeconds: number;
}

/** An app-only (client credentials) token: `oid`/`sub` = the app's service principal in the tenant, `roles` when granted. */
export function appTokenClaims(input: Common & { readonly servicePrincipalId: string; readonly roles: readonly string[] }): Record<string, unknown> {
  const { tenantId, nowSeconds } = input;
  return {
    aud: input.audience,
    iss: sts(tenantId),
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + ACCESS_TOKEN_LIFETIME_SECONDS,
    aio: opaque(),
    appid: input.appId,
    appidacr: input.clientAuth,
    idp: sts(tenantId),
    idtyp: 'app',
    oid: input.servicePrincipalId,
    rh: opaque(),
    ...(input.roles.length > 0 ? { roles: [...input.roles] } : {}),
    sub: input.servicePrincipalId,
    tid: tenantId,
    uti: opaque(),
    ver: '1.0',
  };
}

/** The pairwise `sub` Entra gives a user per app: stable, not the object id. */
const pairwiseSubject = (userId: string, appId: string): string =>
  createHash('sha256').update(`${userId.toLowerCase()}|${appId.toLowerCase()}`).digest('base64url').slice(0, 43);

/**
 * An App+User token: `oid` = the user in their home tenant; `idp` names that home tenant when the token is issued by
 * another one (a partner user acting in a customer tenant through GDAP or DAP).
 */
export function userTokenClaims(input: Common & { readonly user: SeedUser; readonly scopes: readonly string[]; readonly mfa: boolean }): Record<string, unknown> {
  const { tenantId, nowSeconds, user } = input;
  const foreign = user.tenantId.toLowerCase() !== tenantId.toLowerCase();
  return {
    aud: input.audience,
    iss: sts(tenantId),
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + ACCESS_TOKEN_LIFETIME_SECONDS,
    acr: '1',
    aio: opaque(),
    amr: input.mfa ? ['pwd', 'mfa'] : ['pwd'],
    appid: input.appId,
    appidacr: input.clientAuth,
    ...(user.surname ? { family_name: user.surname } : {}),
    ...(user.givenName ? { given_name: user.givenName } : {}),
    ...(foreign ? { idp: sts(user.tenantId.toLowerCase()) } : {}),
    idtyp: 'user',
    ipaddr: '127.0.0.1',
    name: user.displayName,
    oid: user.id.toLowerCase(),
    puid: createHash('sha256').update(user.id.toLowerCase()).digest('hex').slice(0, 16).toUpperCase(),
    rh: opaque(),
    scp: input.scopes.join(' '),
    sub: pairwiseSubject(user.id, input.appId),
    tid: tenantId,
    unique_name: user.userPrincipalName,
    upn: user.userPrincipalName,
    uti: opaque(),
    ver: '1.0',
  };
}

/** A v2 ID token for the client (MSAL builds its account from it). */
export function idTokenClaims(input: { issuerBase: string; tenantId: string; appId: string; user: SeedUser; nowSeconds: number }): Record<string, unknown> {
  const { nowSeconds, user } = input;
  return {
    aud: input.appId,
    iss: `${input.issuerBase}/${input.tenantId}/v2.0`,
    iat: nowSeconds,
    nbf: nowSeconds,
    exp: nowSeconds + ACCESS_TOKEN_LIFETIME_SECONDS,
    name: user.displayName,
    oid: user.id.toLowerCase(),
    preferred_username: user.userPrincipalName,
    rh: opaque(),
    sub: pairwiseSubject(user.id, input.appId),
    tid: input.tenantId,
    uti: opaque(),
    ver: '2.0',
  };
}

/** `client_info`: base64url JSON of the user's home object id and tenant (MSAL's home account id is `uid.utid`). */
export const clientInfo = (user: SeedUser): string =>
  Buffer.from(JSON.stringify({ uid: user.id.toLowerCase(), utid: user.tenantId.toLowerCase() })).toString('base64url');

/** The `scope` Entra answers with: the permissions granted on the resource (by URI), `.default` when asked, then the OIDC ones. */
export function grantedScope(audience: string, granted: readonly string[], asked: readonly string[], oidc: readonly string[]): string {
  const prefix = audience.replace(/\/+$/, '');
  const named = granted.map((p) => `${prefix}/${p}`);
  const dotDefault = asked.some((p) => p === '.default') ? [`${prefix}/.default`] : [];
  return [...named, ...dotDefault, ...oidc].join(' ');
}

export interface TokenAnswer {
  readonly scope: string;
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly idToken?: string;
  readonly clientInfo?: string;
}

/** 200 with Entra's token response body. */
export function tokenResponse(answer: TokenAnswer, correlationId: string | undefined): SandboxResponse {
  return {
    status: 200,
    headers: { 'cache-control': 'no-store, no-cache', pragma: 'no-cache', 'client-request-id': correlationId ?? randomUUID() },
    body: {
      token_type: 'Bearer',
      scope: answer.scope,
      expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      ext_expires_in: ACCESS_TOKEN_LIFETIME_SECONDS,
      access_token: answer.accessToken,
      ...(answer.refreshToken ? { refresh_token: answer.refreshToken } : {}),
      ...(answer.idToken ? { id_token: answer.idToken } : {}),
      ...(answer.clientInfo ? { client_info: answer.clientInfo } : {}),
    },
  };
}
