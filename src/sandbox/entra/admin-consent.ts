// The admin-consent endpoint, GET /{tenant}/adminconsent (v1) and /{tenant}/v2.0/adminconsent: a tenant's admin signs in
// and grants an app its required permissions tenant-wide, then goes back to the app's redirect URI with admin_consent=True.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SeedUser } from '../seed';
import type { SandboxState } from '../state';
import { resolveTenant, type TenantRef } from './directory';
import { readForm } from './device-login';
import { AADSTS, type EntraError } from './errors';

/** Microsoft's own sign-in host: a redirect URI registered there is the sandbox's Entra, which differs by its URL only. */
const MICROSOFT_LOGIN = 'https://login.microsoftonline.com';
/** The reply page Entra serves for native (public) clients: an empty page whose address carries the answer. */
export const NATIVE_CLIENT_PATH = '/common/oauth2/nativeclient';

/**
 * Who may grant tenant-wide consent to application permissions of Microsoft Graph: Global Administrator and Privileged
 * Role Administrator (Application and Cloud Application Administrators may not grant Graph app roles).
 */
const CONSENTING_ROLES = ['62e90394-69f5-4237-9190-012177145e10', 'e8611ab8-c189-46e8-94e1-60213ab1f814'];

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** What the consent is for, once tenant, app and redirect URI are checked (the same checks on GET and POST). */
interface ConsentRequest {
  readonly tenant: TenantRef;
  readonly app: SandboxState['entra']['apps'][number];
  /** Where the answer goes: the redirect URI asked for, else the app's first registered one. */
  readonly redirectTo: string;
  readonly state: string | null;
  readonly v2: boolean;
  readonly scope: string | null;
}

type Checked = { readonly ok: ConsentRequest } | { readonly error: EntraError };

/** A registered URI as this sandbox serves it: Microsoft's sign-in host stands for the sandbox's own base URL. */
const served = (registered: string, baseUrl: string): string =>
  registered.toLowerCase().startsWith(`${MICROSOFT_LOGIN}/`) ? `${baseUrl}${registered.slice(MICROSOFT_LOGIN.length)}` : registered;

function check(state: SandboxState, tenantSegment: string, params: URLSearchParams, baseUrl: string, v2: boolean): Checked {
  const tenant = resolveTenant(state, tenantSegment);
  if (!tenant) return { error: AADSTS.tenantNotFound(decodeURIComponent(tenantSegment)) };
  const clientId = params.get('client_id');
  if (!clientId) return { error: AADSTS.missingParameter('client_id') };
  // v2.0 asks for the permissions by scope (`https://graph.microsoft.com/.default`: all the app's required ones).
  if (v2 && !params.get('scope')) return { error: AADSTS.missingParameter('scope') };
  const app = state.entra.apps.find((a) => same(a.appId, clientId));
  if (!app) return { error: AADSTS.appNotFound(clientId, tenant.kind === 'tenant' ? tenant.tenantId : decodeURIComponent(tenantSegment)) };
  const asked = params.get('redirect_uri');
  // Entra compares the redirect URI with the registered ones exactly (a trailing slash matters); without one it uses
  // the app's first registered URI, and refuses an app that has none. A URI on Microsoft's host, as registered or as
  // this sandbox serves it, leads to the sandbox.
  const registered = asked ? app.redirectUris.find((uri) => uri === asked || served(uri, baseUrl) === asked) : app.redirectUris[0];
  const redirectTo = registered === undefined ? undefined : served(registered, baseUrl);
  if (!redirectTo) return { error: asked ? AADSTS.redirectUriMismatch(asked, app.appId) : AADSTS.noReplyAddress() };
  return { ok: { tenant, app, redirectTo, state: params.get('state'), v2, scope: params.get('scope') } };
}

