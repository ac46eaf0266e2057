// Request/response types of the sandbox server, bearer-token decoding and each service's error body shape.
import type { IncomingHttpHeaders } from 'node:http';
import { randomUUID } from 'node:crypto';

export type ServiceFamily = 'PartnerCenter' | 'Graph' | 'ARM' | 'Sandbox';

export interface TokenInfo {
  /** The raw bearer value was a JWT. */
  readonly isJwt: boolean;
  /** `tid` claim; undefined means "any tenant" (a static, non-JWT bearer). */
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

function decodeSegment(segment: string): unknown {
  try {
    return JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

const str = (claims: Record<string, unknown>, key: string): string | undefined =>
  typeof claims[key] === 'string' ? (claims[key] as string) : undefined;

export const armError = (status: number, code: string, message: string): SandboxResponse => errorFor('ARM', status, code, message);

/** Decodes `Authorization: Bearer …`; undefined when absent. Signatures are not checked: this is a sandbox. */
export function readBearer(header: string | undefined): TokenInfo | undefined {
  const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
  const raw = match?.[1];
  if (raw === undefined) return undefined;
  const parts = raw.split('.');
  const payload = parts.length === 3 && parts[1] !== undefined ? decodeSegment(parts[1]) : undefined;
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) return { isJwt: false, scopes: [], roles: [], amr: [] };
  const claims = payload as Record<string, unknown>;
  const list = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);
  const idtyp = str(claims, 'idtyp');
  const tid = str(claims, 'tid');
  const idp = /^https:\/\/sts\.windows\.net\/([^/]+)\/$/.exec(str(claims, 'idp') ?? '')?.[1];
  return {
    ...(idtyp === 'app' || idtyp === 'user' ? { idtyp } : {}),
    scopes: (str(claims, 'scp') ?? '').split(' ').filter((s) => s !== ''),
    roles: list(claims.roles),
    upn: str(claims, 'upn'),
    amr: list(claims.amr),
    homeTenantId: idp ?? tid,
    isJwt: true,
    tenantId: str(claims, 'tid'),
    audience: str(claims, 'aud'),
    objectId: str(claims, 'oid'),
    appId: str(claims, 'appid'),
    expiresAt: typeof claims.exp === 'number' ? claims.exp : undefined,
  };
}

const AUDIENCES: Record<'PartnerCenter' | 'Graph' | 'ARM', string[]> = {
  PartnerCenter: ['https://api.partnercenter.microsoft.com', 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd'],
  Graph: ['https://graph.microsoft.com', '00000003-0000-0000-c000-000000000000'],
  ARM: ['https://management.azure.com', 'https://management.core.windows.net'],
};

/** The 401 a service answers for a missing, expired or wrong-audience token; undefined when the token is fine. */
export function checkToken(family: 'PartnerCenter' | 'Graph' | 'ARM', token: TokenInfo | undefined, nowSeconds: number): SandboxResponse | undefined {
  const header = { 'WWW-Authenticate': 'Bearer authorization_uri="https://login.microsoftonline.com/common", error="invalid_token"' };
  if (!token) {
    if (family === 'ARM') return errorFor('ARM', 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.", header);
    if (family === 'Graph') return errorFor('Graph', 401, 'InvalidAuthenticationToken', 'Access token is empty.', header);
    return errorFor('PartnerCenter', 401, '401', 'Authorization header is missing or invalid.', header);
  }
  if (token.expiresAt !== undefined && token.expiresAt < nowSeconds) {
    if (family === 'ARM') return errorFor('ARM', 401, 'ExpiredAuthenticationToken', 'The access token expiry UTC time is earlier than current UTC time.', header);
    if (family === 'Graph') return errorFor('Graph', 401, 'InvalidAuthenticationToken', 'Lifetime validation failed, the token is expired.', header);
    return errorFor('PartnerCenter', 401, '401', 'The access token has expired.', header);
  }
  const aud = token.audience?.replace(/\/+$/, '').toLowerCase();
  if (aud !== undefined && !AUDIENCES[family].includes(aud)) {
    if (family === 'ARM') {
      return errorFor('ARM', 401, 'InvalidAuthenticationTokenAudience', `The access token has been obtained for wrong audience or resource '${token.audience}'. It should exactly match with one of the allowed audiences 'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com'.`, header);
    }
    if (family === 'Graph') return errorFor('Graph', 401, 'InvalidAuthenticationToken', 'Access token validation failure. Invalid audience.', header);
    return errorFor('PartnerCenter', 401, '401', 'The access token audience is invalid.', header);
  }
  return undefined;
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
