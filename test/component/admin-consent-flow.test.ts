// The admin-consent link, followed: in the app model, the link the bot gives for Contoso Pharma leads (in the sandbox as
// in Entra) to a consent screen; once Pharma's Global Administrator accepts, the bot's next check finds the app consented,
// also when the app's service principal was there before without its permission (a cached token would not show it).
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
    // Arrange: Pharma never consented the app at all (no service principal there: Entra refuses the app a token);
    // Sam's request waits for it; the link is the one the bot wrote
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
    await expectWaitingForAzureRights(requestId, told);
  });

  /**
   * After the consent: the request waits for the next missing piece (the app's Azure rights on the subscription, which
   * an Owner gives); Sam and Ada are told that since `told` (their message counts), and nobody hears "not consented".
   */
  async function expectWaitingForAzureRights(requestId: unknown, told: { readonly sam: number; readonly ada: number }): Promise<void> {
    const request = await h.bot.store.requests.get(requestId as never);
    expect(request?.state).toBe('awaiting_relationship');
    expect(request?.relationship?.missing?.kind).toBe('no_azure_rights');
    const later = [...textsTo(SAM).slice(told.sam), ...textsTo(ADA).slice(told.ada)];
    expect(later.some((t) => t.includes("The bot's app may not assign roles on Pharma Research"))).toBe(true);
    expect(later.some((t) => t.includes('not consented'))).toBe(false);
  }

  /** Token requests the sandbox's Entra received for Pharma (the bot's app tokens there). */
  const pharmaTokenRequests = (): number => h.sandbox.entraRequests.filter((r) => r.method === 'POST' && r.path === `/${PHARMA}/oauth2/v2.0/token`).length;
  /** Graph's refusals (the app's token in Pharma without User.Read.All). */
  const graphRefusals = (): number => h.sandbox.requests.filter((r) => r.path.startsWith('/v1.0/users') && r.status === 403).length;

  it("when the app is already in Pharma without its permission and the admin accepts, then the bot's very next check asks Entra for a new token, finds the app consented and asks for what is still missing", async () => {
    // Arrange: the seed's Pharma holds the app's service principal without User.Read.All, so Entra issues the app a
    // token without it and Graph answers 403: the bot says "not consented" and gives the link
    expect(h.sandbox.state.servicePrincipal(h.sandbox.partnerApp.clientId, PHARMA)?.appRoles).toEqual([]);
    const { requestId } = await samAsks('give Eve Contributor on Contoso Pharma Pharma Research');
    await click(SAM, 'confirm', requestId);
    const link = /https:\/\/\S+\/adminconsent\?client_id=[0-9a-f-]+/.exec(textsTo(ADA).join('\n'))?.[0] ?? '';
    expect(link).toBe(`${h.sandbox.authorityHost}/${PHARMA}/adminconsent?client_id=${h.sandbox.partnerApp.clientId}`);
    expect((await h.bot.store.requests.get(requestId as never))?.relationship?.missing?.kind).toBe('not_consented');
    const told = { sam: textsTo(SAM).length, ada: textsTo(ADA).length };
    const tokensBefore = pharmaTokenRequests();

    // Act: Paul accepts on Entra's consent page a few minutes later (the bot's clock; the token, valid for an hour, is
    // still in MSAL's cache); the watcher's next round is the bot's next check
    const answer = await browse('POST', new URL(link).origin + new URL(link).pathname, { client_id: h.sandbox.partnerApp.clientId, userId: PAUL, decision: 'accept' });
    expect(new URL(answer.location).searchParams.get('admin_consent')).toBe('True');
    h.clock.advance(5 * 60_000);
    await h.bot.relationships.pollNow();
    await h.bot.idle();

    // Assert: that check asked Entra for one new Pharma token, which carries the permission; the request now waits for
    // the app's Azure rights, and nobody is asked for consent again
    expect(pharmaTokenRequests()).toBe(tokensBefore + 1);
    await expectWaitingForAzureRights(requestId, told);
  });

  it('when Pharma never consents, then checks within a minute of its token ask Entra for none, and a check later for one', async () => {
    // Arrange: Sam's request waits for Pharma's consent
    const { requestId } = await samAsks('give Eve Contributor on Contoso Pharma Pharma Research');
    await click(SAM, 'confirm', requestId);
    const tokens = pharmaTokenRequests();
    const refusals = graphRefusals();

    // Act: Sam asks three times more and the watcher checks, all within the minute; then a check five minutes on
    for (let ask = 0; ask < 3; ask += 1) await samAsks('give Eve Contributor on Contoso Pharma Pharma Research');
    await h.bot.relationships.pollNow();
    await h.bot.idle();
    const withinTheMinute = { tokens: pharmaTokenRequests(), refusals: graphRefusals() };
    h.clock.advance(5 * 60_000);
    await h.bot.relationships.pollNow();
    await h.bot.idle();

    // Assert: Graph refused every check; Entra gave no token within the minute, one after it (the renewal), and the
    // request still waits for consent
    expect(withinTheMinute.refusals).toBeGreaterThanOrEqual(refusals + 4);
    expect(withinTheMinute.tokens).toBe(tokens);
    expect([pharmaTokenRequests(), graphRefusals()]).toEqual([tokens + 1, withinTheMinute.refusals + 2]);
    expect((await h.bot.store.requests.get(requestId as never))?.relationship?.missing?.kind).toBe('not_consented');
  });
});