function pageOf(status: number, title: string, body: string): { status: number; html: string } {
  return {
    status,
    html: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:2rem auto;line-height:1.5}label{display:block;margin:.8rem 0 .2rem}select{font-size:1.05rem;width:100%}button{margin:1rem .5rem 0 0;font-size:1.05rem}.error{background:#fdecea;padding:.5rem 1rem}code{word-break:break-all}</style></head>
<body>${body}</body></html>`,
  };
}

/** Entra's sign-in error page: the AADSTS code and sentence, with request and correlation ids and the time. */
function errorPage(problem: EntraError, now: number): { status: number; html: string } {
  return pageOf(400, 'Sign in to your account', `<h1>Sorry, but we're having trouble signing you in.</h1>
<p class="error" id="error">AADSTS${problem.code}: ${escape(problem.description)}</p>
<p>Request Id: ${randomUUID()}<br>Correlation Id: ${randomUUID()}<br>Timestamp: ${new Date(now).toISOString()}</p>`);
}

function permissionLines(request: ConsentRequest): string {
  const { appRoles, delegatedScopes } = request.app.requiredPermissions;
  const lines = [
    ...appRoles.map((p) => `<li>${escape(p)} (application permission)</li>`),
    ...delegatedScopes.map((p) => `<li>${escape(p)} (delegated permission, for all users)</li>`),
  ];
  return lines.length ? `<ul>${lines.join('')}</ul>` : '<p>This app asks for no permission.</p>';
}

/** The consent screen: the app, the permissions it asks for, who signs in (a user of the tenant; no password here). */
function consentPage(state: SandboxState, request: ConsentRequest, path: string, message = ''): { status: number; html: string } {
  const { tenant, app } = request;
  const users = tenant.kind === 'tenant' ? state.usersOf(tenant.tenantId) : state.users.filter((u) => !same(u.tenantId, state.partner.tenantId));
  const options = users.map((u) => `<option value="${escape(u.id)}">${escape(u.displayName)} (${escape(u.userPrincipalName)})</option>`).join('');
  const hidden = (name: string, value: string | null | undefined) => (value ? `<input type="hidden" name="${name}" value="${escape(value)}">` : '');
  const publisher = state.partner.name;
  return pageOf(200, 'Permissions requested', `<h1>Permissions requested</h1>
<p>This page stands in for Microsoft Entra ID's admin consent (sandbox only): pick who signs in, then accept.</p>
${message ? `<p class="error" id="error">${escape(message)}</p>` : ''}
<p><b>${escape(app.displayName)}</b> (published by ${escape(publisher)}) needs permission to:</p>
${permissionLines(request)}
<p>Accepting grants these permissions for every user of ${escape(tenant.kind === 'tenant' ? tenant.displayName : 'your organization')}.</p>
<form method="post" action="${escape(path)}">
${hidden('client_id', app.appId)}${hidden('redirect_uri', request.redirectTo)}${hidden('state', request.state)}${hidden('scope', request.scope)}
<label for="user">Sign in as</label><select id="user" name="userId">${options}</select>
<button type="submit" name="decision" value="accept">Accept</button><button type="submit" name="decision" value="cancel">Cancel</button>
</form>`);
}

/** What accepting does: the app's service principal in the tenant, holding its required permissions (added to any it had). */
function grant(state: SandboxState, request: ConsentRequest, tenantId: string): void {
  const { appRoles, delegatedScopes } = request.app.requiredPermissions;
  const union = (held: readonly string[], added: readonly string[]) => [...held, ...added.filter((p) => !held.some((h) => same(h, p)))];
  const existing = state.servicePrincipal(request.app.appId, tenantId);
  if (existing) {
    existing.appRoles = union(existing.appRoles, appRoles);
    existing.delegatedScopes = union(existing.delegatedScopes, delegatedScopes);
    return;
  }
  state.entra.servicePrincipals.push({ appId: request.app.appId, tenantId, objectId: randomUUID(), appRoles: [...appRoles], delegatedScopes: [...delegatedScopes] });
}

/** The redirect URI with the answer's parameters added to those it already has. */
function answerUrl(base: string, answer: Record<string, string | null>): string {
  const url = new URL(base);
  for (const [key, value] of Object.entries(answer)) if (value !== null) url.searchParams.set(key, value);
  return url.toString();
}

/** The sandbox's word on Entra's blank native-client page: the answer the address carries, for whoever is looking. */
function nativeClientPage(answer: URLSearchParams): { status: number; html: string } {
  const consented = answer.get('admin_consent') === 'True';
  const error = answer.get('error');
  const text = consented
    ? `Admin consent granted in tenant ${answer.get('tenant') ?? ''}. You may close this window.`
    : error
      ? `Not granted: ${error}${answer.get('error_description') ? ` (${answer.get('error_description') ?? ''})` : ''}.`
      : '';
  return pageOf(200, '', text ? `<p>Microsoft's page at this address is blank (sandbox note):</p><p id="answer">${escape(text)}</p>` : '');
}

type Outcome = { readonly status: number; readonly html: string } | { readonly location: string };

function decide(state: SandboxState, request: ConsentRequest, form: URLSearchParams, path: string, now: number): Outcome {
  const user: SeedUser | undefined = state.users.find((u) => same(u.id, form.get('userId') ?? ''));
  if (!user) return consentPage(state, request, path, 'Pick who signs in.');
  const tenantId = request.tenant.kind === 'tenant' ? request.tenant.tenantId : user.tenantId.toLowerCase();
  if (!same(user.tenantId, tenantId)) return errorPage(AADSTS.userNotInTenant(user.userPrincipalName, user.tenantId.toLowerCase(), tenantId, request.app.appId, request.app.displayName), now);
  if (form.get('decision') !== 'accept') {
    const declined = { error: 'access_denied', error_subcode: 'cancel', error_description: `AADSTS65004: User declined to consent to access the app.`, state: request.state };
    return { location: answerUrl(request.redirectTo, declined) };
  }
  const admin = state.entra.directoryRoleAssignments.some((a) => same(a.tenantId, tenantId) && same(a.principalId, user.id) && CONSENTING_ROLES.includes(a.roleDefinitionId.toLowerCase()));
  if (!admin) return errorPage(AADSTS.adminConsentRequired(), now);
  grant(state, request, tenantId);
  const answer = { admin_consent: 'True', tenant: tenantId, ...(request.v2 ? { scope: request.scope } : {}), state: request.state };
  return { location: answerUrl(request.redirectTo, answer) };
}

function write(res: ServerResponse, outcome: Outcome): void {
  if ('location' in outcome) {
    res.writeHead(302, { location: outcome.location, 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
    return;
  }
  res.writeHead(outcome.status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', 'content-length': String(Buffer.byteLength(outcome.html)) });
  res.end(outcome.html);
}

/** GET shows the consent screen, POST records the decision; the native-client reply page is served too. False for any other path. */
export function serveAdminConsent(state: SandboxState, req: IncomingMessage, res: ServerResponse, baseUrl: string, now: () => number): boolean {
  const [path = '/', query = ''] = (req.url ?? '/').split(/\?(.*)/s);
  if (path.toLowerCase() === NATIVE_CLIENT_PATH && req.method === 'GET') {
    // Entra's page there is blank (the app reads the answer from the address); the sandbox says what the address says.
    write(res, nativeClientPage(new URLSearchParams(query)));
    return true;
  }
  const match = /^\/([^/]+)\/(v2\.0\/)?adminconsent$/i.exec(path);
  if (!match?.[1]) return false;
  const tenantSegment = match[1];
  const v2 = match[2] !== undefined;
  if (req.method === 'GET') {
    const checked = check(state, tenantSegment, new URLSearchParams(query), baseUrl, v2);
    write(res, 'ok' in checked ? consentPage(state, checked.ok, path) : errorPage(checked.error, now()));
    return true;
  }
  if (req.method === 'POST') {
    readForm(req).then(
      (form) => {
        // The form is the browser's: the tenant comes from the path, and app and redirect URI are checked again.
        const checked = check(state, tenantSegment, form, baseUrl, v2);
        write(res, 'ok' in checked ? decide(state, checked.ok, form, path, now()) : errorPage(checked.error, now()));
      },
      () => write(res, pageOf(400, 'Bad request', '<p>The form could not be read.</p>')),
    );
    return true;
  }
  write(res, pageOf(405, 'Not allowed', '<p>GET the page or POST the form.</p>'));
  return true;
}
