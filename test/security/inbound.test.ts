// Inbound security through the real endpoint in azure mode: tokens, tenant, channel, size, malformed bodies.
import { startSecureHarness, type SecureHarness } from '../support/secure-harness';
import { installFrom, messageFrom, OTHER_TENANT, SAM } from '../support/teams-users';
import { TEST_BOT_ID } from '../support/token-issuer';

const ASK = "give Alice Contributor on Contoso's prod subscription";

describe('inbound requests in azure mode', () => {
  let s: SecureHarness;
  const opts = () => ({ serviceUrl: s.h.connector.serviceUrl });
  /** Nothing ran: no reply, no conversation remembered, no request, no audit entry. */
  const expectNothingRun = async () => {
    expect(s.h.connector.sent).toHaveLength(0);
    expect((await s.h.bot.store.conversations.get(SAM.aadObjectId))).toBeUndefined();
    expect((await s.h.bot.store.requests.listRequests({}))).toHaveLength(0);
    expect((await s.h.bot.store.audit.list({}))).toHaveLength(0);
  };
  const expectGeneric = (text: string) => {
    expect(text).not.toMatch(/\bat |Error|[Tt]oken|jwt|stack|Unexpected|JSON/);
    expect(text.length).toBeLessThan(80);
  };

  beforeEach(async () => {
    s = await startSecureHarness();
  });
  afterEach(async () => s.stop());

  it('when a correctly signed Teams activity arrives, then the bot answers with its own Entra token, which the connector accepts', async () => {
    const response = await s.post(messageFrom(SAM, ASK, opts()));
    expect(response.status).toBe(200);
    await s.h.bot.idle();
    const replies = s.h.connector.to(SAM.conversationId);
    expect(replies.length).toBeGreaterThan(0);
    expect(s.h.connector.refused).toEqual([]);
    const claims = JSON.parse(Buffer.from(replies[0]?.authorization?.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({ aud: 'https://api.botframework.com', appid: TEST_BOT_ID });
  });

  it('when a POST carries no token, then it gets 401 and nothing runs', async () => {
    const response = await s.post(messageFrom(SAM, ASK, opts()), null);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'unauthorized' });
    await expectNothingRun();
  });

  it.each([
    ['signed by a key the metadata does not publish', (x: SecureHarness, url: string) => x.issuer.sign(url, {}, { key: x.issuer.strangerKey })],
    ['signed by an unknown key id', (x: SecureHarness, url: string) => x.issuer.sign(url, {}, { kid: 'nobody', key: x.issuer.strangerKey })],
    ['for another bot (audience)', (x: SecureHarness, url: string) => x.issuer.sign(url, { aud: '22222222-2222-4222-8222-222222222222' })],
    ['from another issuer', (x: SecureHarness, url: string) => x.issuer.sign(url, { iss: 'https://evil.example' })],
    ['expired', (x: SecureHarness, url: string) => x.issuer.sign(url, { exp: Math.floor(Date.now() / 1000) - 3600, nbf: Math.floor(Date.now() / 1000) - 7200 })],
    ['not valid yet', (x: SecureHarness, url: string) => x.issuer.sign(url, { nbf: Math.floor(Date.now() / 1000) + 3600 })],
    ['for another serviceUrl', (x: SecureHarness) => x.issuer.sign('https://smba.trafficmanager.net/emea/')],
    ['tampered after signing', (x: SecureHarness, url: string) => { const [h, , sig] = x.issuer.sign(url).split('.'); return `${h}.${Buffer.from(JSON.stringify({ iss: 'https://api.botframework.com', aud: TEST_BOT_ID, serviceurl: url, exp: 4102444800 })).toString('base64url')}.${sig}`; }],
    ['not a JWT', () => 'hello'],
  ])('when the token is %s, then it gets 401 and nothing runs', async (_what, token) => {
    const response = await s.post(messageFrom(SAM, ASK, opts()), token(s, opts().serviceUrl));
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'unauthorized' });
    await expectNothingRun();
  });

  it('when a signing key is endorsed for Teams only and the activity claims another channel, then it is refused', async () => {
    const response = await s.post(messageFrom(SAM, ASK, { ...opts(), channelId: 'webchat' }));
    expect(response.status).toBe(401);
    await expectNothingRun();
  });

  it('when the activity comes from another tenant, then it is refused, audited, and nothing else runs', async () => {
    const response = await s.post(messageFrom(SAM, ASK, { ...opts(), tenantId: OTHER_TENANT }));
    expect(response.status).toBe(200);
    await s.h.bot.idle();
    expect(s.h.connector.to(SAM.conversationId).map((a) => a.body.text)).toEqual(['This bot only works for the partner organisation that runs it.']);
    expect((await s.h.bot.store.requests.listRequests({}))).toHaveLength(0);
    expect((await s.h.bot.store.conversations.get(SAM.aadObjectId))).toBeUndefined();
    expect((await s.h.bot.store.audit.list({})).map((e) => e.event)).toEqual(['refused_tenant']);
  });

  it('when the body is over 256 KB, then it gets 413 before anything is parsed or authenticated', async () => {
    const big = JSON.stringify({ ...messageFrom(SAM, 'x'.repeat(300 * 1024), opts()) });
    const response = await s.postRaw(big, { authorization: `Bearer ${s.issuer.sign(opts().serviceUrl)}` });
    expect(response.status).toBe(413);
    expect(response.body).toEqual({ error: 'payload_too_large' });
    expect(s.issuer.fetches).toBe(0);
    await expectNothingRun();
  });

  it('when the body is over 256 KB and sent chunked (no Content-Length), then it still gets 413', async () => {
    const chunks = async function* () {
      for (let i = 0; i < 40; i++) yield new TextEncoder().encode('x'.repeat(8 * 1024));
    };
    const response = await fetch(`${s.h.bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${s.issuer.sign(opts().serviceUrl)}` },
      body: ReadableStream.from(chunks()),
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    await expectNothingRun();
  });

  it.each([
    ['malformed JSON', '{"type":"message",'],
    ['JSON that is not an object', '[1,2,3]'],
    ['an activity without a type', JSON.stringify({ channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/', conversation: { id: 'x' } })],
    ['an activity with a bad serviceUrl', JSON.stringify({ type: 'message', channelId: 'msteams', serviceUrl: 'javascript:alert(1)', conversation: { id: 'x' } })],
    ['an activity without a conversation', JSON.stringify({ type: 'message', channelId: 'msteams', serviceUrl: 'http://127.0.0.1:1/' })],
  ])('when the body is %s, then it gets 400 with a generic body', async (_what, body) => {
    const response = await s.postRaw(body, { authorization: `Bearer ${s.issuer.sign(opts().serviceUrl)}` });
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ error: 'bad_request' });
    expectGeneric(response.text);
    await expectNothingRun();
  });
});

