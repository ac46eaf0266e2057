// POST /{tenant}/oauth2/v2.0/token: client credentials, refresh token and device code grants, refused as Entra refuses.
import { createHash } from 'node:crypto';
import type { SandboxState } from '../state';
import type { SeedUser } from '../seed';
import { authenticateClient, type AppCertificates, type SandboxApp } from './client-auth';
import { BOT_FRAMEWORK_TENANT, parseScopes, type TenantRef } from './directory';
import { AADSTS, entraTime, noTenantInformation, type EntraError } from './errors';
import type { SigningKeys } from './keys';
import { REFRESH_TOKEN_IDLE_MS, type DeviceCodes, type RefreshTokens } from './sessions';
import {
  appTokenClaims, clientInfo, grantedScope, idTokenClaims, userTokenClaims, type ClientAuthentication, type TokenAnswer,
} from './tokens';

/** RFC 8628's grant type; Entra also takes the short `device_code`, which MSAL sends. */
export const DEVICE_CODE_GRANTS = ['urn:ietf:params:oauth:grant-type:device_code', 'device_code'];

/** Everything the token endpoint reads or changes. */
export interface EntraContext {
  readonly state: SandboxState;
  readonly keys: SigningKeys;
  readonly refreshTokens: RefreshTokens;
  readonly deviceCodes: DeviceCodes;
  readonly certificates: AppCertificates;
  /** The sandbox's clock (ms). */
  readonly now: () => number;
}

export interface TokenRequest {
  readonly tenant: TenantRef;
  /** The tenant as written in the path (for error sentences). */
  readonly tenantSegment: string;
  readonly form: URLSearchParams;
  /** https://host:port as the client addressed us. */
  readonly baseUrl: string;
}

export type TokenOutcome = { readonly ok: TokenAnswer } | { readonly error: EntraError };

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
const fail = (error: EntraError): TokenOutcome => ({ error });

export function findApp(state: SandboxState, appId: string): SandboxApp | undefined {
  return state.entra.apps.find((a) => same(a.appId, appId));
}

/** An App+User token for `user` through `app` in the request's tenant (or the user's home tenant for common/organizations). */
export function issueForUser(ctx: EntraContext, request: TokenRequest, app: SandboxApp, user: SeedUser, clientAuth: ClientAuthentication, scopeParam: string | null): TokenOutcome {
  if (!scopeParam) return fail(AADSTS.missingParameter('scope'));
  const scopes = parseScopes(scopeParam);
  if ('problem' in scopes) return fail(scopes.problem === 'unknownResource' ? AADSTS.resourceNotFound(scopes.resource, request.tenantSegment) : AADSTS.invalidScope(scopes.scope));
  const tenantId = request.tenant.kind === 'tenant' ? request.tenant.tenantId : user.tenantId.toLowerCase();
  const { state } = ctx;
  // A user of another tenant gets in only as the partner's agent (GDAP roles there, or DAP's Admin Agents).
  if (!same(user.tenantId, tenantId) && state.partnerRolesIn(user.id, tenantId).size === 0) {
    return fail(AADSTS.userNotInTenant(user.userPrincipalName, user.tenantId.toLowerCase(), tenantId, app.appId, app.displayName));
  }
  const sp = state.servicePrincipal(app.appId, tenantId);
  if (!sp) return fail(AADSTS.notConsented(app.appId, app.displayName));
  const granted = sp.delegatedScopes.filter((p) => scopes.resource.owns(p));
  const asked = scopes.permissions.filter((p) => p !== '.default');
  if (granted.length === 0 || asked.some((p) => !granted.some((g) => same(g, p)))) return fail(AADSTS.notConsented(app.appId, app.displayName));
  const mfa = !state.entra.usersWithoutMfa.some((id) => same(id, user.id));
  // Partner Center enforces MFA on every App+User call: Entra asks for it when the token is for Partner Center.
  if (scopes.resource.name === 'PartnerCenter' && !mfa) return fail(AADSTS.mfaRequired(scopes.resource.appId ?? scopes.audience));
  const nowMs = ctx.now();
  const nowSeconds = Math.floor(nowMs / 1000);
  const scp = scopes.permissions.includes('.default') ? granted : asked;
  const accessToken = ctx.keys.sign(userTokenClaims({ tenantId, audience: scopes.audience, appId: app.appId.toLowerCase(), clientAuth, nowSeconds, user, scopes: scp, mfa }));
  const oidc = scopes.oidc;
  return {
    ok: {
      scope: grantedScope(scopes.audience, scp, scopes.permissions, oidc),
      accessToken,
      ...(oidc.includes('offline_access') ? { refreshToken: ctx.refreshTokens.issue(user.id, app.appId, nowMs) } : {}),
      ...(oidc.includes('openid') ? { idToken: ctx.keys.sign(idTokenClaims({ issuerBase: request.baseUrl, tenantId, appId: app.appId.toLowerCase(), user, nowSeconds })) } : {}),
      ...(request.form.get('client_info') === '1' ? { clientInfo: clientInfo(user) } : {}),
    },
  };
}

