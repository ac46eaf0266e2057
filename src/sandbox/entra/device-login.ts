// The device code flow: POST /{tenant}/oauth2/v2.0/devicecode, and the sandbox's stand-in for microsoft.com/devicelogin
// where a person types the code and picks who signs in (a partner user; there is no password in the sandbox).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { SandboxResponse } from '../http-kit';
import type { TenantRef } from './directory';
import { AADSTS, type EntraError } from './errors';
import type { EntraContext } from './token-endpoint';
import { findApp } from './token-endpoint';
import { DEVICE_CODE_LIFETIME_MS } from './sessions';

export const DEVICE_LOGIN_PATH = '/devicelogin';

const escape = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

/** Starts a device code sign-in; the answer's fields are Entra's (MSAL reads user_code, device_code, verification_uri, expires_in, interval, message). */
export function startDeviceCode(ctx: EntraContext, tenant: TenantRef, form: URLSearchParams, baseUrl: string, intervalSeconds: number): { ok: SandboxResponse } | { error: EntraError } {
  const clientId = form.get('client_id');
  if (!clientId) return { error: AADSTS.missingParameter('client_id') };
  const app = findApp(ctx.state, clientId);
  if (!app) return { error: AADSTS.appNotFound(clientId, tenant.kind === 'tenant' ? tenant.tenantId : tenant.kind) };
  const scope = form.get('scope');
  if (!scope) return { error: AADSTS.missingParameter('scope') };
  const grant = ctx.deviceCodes.start(app.appId, tenant.kind === 'tenant' ? tenant.tenantId : undefined, scope, ctx.now());
  const verificationUri = `${baseUrl}${DEVICE_LOGIN_PATH}`;
  return {
    ok: {
      status: 200,
      headers: { 'cache-control': 'no-store, no-cache' },
      body: {
        user_code: grant.userCode,
        device_code: grant.deviceCode,
        verification_uri: verificationUri,
        expires_in: DEVICE_CODE_LIFETIME_MS / 1000,
        interval: intervalSeconds,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${grant.userCode} to authenticate.`,
      },
    },
  };
}

export type Approval = 'approved' | 'unknownCode' | 'unknownUser';

/** What signing in on the device-login page does: the pending code now belongs to that user. */
export function approveDeviceCode(ctx: EntraContext, userCode: string, userId: string): Approval {
  const grant = ctx.deviceCodes.byUserCode(userCode, ctx.now());
  if (!grant) return 'unknownCode';
  const user = ctx.state.users.find((u) => same(u.id, userId) || same(u.userPrincipalName, userId));
  if (!user) return 'unknownUser';
  grant.userId = user.id.toLowerCase();
  return 'approved';
}

function page(ctx: EntraContext, message: string, code: string): string {
  const partnerUsers = ctx.state.usersOf(ctx.state.partner.tenantId);
  const options = partnerUsers.map((u) => `<option value="${escape(u.id)}">${escape(u.displayName)} (${escape(u.userPrincipalName)})</option>`).join('');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox — sign in on another device</title>
<style>body{font-family:system-ui,sans-serif;max-width:34rem;margin:2rem auto;line-height:1.5}label{display:block;margin:.8rem 0 .2rem}input,select{font-size:1.1rem;width:100%}button{margin-top:1rem;font-size:1.1rem}.note{background:#eef6ee;padding:.5rem 1rem}</style></head>
<body><h1>Enter code</h1>
<p>This page stands in for microsoft.com/devicelogin (sandbox only): enter the code the application shows, then pick who signs in.</p>
${message ? `<p class="note">${escape(message)}</p>` : ''}
<form method="post" action="${DEVICE_LOGIN_PATH}">
<label for="code">Code</label><input id="code" name="userCode" autocomplete="off" value="${escape(code)}" required>
<label for="user">Sign in as (${escape(ctx.state.partner.name)})</label><select id="user" name="userId">${options}</select>
<button type="submit">Next</button></form></body></html>`;
}

/** A posted HTML form (application/x-www-form-urlencoded). */
export function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(new URLSearchParams(Buffer.concat(chunks).toString('utf8'))));
    req.on('error', reject);
  });
}

const SENTENCES: Record<Approval, string> = {
  approved: 'You have signed in to the application on your device. You may now close this window.',
  unknownCode: 'That code is not valid or has expired. Check the code and try again.',
  unknownUser: 'Pick a user of the partner tenant.',
};

/** GET /devicelogin shows the page; POST signs in (form: userCode, userId). False for any other path. */
export function serveDeviceLogin(ctx: EntraContext, req: IncomingMessage, res: ServerResponse): boolean {
  const [path = '/', query = ''] = (req.url ?? '/').split('?');
  if (path.toLowerCase() !== DEVICE_LOGIN_PATH) return false;
  const html = (status: number, text: string) => {
    res.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(text)) });
    res.end(text);
  };
  if (req.method === 'GET') {
    html(200, page(ctx, '', new URLSearchParams(query).get('otc') ?? ''));
    return true;
  }
  if (req.method === 'POST') {
    readForm(req).then(
      (form) => {
        const outcome = approveDeviceCode(ctx, form.get('userCode') ?? '', form.get('userId') ?? '');
        html(outcome === 'approved' ? 200 : 400, page(ctx, SENTENCES[outcome], outcome === 'approved' ? '' : (form.get('userCode') ?? '')));
      },
      () => html(400, page(ctx, 'The form could not be read.', '')),
    );
    return true;
  }
  html(405, '<!doctype html><title>Not allowed</title><p>GET the page or POST the form.</p>');
  return true;
}
