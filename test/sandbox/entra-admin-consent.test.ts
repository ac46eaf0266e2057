// The sandbox's admin-consent endpoint, over HTTPS as a browser and the app see it: the link the bot gives a customer's
// admin leads to a consent screen; once a Global Administrator accepts, the app's tokens for that tenant work.
import https from 'node:https';
import type { IncomingHttpHeaders } from 'node:http';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';

const NORTHWIND = 'c0000004-0000-4000-8000-000000000004';
const PHARMA = 'c0000002-0000-4000-8000-000000000002';
/** Northwind's IT administrator, its Global Administrator. */
const NINA = 'c0000004-0000-4000-8000-0000000000f1';
/** Contoso Pharma's Global Administrator, and a researcher there who is no admin. */
const PAUL = 'c0000002-0000-4000-8000-0000000000a2';
const EVE = 'c0000002-0000-4000-8000-0000000000e1';

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

describe("the sandbox's admin-consent endpoint", () => {
  let sandbox: RunningSandbox;

  function request(method: string, url: string, form?: Record<string, string>): Promise<Answer> {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, ca: sandbox.caCertPem, headers: body ? { 'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength(body)) } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  /** The app asks Entra for an app-only Microsoft Graph token in `tenant` (client credentials). */
  async function appToken(tenant: string): Promise<{ status: number; body: Record<string, unknown> }> {
    const form = { grant_type: 'client_credentials', client_id: sandbox.partnerApp.clientId, client_secret: sandbox.partnerApp.clientSecret, scope: 'https://graph.microsoft.com/.default' };
    const answer = await request('POST', `${sandbox.authorityHost}/${tenant}/oauth2/v2.0/token`, form);
    return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
  }

  const roles = (token: unknown): unknown => JSON.parse(Buffer.from(String(token).split('.')[1] ?? '', 'base64url').toString('utf8')).roles;
  /** The link the bot gives (src/services/readiness.ts consentUrl). */
  const consentLink = (tenant: string, more = '') => `${sandbox.authorityHost}/${tenant}/adminconsent?client_id=${sandbox.partnerApp.clientId}${more}`;
  /** The consent screen's form fields, as a browser would post them back. */
  const hiddenFields = (html: string): Record<string, string> =>
    Object.fromEntries([...html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)].map((m) => [m[1] ?? '', (m[2] ?? '').replace(/&#(\d+);/g, (_all, code: string) => String.fromCharCode(Number(code)))]));
  const pathOf = (url: string) => new URL(url).pathname;

  beforeEach(async () => {
    sandbox = await startSandbox();
  });
  afterEach(async () => sandbox.stop());

  it("when Northwind's Global Administrator follows the bot's link and accepts, then the app's token for Northwind is issued, where it was refused before", async () => {
    // Arrange: the app was never consented in Northwind
    const before = await appToken(NORTHWIND);
    expect(before.status).toBe(400);
    expect(before.body.error_codes).toEqual([700016]);

    // Act: the admin opens the link, sees the consent screen, signs in as Nina and accepts
    const screen = await request('GET', consentLink(NORTHWIND));
    expect(screen.status).toBe(200);
    expect(screen.text).toContain('Litware CSP Access Bot');
    expect(screen.text).toContain('User.Read.All (application permission)');
    expect(screen.text).toContain('Nina Patel');
    const accepted = await request('POST', `${sandbox.authorityHost}${pathOf(consentLink(NORTHWIND))}`, { ...hiddenFields(screen.text), userId: NINA, decision: 'accept' });

    // Assert: back to the app's registered reply address with Entra's answer, and the token is now issued with the permission
    expect(accepted.status).toBe(302);
    const back = new URL(String(accepted.headers.location));
    expect(`${back.origin}${back.pathname}`).toBe(`${sandbox.authorityHost}/common/oauth2/nativeclient`);
    expect(Object.fromEntries(back.searchParams)).toEqual({ admin_consent: 'True', tenant: NORTHWIND });
    const landing = await request('GET', back.toString());
    expect(landing.text).toContain(`Admin consent granted in tenant ${NORTHWIND}`);
    const after = await appToken(NORTHWIND);
    expect(after.status).toBe(200);
    expect(roles(after.body.access_token)).toEqual(['User.Read.All']);
  });

  it('when the app asks with its own redirect URI and a state, then the answer goes there with admin_consent=True, the tenant and the state', async () => {
    // Arrange: the app registered a reply address of its own (as a web app would)
    const app = sandbox.state.entra.apps.find((a) => a.appId === sandbox.partnerApp.clientId);
    app?.redirectUris.push('https://bot.litwarecsp.example/consented');
    const link = consentLink(PHARMA, `&redirect_uri=${encodeURIComponent('https://bot.litwarecsp.example/consented')}&state=12345`);

    // Act
    const screen = await request('GET', link);
    const accepted = await request('POST', `${sandbox.authorityHost}${pathOf(link)}`, { ...hiddenFields(screen.text), userId: PAUL, decision: 'accept' });

    // Assert: Pharma's service principal (which had no application permission) now holds User.Read.All
    expect(accepted.status).toBe(302);
    expect(String(accepted.headers.location)).toBe(`https://bot.litwarecsp.example/consented?admin_consent=True&tenant=${PHARMA}&state=12345`);
    expect(roles((await appToken(PHARMA)).body.access_token)).toEqual(['User.Read.All']);
  });

  it("when the app names its reply address on Microsoft's host, as registered, then the answer comes back to the sandbox's page there", async () => {
    const link = consentLink(NORTHWIND, `&redirect_uri=${encodeURIComponent('https://login.microsoftonline.com/common/oauth2/nativeclient')}`);
    const screen = await request('GET', link);
    const accepted = await request('POST', `${sandbox.authorityHost}${pathOf(link)}`, { ...hiddenFields(screen.text), userId: NINA, decision: 'accept' });
    expect(String(accepted.headers.location)).toBe(`${sandbox.authorityHost}/common/oauth2/nativeclient?admin_consent=True&tenant=${NORTHWIND}`);
  });

  it('when a user who is no admin accepts, then Entra refuses and nothing is granted', async () => {
    const screen = await request('GET', consentLink(PHARMA));
    const refused = await request('POST', `${sandbox.authorityHost}${pathOf(consentLink(PHARMA))}`, { ...hiddenFields(screen.text), userId: EVE, decision: 'accept' });

    expect(refused.status).toBe(400);
    expect(refused.text).toContain('AADSTS90094');
    expect(roles((await appToken(PHARMA)).body.access_token)).toBeUndefined();
  });

  it('when the admin cancels, then the app is told access_denied and nothing is granted', async () => {
    const screen = await request('GET', consentLink(NORTHWIND, '&state=s1'));
    const cancelled = await request('POST', `${sandbox.authorityHost}${pathOf(consentLink(NORTHWIND))}`, { ...hiddenFields(screen.text), userId: NINA, decision: 'cancel' });

    const back = new URL(String(cancelled.headers.location));
    expect(back.searchParams.get('error')).toBe('access_denied');
    expect(back.searchParams.get('state')).toBe('s1');
    expect((await appToken(NORTHWIND)).status).toBe(400);
  });

  it.each([
    ['an unknown tenant', () => `${sandbox.authorityHost}/nowhere.onmicrosoft.com/adminconsent?client_id=${sandbox.partnerApp.clientId}`, 'AADSTS90002', "Tenant 'nowhere.onmicrosoft.com' not found"],
    ['an unknown client_id', () => `${sandbox.authorityHost}/${NORTHWIND}/adminconsent?client_id=00000000-0000-4000-8000-000000000bad`, 'AADSTS700016', "Application with identifier '00000000-0000-4000-8000-000000000bad' was not found"],
    ['no client_id', () => `${sandbox.authorityHost}/${NORTHWIND}/adminconsent`, 'AADSTS900144', "'client_id'"],
    ['a redirect URI the app did not register', () => consentLink(NORTHWIND, `&redirect_uri=${encodeURIComponent('https://evil.example/steal')}`), 'AADSTS50011', "The redirect URI 'https://evil.example/steal'"],
    ['the v2.0 endpoint without scope', () => `${sandbox.authorityHost}/${NORTHWIND}/v2.0/adminconsent?client_id=${sandbox.partnerApp.clientId}`, 'AADSTS900144', "'scope'"],
    ['an app with no reply address', () => `${sandbox.authorityHost}/${NORTHWIND}/adminconsent?client_id=${sandbox.botApp.clientId}`, 'AADSTS500113', 'No reply address is registered'],
  ])('when the link names %s, then Entra shows its error page and offers no consent', async (_what, link, code, words) => {
    const page = await request('GET', link());
    expect(page.status).toBe(400);
    expect(page.headers['content-type']).toContain('text/html');
    expect(page.text).toContain(code);
    expect(page.text).toContain(words.replace(/'/g, '&#39;'));
    expect(page.text).not.toContain('<form');
  });

  it('when the v2.0 endpoint is used with a scope, then the answer carries the scope too', async () => {
    const link = `${sandbox.authorityHost}/${NORTHWIND}/v2.0/adminconsent?client_id=${sandbox.partnerApp.clientId}&scope=${encodeURIComponent('https://graph.microsoft.com/.default')}&state=v2`;
    const screen = await request('GET', link);
    const accepted = await request('POST', `${sandbox.authorityHost}${pathOf(link)}`, { ...hiddenFields(screen.text), userId: NINA, decision: 'accept' });
    expect(Object.fromEntries(new URL(String(accepted.headers.location)).searchParams)).toEqual({ admin_consent: 'True', tenant: NORTHWIND, scope: 'https://graph.microsoft.com/.default', state: 'v2' });
    expect((await appToken(NORTHWIND)).status).toBe(200);
  });

  it('when the posted form names another redirect URI than the app registered, then Entra refuses it and grants nothing', async () => {
    const refused = await request('POST', `${sandbox.authorityHost}${pathOf(consentLink(NORTHWIND))}`, {
      client_id: sandbox.partnerApp.clientId, redirect_uri: 'https://evil.example/steal', userId: NINA, decision: 'accept',
    });
    expect(refused.status).toBe(400);
    expect(refused.text).toContain('AADSTS50011');
    expect((await appToken(NORTHWIND)).status).toBe(400);
  });
});