/** A bot app's principal in the Bot Framework tenant (bot registration provisions it; the seed does not list it). */
function botFrameworkPrincipal(app: SandboxApp): { objectId: string; appRoles: string[] } {
  const hex = createHash('sha256').update(`botframework|${app.appId.toLowerCase()}`).digest('hex');
  return { objectId: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`, appRoles: [] };
}

function clientCredentials(ctx: EntraContext, request: TokenRequest, app: SandboxApp): TokenOutcome {
  if (request.tenant.kind !== 'tenant') return fail(noTenantInformation());
  const tenantId = request.tenant.tenantId;
  const sp = ctx.state.servicePrincipal(app.appId, tenantId) ?? (tenantId === BOT_FRAMEWORK_TENANT.tenantId ? botFrameworkPrincipal(app) : undefined);
  if (!sp) return fail(AADSTS.appNotFound(app.appId, tenantId));
  const auth = authenticateClient(app, proof(ctx, request, false), ctx.certificates);
  if ('error' in auth) return fail(auth.error);
  const scopeParam = request.form.get('scope');
  if (!scopeParam) return fail(AADSTS.missingParameter('scope'));
  const scopes = parseScopes(scopeParam);
  if ('problem' in scopes) return fail(scopes.problem === 'unknownResource' ? AADSTS.resourceNotFound(scopes.resource, request.tenantSegment) : AADSTS.clientCredentialsScope(scopes.scope));
  if (tenantId === BOT_FRAMEWORK_TENANT.tenantId && scopes.resource.name !== 'BotFramework') return fail(AADSTS.resourceNotFound(scopes.audience, request.tenantSegment));
  if (scopes.oidc.length > 0 || scopes.permissions.length !== 1 || scopes.permissions[0] !== '.default') return fail(AADSTS.clientCredentialsScope(scopeParam));
  // Application permissions are per resource; the seed's app roles are Microsoft Graph's.
  const roles = scopes.resource.name === 'Graph' ? sp.appRoles : [];
  const nowSeconds = Math.floor(ctx.now() / 1000);
  const claims = appTokenClaims({ tenantId, audience: scopes.audience, appId: app.appId.toLowerCase(), clientAuth: auth.ok, nowSeconds, servicePrincipalId: sp.objectId.toLowerCase(), roles });
  return { ok: { scope: `${scopes.audience.replace(/\/+$/, '')}/.default`, accessToken: ctx.keys.sign(claims) } };
}

function proof(ctx: EntraContext, request: TokenRequest, publicAllowed: boolean) {
  const segment = encodeURIComponent(request.tenantSegment);
  return { form: request.form, tokenEndpoint: `${request.baseUrl}/${segment}/oauth2/v2.0/token`, nowSeconds: Math.floor(ctx.now() / 1000), publicAllowed };
}

function refreshTokenGrant(ctx: EntraContext, request: TokenRequest, app: SandboxApp): TokenOutcome {
  const presented = request.form.get('refresh_token');
  if (!presented) return fail(AADSTS.missingParameter('refresh_token'));
  const auth = authenticateClient(app, proof(ctx, request, true), ctx.certificates);
  if ('error' in auth) return fail(auth.error);
  const grant = ctx.refreshTokens.find(presented);
  if (!grant) return fail(AADSTS.malformedGrant());
  if (!same(grant.clientId, app.appId)) return fail(AADSTS.grantOfAnotherClient());
  const validFrom = ctx.refreshTokens.validFromOf(grant.userId);
  if (validFrom !== undefined && grant.issuedAt < validFrom) return fail(AADSTS.revoked(entraTime(grant.issuedAt), entraTime(validFrom)));
  const idle = ctx.now() - grant.issuedAt;
  if (idle > REFRESH_TOKEN_IDLE_MS) return fail(AADSTS.refreshTokenIdle(entraTime(grant.issuedAt), Math.floor(idle / 86_400_000)));
  const user = ctx.state.users.find((u) => same(u.id, grant.userId));
  if (!user) return fail(AADSTS.malformedGrant());
  return issueForUser(ctx, request, app, user, auth.ok, request.form.get('scope'));
}

function deviceCodeGrant(ctx: EntraContext, request: TokenRequest, app: SandboxApp): TokenOutcome {
  const code = request.form.get('device_code');
  if (!code) return fail(AADSTS.missingParameter('device_code'));
  const grant = ctx.deviceCodes.byDeviceCode(code);
  if (!grant || !same(grant.clientId, app.appId) || grant.redeemed) return fail(AADSTS.deviceCodeUnknown());
  if (grant.expiresAt <= ctx.now()) return fail(AADSTS.deviceCodeExpired());
  if (grant.userId === undefined) return fail(AADSTS.authorizationPending());
  const auth = authenticateClient(app, proof(ctx, request, true), ctx.certificates);
  if ('error' in auth) return fail(auth.error);
  const userId = grant.userId;
  const user = ctx.state.users.find((u) => same(u.id, userId));
  if (!user) return fail(AADSTS.deviceCodeUnknown());
  const outcome = issueForUser(ctx, request, app, user, auth.ok, request.form.get('scope') ?? grant.scope);
  if ('ok' in outcome) grant.redeemed = true;
  return outcome;
}

/** Answers one token request: the tokens, or the error Entra would give. */
export function redeem(ctx: EntraContext, request: TokenRequest): TokenOutcome {
  const grantType = request.form.get('grant_type');
  if (!grantType) return fail(AADSTS.missingParameter('grant_type'));
  const clientId = request.form.get('client_id');
  if (!clientId) return fail(AADSTS.missingParameter('client_id'));
  const app = findApp(ctx.state, clientId);
  if (!app) return fail(AADSTS.appNotFound(clientId, request.tenant.kind === 'tenant' ? request.tenant.tenantId : request.tenantSegment));
  if (grantType === 'client_credentials') return clientCredentials(ctx, request, app);
  if (grantType === 'refresh_token') return refreshTokenGrant(ctx, request, app);
  if (DEVICE_CODE_GRANTS.includes(grantType)) return deviceCodeGrant(ctx, request, app);
  return fail(AADSTS.unsupportedGrant(grantType));
}
