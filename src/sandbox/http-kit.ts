// Request/response types of the sandbox server, bearer-token verification and each service's error body shape.
import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';
import type { JwtCheck } from './entra/keys';

export type ServiceFamily = 'PartnerCenter' | 'Graph' | 'ARM' | 'Sandbox';

export interface TokenInfo {
  /** Always true: only verified JWTs reach a route (static bearers are refused). */
  readonly isJwt: boolean;
  /** `tid` claim (lower case). */
  readonly tenantId?: string;
  readonly audience?: string;
  readonly objectId?: string;
  readonly appId?: string;
  readonly expiresAt?: number;
  /** "app" (client credentials) or "user" (App+User); undefined when the token does not say. */
  readonly idtyp?: 'app' | 'user';
  /** Delegated permissions (`scp`, split on spaces); empty for app tokens. */
  readonly scopes: readonly string[];
  /** Application permissions (`roles`); empty for user tokens. */
  readonly roles: readonly string[];
  readonly upn?: string;
  /** Authentication methods (`amr`): "mfa" when the user passed MFA. */
  readonly amr: readonly string[];
  /** The user's home tenant: from `idp` (a partner user acting in a customer tenant), else `tid`. */
  readonly homeTenantId?: string;
}

export interface SandboxRequest {
  readonly method: string;
  /** Path with duplicate slashes collapsed, not decoded. */
  readonly path: string;
  readonly segments: readonly string[];
  readonly query: URLSearchParams;
  readonly headers: IncomingHttpHeaders;
  readonly body: unknown;
  readonly token: TokenInfo;
  /** https://host:port as the client addressed us (for absolute next links). */
  readonly baseUrl: string;
}

export interface SandboxResponse {
  readonly status: number;
  readonly headers?: Record<string, string>;
  /** JSON body; undefined = empty body. */
  readonly body?: unknown;
}

export interface RecordedRequest {
  readonly method: string;
  /** The request target exactly as sent (path and query, still percent-encoded). */
  readonly url: string;
  /** Path with duplicate slashes collapsed (a leading "//" from the Azure SDK becomes "/"). */
  readonly path: string;
  /** Decoded query parameters (last value wins). */
  readonly query: Record<string, string>;
  /** Lower-case header names; `authorization` is reduced to its scheme (e.g. "Bearer"). */
  readonly headers: Record<string, string>;
  readonly body: unknown;
  status?: number;
}

export const json = (status: number, body: unknown, headers?: Record<string, string>): SandboxResponse => ({
  status,
  body,
  headers,
});

export function familyOf(path: string): ServiceFamily | undefined {
  const p = path.toLowerCase();
  if (p.startsWith('/_sandbox/') || p === '/_sandbox') return 'Sandbox';
  if (p.startsWith('/v1.0/') || p === '/v1.0') return 'Graph';
  if (p.startsWith('/v1/') || p === '/v1') return 'PartnerCenter';
  if (p.startsWith('/subscriptions') || p.startsWith('/providers/')) return 'ARM';
  return undefined;
}

/** The error body each service really answers with. */
export function errorFor(family: ServiceFamily, status: number, code: string, message: string, extraHeaders?: Record<string, string>): SandboxResponse {
  const headers = { ...extraHeaders };
  switch (family) {
    case 'PartnerCenter': {
      // Partner Center: {"code", "description", "data", "source"}; its codes are numbers (e.g. 3000).
      const numeric = /^\d+$/.test(code) ? Number(code) : code;
      return json(status, { code: numeric, description: message, data: [], source: 'PartnerFD' }, headers);
    }
    case 'Graph': {
      const innerError = { date: new Date().toISOString().replace(/\.\d+Z$/, ''), 'request-id': randomUUID(), 'client-request-id': randomUUID() };
      return json(status, { error: { code, message, innerError } }, headers);
    }
    default:
      // ARM common-types v2 ErrorResponse.
      return json(status, { error: { code, message } }, headers);
  }
}

const str = (claims: Record<string, unknown>, key: string): string | undefined =>
  typeof claims[key] === 'string' ? (claims[key] as string) : undefined;

export const armError = (status: number, code: string, message: string): SandboxResponse => errorFor('ARM', status, code, message);

