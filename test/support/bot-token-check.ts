// The Bot Connector's side of the bot's outbound token: an Entra-signed JWT for the connector, issued to the bot.
import { createPublicKey, createVerify, type KeyObject } from 'node:crypto';
import { get as httpsGet } from 'node:https';

/** Bot Framework's resource: the audience of tokens for the Bot Connector (AuthenticationConstants.ToChannelFromBotOAuthScope). */
export const BOT_FRAMEWORK_AUDIENCE = 'https://api.botframework.com';
/** Clock skew Bot Framework tolerates on exp/nbf (botbuilder's own validation allows 5 minutes). */
const SKEW_SECONDS = 300;

export interface BotTokenExpectations {
  /** The bot's app id (BOT_ID): the token's appid/azp, or its audience. */
  readonly appId: string;
  /** The bot's home tenant (single-tenant bot): the token's tid. */
  readonly tenantId: string;
  /** Entra's base URL (AZURE_AUTHORITY_HOST): its OpenID metadata names the signing keys. */
  readonly authorityHost: string;
  /** A CA to trust for the authority host (the sandbox's certificate). */
  readonly ca?: string;
}

/** The signing keys, fetched once from the tenant's OpenID metadata and again when a token names an unknown kid. */
export interface EntraKeys {
  key(kid: string): Promise<KeyObject | undefined>;
}

function getJson(url: string, ca: string | undefined): Promise<unknown> {
  return new Promise((resolve, reject) => {
    httpsGet(url, { ...(ca ? { ca } : {}), timeout: 10_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        try {
          resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
        } catch (error) {
          reject(error instanceof Error ? error : new Error(String(error)));
        }
      });
    }).on('error', reject);
  });
}

const field = (value: unknown, name: string): unknown => (typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined);

export function entraKeys(expect: BotTokenExpectations): EntraKeys {
  let loaded: Promise<Map<string, KeyObject>> | undefined;
  const load = async (): Promise<Map<string, KeyObject>> => {
    const metadata = await getJson(`${expect.authorityHost.replace(/\/+$/, '')}/${expect.tenantId}/v2.0/.well-known/openid-configuration`, expect.ca);
    const jwksUri = field(metadata, 'jwks_uri');
    if (typeof jwksUri !== 'string') throw new Error('OpenID metadata without jwks_uri');
    const keys = field(await getJson(jwksUri, expect.ca), 'keys');
    const byKid = new Map<string, KeyObject>();
    for (const jwk of Array.isArray(keys) ? (keys as unknown[]) : []) {
      const kid = field(jwk, 'kid');
      const n = field(jwk, 'n');
      const e = field(jwk, 'e');
      if (typeof kid === 'string' && typeof n === 'string' && typeof e === 'string') byKid.set(kid, createPublicKey({ key: { kty: 'RSA', n, e }, format: 'jwk' }));
    }
    return byKid;
  };
  return {
    async key(kid) {
      loaded ??= load();
      const known = (await loaded).get(kid);
      if (known) return known;
      // Entra rolls its keys: one fresh look before calling the kid unknown.
      loaded = load();
      return (await loaded).get(kid);
    },
  };
}

function decodePart(part: string | undefined): Record<string, unknown> | undefined {
  if (!part) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Why the Bot Connector would refuse this Authorization header, or undefined when it is the bot's token: RS256 by a key
 * of the tenant's JWKS, issued by that tenant (v1 or v2 issuer), for the connector (or the bot) and to the bot (appid /
 * azp), within its lifetime.
 */
export async function botTokenProblem(authorization: string | undefined, expect: BotTokenExpectations, keys: EntraKeys): Promise<string | undefined> {
  const match = /^Bearer (\S+)$/i.exec(authorization ?? '');
  if (!match?.[1]) return 'no bearer token';
  const [h, p, s] = match[1].split('.');
  const header = decodePart(h);
  const claims = decodePart(p);
  if (!header || !claims || s === undefined) return 'not a JWT';
  if (header.alg !== 'RS256' || !s) return `not signed with RS256 (alg ${String(header.alg)})`;
  const key = typeof header.kid === 'string' ? await keys.key(header.kid) : undefined;
  if (!key) return `signed by a key the tenant does not publish (kid ${String(header.kid)})`;
  if (!createVerify('RSA-SHA256').update(`${h ?? ''}.${p ?? ''}`).verify(key, Buffer.from(s, 'base64url'))) return 'bad signature';
  const issuers = [`https://sts.windows.net/${expect.tenantId}/`, `${expect.authorityHost.replace(/\/+$/, '')}/${expect.tenantId}/v2.0`];
  if (typeof claims.iss !== 'string' || !issuers.includes(claims.iss)) return `issuer ${String(claims.iss)}`;
  if (claims.tid !== expect.tenantId) return `tenant ${String(claims.tid)}`;
  if (claims.aud !== BOT_FRAMEWORK_AUDIENCE && claims.aud !== expect.appId) return `audience ${String(claims.aud)}`;
  const client = claims.appid ?? claims.azp;
  if (client !== expect.appId) return `issued to ${String(client)}, not to the bot`;
  const now = Math.floor(Date.now() / 1000);
  if (typeof claims.exp !== 'number' || claims.exp < now - SKEW_SECONDS) return 'expired';
  if (typeof claims.nbf === 'number' && claims.nbf > now + SKEW_SECONDS) return 'not valid yet';
  return undefined;
}
