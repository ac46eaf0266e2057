// The admin-consent link, followed: in the app model, the link the bot gives for Contoso Pharma leads (in the sandbox as
// in Entra) to a consent screen; once Pharma's Global Administrator accepts, the bot's next check finds the app consented.
import https from 'node:https';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, ALEX, installFrom, SAM } from '../support/teams-users';

const PHARMA = 'c0000002-0000-4000-8000-000000000002';
const PAUL = 'c0000002-0000-4000-8000-0000000000a2';

describe('the admin-consent link, followed', () => {
  let h: Harness;
  const { opts, textsTo, samAsks, click } = conversation(() => h);

  /** A browser's request to the sandbox (it trusts the sandbox's certificate); no redirect is followed. */
  function browse(method: string, url: string, form?: Record<string, string>): Promise<{ status: number; location: string; text: string }> {
    const body = form ? new URLSearchParams(form).toString() : undefined;
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method, ca: h.sandbox.caCertPem, headers: body ? { 'content-type': 'application/x-www-form-urlencoded' } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, location: res.headers.location ?? '', text: Buffer.concat(chunks).toString('utf8') }));
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  beforeEach(async () => {
    h = await startHarness({ ACCESS_MODEL: 'app' });
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
  });
  afterEach(async () => h.stop());

  it("when Pharma's Global Administrator opens the bot's link and accepts, then the bot's next check finds the app consented and asks for what is still missing", async () => {
    // Arrange: Pharma never consented the app at all (no service principal there: Entra refuses the app a token, so the
    // bot holds none that would outlive the consent); Sam's request waits for it; the link is the one the bot wrote
    const principals = h.sandbox.state.entra.servicePrincipals;
    principals.splice(principals.findIndex((sp) => sp.tenantId === PHARMA && sp.appId === h.sandbox.partnerApp.clientId), 1);
    const { requestId } = await samAsks('give Eve Contributor on Contoso Pharma Pharma Research');
    await click(SAM, 'confirm', requestId);
    const link = /https:\/\/\S+\/adminconsent\?client_id=[0-9a-f-]+/.exec(textsTo(ADA).join('\n'))?.[0];
    expect(link).toBe(`${h.sandbox.authorityHost}/${PHARMA}/adminconsent?client_id=${h.sandbox.partnerApp.clientId}`);
    const told = { sam: textsTo(SAM).length, ada: textsTo(ADA).length };

    // Act: the admin follows it, signs in as Paul and accepts; the bot checks again
    const screen = await browse('GET', link ?? '');
    expect(screen.status).toBe(200);
    const answer = await browse('POST', new URL(link ?? '').origin + new URL(link ?? '').pathname, { client_id: h.sandbox.partnerApp.clientId, userId: PAUL, decision: 'accept' });
    expect(answer.status).toBe(302);
    expect(new URL(answer.location).searchParams.get('admin_consent')).toBe('True');
    await h.bot.relationships.pollNow();
    h.clock.advance(5 * 60_000);
    await h.bot.relationships.pollNow();
    await h.bot.idle();

    // Assert: the app holds User.Read.All in Pharma; the request now waits for the next missing piece (the app's Azure
    // rights on the subscription, which an Owner gives), and nobody is asked for consent again
    expect(h.sandbox.state.servicePrincipal(h.sandbox.partnerApp.clientId, PHARMA)?.appRoles).toContain('User.Read.All');
    const request = await h.bot.store.requests.get(requestId as never);
    expect(request?.state).toBe('awaiting_relationship');
    expect(request?.relationship?.missing?.kind).toBe('no_azure_rights');
    const later = [...textsTo(SAM).slice(told.sam), ...textsTo(ADA).slice(told.ada)];
    expect(later.some((t) => t.includes("The bot's app may not assign roles on Pharma Research"))).toBe(true);
    expect(later.some((t) => t.includes('not consented'))).toBe(false);
  });
});