/** The token's verified claims as the services read them. */
function tokenInfo(claims: Record<string, unknown>): TokenInfo {
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const idtyp = str(claims, 'idtyp');
  const tid = str(claims, 'tid')?.toLowerCase();
  const idp = /^https:\/\/sts\.windows\.net\/([^/]+)\/$/.exec(str(claims, 'idp') ?? '')?.[1]?.toLowerCase();
  return {
    isJwt: true,
    ...(idtyp === 'app' || idtyp === 'user' ? { idtyp } : {}),
    scopes: (str(claims, 'scp') ?? '').split(' ').filter((s) => s !== ''),
    roles: list(claims.roles),
    upn: str(claims, 'upn'),
    amr: list(claims.amr),
    homeTenantId: idp ?? tid,
    tenantId: tid,
    audience: str(claims, 'aud'),
    objectId: str(claims, 'oid')?.toLowerCase(),
    appId: str(claims, 'appid')?.toLowerCase(),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}

const AUDIENCES: Record<'PartnerCenter' | 'Graph' | 'ARM', string[]> = {
  PartnerCenter: ['https://api.partnercenter.microsoft.com', 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd'],
  Graph: ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'],
  ARM: ['https://management.azure.com', 'https://management.core.windows.net', '797f4846-ba00-4fd7-ba43-dac1f8f63013'],
};

type Family = 'PartnerCenter' | 'Graph' | 'ARM';
type Refusal = 'missing' | 'invalid' | 'notJwt' | 'expired' | 'audience';

/** Each service's own 401 for each reason a bearer is refused. */
function refuse(family: Family, why: Refusal, authority: string, audience?: string): SandboxResponse {
  const header = { 'WWW-Authenticate': `Bearer authorization_uri="${authority}/common", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header."` };
  if (why === 'missing') {
    if (family === 'ARM') return errorFor('ARM', 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", header);
    if (family === 'Graph') return errorFor('Graph', 401, 'InvalidAuthenticationToken', 'Access token is empty.', header);
    return errorFor('PartnerCenter', 401, '401', 'Authorization header is missing or invalid.', header);
  }
  const invalid = { 'WWW-Authenticate': `Bearer authorization_uri="${authority}/common", error="invalid_token"` };
  if (why === 'expired') {
    if (family === 'ARM') return errorFor('ARM', 401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.', invalid);
    if (family === 'Graph') return errorFor('Graph', 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', invalid);
    return errorFor('PartnerCenter', 401, '401', 'The access token has expired.', invalid);
  }
  if (why === 'audience') {
    if (family === 'ARM') {
      return errorFor('ARM', 401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${audience ?? ''}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`, invalid);
    }
    if (family === 'Graph') return errorFor('Graph', 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.', invalid);
    return errorFor('PartnerCenter', 401, '401', 'The access token audience is invalid.', invalid);
  }
  if (family === 'ARM') return errorFor('ARM', 401, 'InvalidAuthenticationToken', 'The access token is invalid.', invalid);
  if (family === 'Graph') {
    return errorFor('Graph', 401, 'InvalidAuthenticationToken', why === 'notJwt' ? 'IDX14100: JWT is not well formed, there are no dots (.).' : 'Access token validation failure.', invalid);
  }
  return errorFor('PartnerCenter', 401, '401', 'The access token is invalid.', invalid);
}

/** Checks a compact JWS's signature against the sandbox's Entra key (see entra/keys.ts). */
export type SignatureCheck = (token: string) => JwtCheck;

/**
 * Verifies `Authorization: Bearer …` as a Microsoft API does: a JWT signed (RS256) by the sandbox's Entra key with a
 * known `kid`, `iss` = `https://sts.windows.net/{tid}/`, not before its `nbf` (5 minutes of skew), not after its
 * `exp`, for this service's audience. Anything else — no header, a static value, `alg: none`, another key — is the
 * service's own 401. `authority`: where the WWW-Authenticate header sends clients.
 */
export function authenticate(family: Family, authorization: string | undefined, verify: SignatureCheck, nowSeconds: number, authority: string): { token: TokenInfo } | { refused: SandboxResponse } {
  const raw = /^Bearer\s+(\S+)$/i.exec(authorization ?? '')?.[1];
  if (raw === undefined) return { refused: refuse(family, 'missing', authority) };
  if (raw.split('.').length !== 3) return { refused: refuse(family, 'notJwt', authority) };
  const checked = verify(raw);
  if (!checked.ok) return { refused: refuse(family, 'invalid', authority) };
  const { claims } = checked;
  const tid = str(claims, 'tid');
  if (tid === undefined || str(claims, 'iss')?.toLowerCase() !== `https://sts.windows.net/${tid.toLowerCase()}/`) return { refused: refuse(family, 'invalid', authority) };
  if (typeof claims.nbf === 'number' && claims.nbf - 300 > nowSeconds) return { refused: refuse(family, 'invalid', authority) };
  if (typeof claims.exp !== 'number' || claims.exp < nowSeconds) return { refused: refuse(family, 'expired', authority) };
  const audience = str(claims, 'aud');
  if (audience === undefined || !AUDIENCES[family].includes(audience.replace(/\/+$/, '').toLowerCase())) return { refused: refuse(family, 'audience', authority, audience) };
  return { token: tokenInfo(claims) };
}

/** Header value as one string (first of repeated headers). */
export function headerValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function recordHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(', ') : value;
    out[key.toLowerCase()] = key.toLowerCase() === 'authorization' ? (text.split(/\s+/)[0] ?? '') : text;
  }
  return out;
}