describe('inbound requests in sandbox mode (no BOT_ID)', () => {
  let s: SecureHarness;
  beforeEach(async () => {
    s = await startSecureHarness({ CLOUD: 'sandbox', BOT_ID: '', BOT_PASSWORD: '', BOT_OPENID_METADATA_URL: '', AZURE_CLIENT_ID: '', AZURE_CLIENT_SECRET: '' });
  });
  afterEach(async () => s.stop());

  it('when an activity says it comes from a non-Teams channel, then it gets 403 and nothing runs', async () => {
    for (const channelId of ['webchat', 'emulator', 'directline', 'slack']) {
      const response = await s.post(messageFrom(SAM, ASK, { serviceUrl: s.h.connector.serviceUrl, channelId }), null);
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ error: 'forbidden' });
    }
    expect(s.h.connector.sent).toHaveLength(0);
    expect((await s.h.bot.store.conversations.get(SAM.aadObjectId))).toBeUndefined();
  });

  it('when the Playground (channel msteams) installs the bot, then it is greeted', async () => {
    const response = await s.post(installFrom(SAM, { serviceUrl: s.h.connector.serviceUrl }), null);
    expect(response.status).toBe(200);
    await s.h.bot.idle();
    expect(s.h.connector.to(SAM.conversationId)).toHaveLength(1);
  });
});
