// Who calls, from the token's claims, and the directory facts every service's authorisation rests on (Entra roles, MFA).
import type { TokenInfo } from './http-kit';
import type { SandboxState } from './state';

/** Microsoft Entra role template ids (Entra built-in roles reference; CSP notes §2.2). */
export const ENTRA_ROLES = {
  globalAdministrator: '62e90394-69f5-4237-9190-012177145e10',
  globalReader: 'f2ef992c-3afb-46b9-b7cf-a126ee74c451',
  directoryReaders: '88d8e3e3-8f55-4a1e-953a-9b9898b8876b',
  userAdministrator: 'fe930be7-5e62-47db-91af-98c3a49a38b1',
  applicationAdministrator: '9b895d92-2cd3-44c7-9d02-a6ac2d5ea5c3',
  cloudApplicationAdministrator: '158c047a-c907-4556-b7ef-446551a6b5f7',
} as const;

/** An application acting as itself (client credentials): `objectId` is its service principal in `tenantId`. */
export interface AppCaller {
  readonly kind: 'app';
  readonly tenantId: string;
  readonly appId: string;
  readonly objectId: string;
  readonly roles: readonly string[];
}

/** A user through an application (App+User): `objectId` is the user in `homeTenantId`, which may differ from `tenantId`. */
export interface UserCaller {
  readonly kind: 'user';
  readonly tenantId: string;
  readonly homeTenantId: string;
  readonly appId: string;
  readonly objectId: string;
  readonly upn: string | undefined;
  readonly scopes: readonly string[];
  readonly mfa: boolean;
}

export type Caller = AppCaller | UserCaller;

export const sameId = (a: string | undefined, b: string | undefined): boolean =>
  a !== undefined && b !== undefined && a.toLowerCase() === b.toLowerCase();

/**
 * The caller a token describes; undefined when it lacks the claims Entra always issues (`tid`, `oid`, `appid`), as a
 * static bearer does. `idtyp` decides the kind; without it, a token with `scp` or `upn` is a user's (v1 tokens).
 */
export function callerOf(token: TokenInfo): Caller | undefined {
  const { tenantId, objectId, appId } = token;
  if (!token.isJwt || tenantId === undefined || objectId === undefined || appId === undefined) return undefined;
  const isUser = token.idtyp === 'user' || (token.idtyp === undefined && (token.scopes.length > 0 || token.upn !== undefined));
  if (!isUser) return { kind: 'app', tenantId, appId, objectId, roles: token.roles };
  return {
    kind: 'user', tenantId, appId, objectId, homeTenantId: token.homeTenantId ?? tenantId, upn: token.upn, scopes: token.scopes,
    mfa: token.amr.some((m) => m.toLowerCase() === 'mfa'),
  };
}

/** Whether the token carries one of these permissions: delegated (`scp`) for a user, application (`roles`) for an app. */
export function hasPermission(caller: Caller, permissions: readonly string[]): boolean {
  const held = caller.kind === 'user' ? caller.scopes : caller.roles;
  return held.some((p) => permissions.some((wanted) => sameId(p, wanted)));
}

/** A user of the partner's own tenant (home tenant = partner), wherever the token was issued. */
export const isPartnerUser = (state: SandboxState, caller: Caller): caller is UserCaller =>
  caller.kind === 'user' && sameId(caller.homeTenantId, state.partner.tenantId);

/** Member of the partner's Admin Agents group, directly or through nested groups (the Partner Center role). */
export const isAdminAgent = (state: SandboxState, userId: string): boolean =>
  state.isTransitiveMember(state.partner.adminAgentsGroupId, userId);

/**
 * The Entra roles (template ids) the caller holds in the token's tenant: for a partner user in a customer tenant,
 * what GDAP (or legacy DAP) gives them; users of the tenant itself and apps hold none in the sandbox.
 */
export function directoryRolesOf(state: SandboxState, caller: Caller): Set<string> {
  if (!isPartnerUser(state, caller) || sameId(caller.tenantId, state.partner.tenantId)) return new Set();
  return state.partnerRolesIn(caller.objectId, caller.tenantId);
}

/** Whether the caller holds any of these Entra roles in the token's tenant. */
export function holdsDirectoryRole(state: SandboxState, caller: Caller, roles: readonly string[]): boolean {
  const held = directoryRolesOf(state, caller);
  return roles.some((r) => held.has(r.toLowerCase()));
}
