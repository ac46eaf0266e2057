// Access tokens with the claims the sandbox's Entra issues (BRIEF token contract), for tests that call the services directly.
// Unsigned (alg "none") until the sandbox's own signer is merged: switch `encode` to it then, nothing else changes.
import { randomUUID } from 'node:crypto';
import type { TokenCredential } from '@azure/identity';
import type { SandboxState } from '../../src/sandbox';

/** The partner's multi-tenant SAM app (seed.entra.apps[0]). */
export const SAM_APP_ID = '9e1b0c52-7a6f-4d1e-b3c8-5f2a4d6e8b10';
export const RESOURCES = {
  arm: 'https://management.azure.com',
  graph: 'https://graph.microsoft.com',
  partnerCenter: 'https://api.partnercenter.microsoft.com',
} as const;
export type Resource = keyof typeof RESOURCES;

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const encode = (claims: Record<string, unknown>): string => `${b64url({ alg: 'none', typ: 'JWT' })}.${b64url(claims)}.`;

function common(tenantId: string, resource: Resource, appId: string): Record<string, unknown> {
  const now = Math.floor(Date.now() / 1000);
  return {
    aud: RESOURCES[resource], iss: `https://sts.windows.net/${tenantId}/`, iat: now - 60, nbf: now - 60, exp: now + 3600,
    ver: '1.0', tid: tenantId, appid: appId, appidacr: '1', uti: randomUUID(),
  };
}

export interface UserTokenOptions {
  /** The partner (or customer) user's object id in their home tenant. */
  readonly userId: string;
  /** The tenant the token is issued in (the partner's, or a customer's for GDAP). */
  readonly tenantId: string;
  readonly resource: Resource;
  readonly appId?: string;
  /** Overrides: by default `scp` is the app's delegatedScopes in `tenantId` and `amr` follows seed.entra.usersWithoutMfa. */
  readonly scopes?: readonly string[];
  readonly mfa?: boolean;
}

/** An App+User token (refresh-token or device-code grant), as Entra issues it from the sandbox's state. */
export function userToken(state: SandboxState, options: UserTokenOptions): string {
  const appId = options.appId ?? SAM_APP_ID;
  const user = state.users.find((u) => u.id.toLowerCase() === options.userId.toLowerCase());
  if (!user) throw new Error(`No user ${options.userId} in the sandbox`);
  const sp = state.servicePrincipal(appId, options.tenantId);
  const scopes = options.scopes ?? sp?.delegatedScopes ?? [];
  const mfa = options.mfa ?? !state.entra.usersWithoutMfa.some((id) => id.toLowerCase() === user.id.toLowerCase());
  const foreign = user.tenantId.toLowerCase() !== options.tenantId.toLowerCase();
  return encode({
    ...common(options.tenantId, options.resource, appId),
    idtyp: 'user', oid: user.id, sub: randomUUID(), scp: scopes.join(' '), upn: user.userPrincipalName, unique_name: user.userPrincipalName,
    name: user.displayName, amr: mfa ? ['pwd', 'mfa'] : ['pwd'],
    ...(foreign ? { idp: `https://sts.windows.net/${user.tenantId}/` } : {}),
  });
}

export interface AppTokenOptions {
  readonly tenantId: string;
  readonly resource: Resource;
  readonly appId?: string;
}

/** An app-only token (client credentials): `oid` = the app's service principal in `tenantId`, `roles` = its app roles. */
export function appToken(state: SandboxState, options: AppTokenOptions): string {
  const appId = options.appId ?? SAM_APP_ID;
  const sp = state.servicePrincipal(appId, options.tenantId);
  if (!sp) throw new Error(`AADSTS700016: no service principal of ${appId} in ${options.tenantId}`);
  return encode({
    ...common(options.tenantId, options.resource, appId),
    idtyp: 'app', oid: sp.objectId, sub: sp.objectId, idp: `https://sts.windows.net/${options.tenantId}/`,
    ...(sp.appRoles.length > 0 ? { roles: [...sp.appRoles] } : {}),
  });
}

const resourceOf = (scopes: string | string[]): Resource => {
  const scope = (Array.isArray(scopes) ? scopes[0] : scopes) ?? '';
  const found = (Object.keys(RESOURCES) as Resource[]).find((r) => scope.startsWith(RESOURCES[r]));
  return found ?? 'arm';
};

/**
 * A TokenCredential for the real gateways: each getToken returns a token from `tenantId` (getToken's, else the
 * partner's) for the scope's resource, as the given user (App+User) or as the SAM app (app-only).
 */
export function claimsCredential(state: SandboxState, who: { userId: string } | 'app'): TokenCredential {
  return {
    async getToken(scopes, options) {
      const tenantId = options?.tenantId ?? state.partner.tenantId;
      const resource = resourceOf(scopes);
      const token = who === 'app' ? appToken(state, { tenantId, resource }) : userToken(state, { tenantId, resource, userId: who.userId });
      return { token, expiresOnTimestamp: Date.now() + 3_600_000, tokenType: 'Bearer' };
    },
  };
}
