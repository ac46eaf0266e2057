// Who is who for the sandbox's Entra: tenants by id or verified domain, the resources tokens are for, scope parsing.
import type { SandboxState } from '../state';

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** A tenant as an authority path names it: a real directory, or one of the multi-tenant aliases. */
export type TenantRef =
  | { readonly kind: 'tenant'; readonly tenantId: string; readonly displayName: string }
  | { readonly kind: 'common' | 'organizations' };

/**
 * Microsoft's Bot Framework tenant (`botframework.com`): where a multi-tenant bot gets its token for the Bot Connector
 * (botbuilder's default ToChannelFromBotLoginUrl). Every bot app may get a Bot Framework token there.
 */
export const BOT_FRAMEWORK_TENANT = { tenantId: 'd6d49420-f39b-4df7-a1dc-d59a935871db', domain: 'botframework.com' } as const;

/** `{tenant}` of `/{tenant}/…`: a tenant id or a verified domain of the partner, a customer or Bot Framework; undefined when unknown. */
export function resolveTenant(state: SandboxState, segment: string): TenantRef | undefined {
  const name = decodeURIComponent(segment);
  if (same(name, 'common')) return { kind: 'common' };
  if (same(name, 'organizations')) return { kind: 'organizations' };
  if (same(name, BOT_FRAMEWORK_TENANT.tenantId) || same(name, BOT_FRAMEWORK_TENANT.domain)) return { kind: 'tenant', tenantId: BOT_FRAMEWORK_TENANT.tenantId, displayName: 'Bot Framework' };
  const { partner } = state;
  if (same(name, partner.tenantId) || same(name, partner.domain)) return { kind: 'tenant', tenantId: partner.tenantId.toLowerCase(), displayName: partner.name };
  const customer = state.customers.find((c) => same(c.id, name) || same(c.domain, name));
  return customer ? { kind: 'tenant', tenantId: customer.id.toLowerCase(), displayName: customer.companyName } : undefined;
}

/** A Microsoft first-party API tokens can be asked for; its service principal exists in every tenant. */
export interface Resource {
  readonly name: 'ARM' | 'Graph' | 'PartnerCenter' | 'BotFramework';
  /** App ID URIs (first = canonical) and the resource's app id (when known); a token's `aud` is the form the client asked for. */
  readonly uris: readonly string[];
  readonly appId?: string;
  readonly displayName: string;
  /** Which of an app's granted delegated permissions belong to this resource. */
  readonly owns: (permission: string) => boolean;
}

const IMPERSONATION = (p: string): boolean => same(p, 'user_impersonation');

export const RESOURCES: readonly Resource[] = [
  { name: 'ARM', uris: ['https://management.azure.com', 'https://management.core.windows.net'], appId: '797f4846-ba00-4fd7-ba43-dac1f8f63013', displayName: 'Windows Azure Service Management API', owns: IMPERSONATION },
  { name: 'PartnerCenter', uris: ['https://api.partnercenter.microsoft.com'], appId: 'fa3d9a0c-3fb0-42cc-9193-47c7ecd2edbd', displayName: 'Microsoft Partner Center', owns: IMPERSONATION },
  { name: 'Graph', uris: ['https://graph.microsoft.com'], appId: '00000003-0000-0000-c000-000000000000', displayName: 'Microsoft Graph', owns: (p) => !IMPERSONATION(p) && !same(p, 'offline_access') },
  { name: 'BotFramework', uris: ['https://api.botframework.com'], displayName: 'Bot Framework', owns: () => false },
];

/** OpenID Connect scopes: they ask for an ID token or a refresh token, not for a resource. */
export const OIDC_SCOPES = ['openid', 'profile', 'offline_access', 'email'] as const;

export interface ParsedScopes {
  readonly resource: Resource;
  /** The resource as the client named it (URI, possibly with a trailing slash, or app id): the token's `aud`. */
  readonly audience: string;
  /** Permission names asked for on the resource (".default", "user_impersonation", …). */
  readonly permissions: readonly string[];
  /** openid, profile, offline_access, email as asked. */
  readonly oidc: readonly string[];
}

export type ScopeProblem = { readonly problem: 'invalid'; readonly scope: string } | { readonly problem: 'unknownResource'; readonly resource: string };

/**
 * Splits a v2 `scope` parameter ("https://graph.microsoft.com/.default offline_access openid profile"): one resource
 * (by App ID URI or app id), its permissions, the OIDC scopes. Only OIDC scopes → Microsoft Graph, as Entra does.
 */
export function parseScopes(scope: string): ParsedScopes | ScopeProblem {
  const all = scope.split(/\s+/).filter((s) => s !== '');
  const oidc = all.filter((s) => (OIDC_SCOPES as readonly string[]).includes(s.toLowerCase())).map((s) => s.toLowerCase());
  const rest = all.filter((s) => !(OIDC_SCOPES as readonly string[]).includes(s.toLowerCase()));
  const graph = RESOURCES.find((r) => r.name === 'Graph');
  if (rest.length === 0) {
    if (oidc.length === 0 || !graph) return { problem: 'invalid', scope };
    return { resource: graph, audience: 'https://graph.microsoft.com', permissions: [], oidc };
  }
  let found: { resource: Resource; audience: string } | undefined;
  const permissions: string[] = [];
  for (const item of rest) {
    const cut = item.lastIndexOf('/');
    if (cut <= 0 || cut === item.length - 1) return { problem: 'invalid', scope: item };
    const audience = item.slice(0, cut);
    const bare = audience.replace(/\/+$/, '').toLowerCase();
    const resource = RESOURCES.find((r) => r.uris.some((u) => u === bare) || (r.appId !== undefined && r.appId === bare));
    if (!resource) return { problem: 'unknownResource', resource: audience };
    if (found && found.resource !== resource) return { problem: 'invalid', scope };
    found = found ?? { resource, audience };
    permissions.push(item.slice(cut + 1));
  }
  return found ? { ...found, permissions, oidc } : { problem: 'invalid', scope };
}
