// The sandbox's Microsoft Entra ID: routes /{tenant}/… (discovery, keys, token, device code), the device-login and admin-consent pages,
// the /_sandbox/entra/* control routes, and the signature check every other service runs on its bearer tokens.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { json, type SandboxResponse } from '../http-kit';
import type { SandboxState } from '../state';
import { serveAdminConsent } from './admin-consent';
import { AppCertificates, type SandboxApp } from './client-auth';
import { approveDeviceCode, serveDeviceLogin, startDeviceCode } from './device-login';
import { resolveTenant } from './directory';
import { AADSTS, entraErrorResponse } from './errors';
import { parseCertificate, SigningKeys, thumbprints, type JwtCheck } from './keys';
import { jwks, openIdConfiguration } from './metadata';
import { DeviceCodes, RefreshTokens } from './sessions';
import { redeem, type EntraContext } from './token-endpoint';
import { tokenResponse } from './tokens';

export interface EntraOptions {
  /** The sandbox's clock (ms): token times, refresh-token idle expiry, device-code expiry. */
  readonly now: () => number;
  /** The device code `interval` clients poll at (Entra: 5 s). */
  readonly deviceCodeIntervalSeconds?: number;
}

export interface AppCredentials {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface IssueRefreshTokenOptions {
  /** Default: the SAM service account (seed `entra.serviceAccountId`). */
  readonly userId?: string;
  /** Default: the partner's multi-tenant app. */
  readonly clientId?: string;
}

export interface SandboxEntra {
  /** Answers `/{tenant}/…` Entra paths; undefined when the path is not one. */
  route(method: string, segments: readonly string[], bodyText: string, headers: IncomingHttpHeaders, baseUrl: string): SandboxResponse | undefined;
  /** `/_sandbox/entra/…` (segments after "entra"). */
  control(method: string, segments: readonly string[], body: unknown): SandboxResponse;
  /** Entra's pages for people (device login, admin consent, the native-client reply page); false when the request is not for one. */
  servePage(req: IncomingMessage, res: ServerResponse, baseUrl: string): boolean;
  /** The signature check of a bearer (claims are each service's business). */
  verify(token: string): JwtCheck;
  /** A refresh token as the one-time consent would have produced (undefined for an unknown user or app). */
  issueRefreshToken(options?: IssueRefreshTokenOptions): string | undefined;
  readonly partnerApp: AppCredentials;
  readonly botApp: AppCredentials;
}

const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** The partner's SAM app is the one consented in most tenants; the bot's app is the other one (default seed: exactly two). */
function seedApps(state: SandboxState): { partner: SandboxApp; bot: SandboxApp } {
  const consentedIn = (app: SandboxApp) => state.entra.servicePrincipals.filter((sp) => same(sp.appId, app.appId)).length;
  const sorted = [...state.entra.apps].sort((a, b) => consentedIn(b) - consentedIn(a));
  const partner = sorted[0];
  if (!partner) throw new Error('The sandbox seed has no Entra app.');
  return { partner, bot: sorted[1] ?? partner };
}

const credentials = (app: SandboxApp): AppCredentials => ({ clientId: app.appId, clientSecret: app.clientSecrets[0] ?? '' });

const certificateBody = z.object({ pem: z.string().min(1) });
const approveBody = z.object({ userCode: z.string().min(1), userId: z.string().min(1) });
const refreshBody = z.object({ userId: z.string().optional(), clientId: z.string().optional() }).default({});

const notFound = (message: string): SandboxResponse => json(404, { error: { code: 'NotFound', message } });
const badRequest = (message: string): SandboxResponse => json(400, { error: { code: 'InvalidBody', message } });

export async function createEntra(state: SandboxState, options: EntraOptions): Promise<SandboxEntra> {
  const ctx: EntraContext = {
    state,
    keys: await SigningKeys.create(),
    refreshTokens: new RefreshTokens(),
    deviceCodes: new DeviceCodes(),
    certificates: new AppCertificates(),
    now: options.now,
  };
  const apps = seedApps(state);
  const interval = options.deviceCodeIntervalSeconds ?? 5;

  const issueRefreshToken = (wanted: IssueRefreshTokenOptions = {}): string | undefined => {
    const userId = wanted.userId ?? state.entra.serviceAccountId;
    const clientId = wanted.clientId ?? apps.partner.appId;
    const user = state.users.find((u) => same(u.id, userId) || same(u.userPrincipalName, userId));
    const app = state.entra.apps.find((a) => same(a.appId, clientId));
    return user && app ? ctx.refreshTokens.issue(user.id, app.appId, ctx.now()) : undefined;
  };

  function route(method: string, segments: readonly string[], bodyText: string, headers: IncomingHttpHeaders, baseUrl: string): SandboxResponse | undefined {
    const [tenantSegment = '', ...rest] = segments;
    const tail = rest.join('/').toLowerCase();
    const kind = ({
      'v2.0/.well-known/openid-configuration': 'metadata',
      'discovery/v2.0/keys': 'keys2',
      'discovery/keys': 'keys1',
      'oauth2/v2.0/token': 'token',
      'oauth2/v2.0/devicecode': 'devicecode',
    } as const)[tail];
    if (kind === undefined) return undefined;
    const correlation = headers['client-request-id'];
    const correlationId = typeof correlation === 'string' ? correlation : undefined;
    const errorOptions = { now: ctx.now(), ...(correlationId ? { correlationId } : {}) };
    const tenant = resolveTenant(state, tenantSegment);
    const isGet = kind === 'metadata' || kind === 'keys1' || kind === 'keys2';
    if (isGet !== (method === 'GET')) return json(405, { error: 'invalid_request', error_description: `${method} is not supported here.` });
    if (!tenant) return entraErrorResponse(AADSTS.tenantNotFound(decodeURIComponent(tenantSegment), isGet ? 'invalid_tenant' : 'invalid_request'), errorOptions);
    if (kind === 'metadata') return openIdConfiguration(baseUrl, tenant);
    if (kind === 'keys1' || kind === 'keys2') return jwks(baseUrl, ctx.keys, kind === 'keys2');
    const form = new URLSearchParams(bodyText);
    if (kind === 'devicecode') {
      const started = startDeviceCode(ctx, tenant, form, baseUrl, interval);
      return 'ok' in started ? started.ok : entraErrorResponse(started.error, errorOptions);
    }
    const outcome = redeem(ctx, { tenant, tenantSegment: decodeURIComponent(tenantSegment), form, baseUrl });
    return 'ok' in outcome ? tokenResponse(outcome.ok, correlationId) : entraErrorResponse(outcome.error, errorOptions);
  }

  function control(method: string, segments: readonly string[], body: unknown): SandboxResponse {
    const [what, id, action] = segments;
    if (method === 'POST' && what === 'apps' && id !== undefined && action === 'certificates') {
      const app = state.entra.apps.find((a) => same(a.appId, decodeURIComponent(id)));
      if (!app) return notFound('Unknown app.');
      const parsed = certificateBody.safeParse(body);
      const certificate = parsed.success ? parseCertificate(parsed.data.pem) : undefined;
      if (!certificate) return badRequest('Expected {"pem": "-----BEGIN CERTIFICATE-----…"}.');
      ctx.certificates.add(app.appId, certificate);
      const t = thumbprints(certificate);
      return json(201, { appId: app.appId, thumbprint: certificate.fingerprint.replace(/:/g, ''), x5t: t.x5t, 'x5t#S256': t.x5tS256 });
    }
    if (method === 'POST' && what === 'devicecode' && id === 'approve') {
      const parsed = approveBody.safeParse(body);
      if (!parsed.success) return badRequest('Expected {"userCode": "…", "userId": "…"}.');
      const outcome = approveDeviceCode(ctx, parsed.data.userCode, parsed.data.userId);
      return outcome === 'approved' ? json(200, { approved: true }) : notFound(outcome === 'unknownCode' ? 'No pending device code with that user code.' : 'Unknown user.');
    }
    if (method === 'POST' && what === 'users' && id !== undefined && action === 'revokeSignInSessions') {
      const user = state.users.find((u) => same(u.id, decodeURIComponent(id)) || same(u.userPrincipalName, decodeURIComponent(id)));
      if (!user) return notFound('Unknown user.');
      ctx.refreshTokens.revokeSessions(user.id, ctx.now());
      return json(200, { '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#Edm.Boolean', value: true });
    }
    if (method === 'POST' && what === 'refresh-tokens' && id === undefined) {
      const parsed = refreshBody.safeParse(body ?? {});
      if (!parsed.success) return badRequest('Expected {"userId"?: "…", "clientId"?: "…"}.');
      const token = issueRefreshToken({ ...(parsed.data.userId ? { userId: parsed.data.userId } : {}), ...(parsed.data.clientId ? { clientId: parsed.data.clientId } : {}) });
      return token ? json(201, { refresh_token: token }) : notFound('Unknown user or app.');
    }
    return notFound('Entra control routes: POST /_sandbox/entra/apps/{appId}/certificates, /devicecode/approve, /users/{id}/revokeSignInSessions, /refresh-tokens.');
  }

  return {
    route,
    control,
    servePage: (req, res, baseUrl) => serveDeviceLogin(ctx, req, res) || serveAdminConsent(state, req, res, baseUrl, ctx.now),
    verify: (token) => ctx.keys.verify(token),
    issueRefreshToken,
    partnerApp: credentials(apps.partner),
    botApp: credentials(apps.bot),
  };
}
