// The production path on loopback: the bot runs as its own process with CLOUD=azure and nothing but the contract's
// settings, every Microsoft endpoint pointed at a local stand-in — the sandbox started alone for Entra (AZURE_AUTHORITY_HOST,
// BOT_LOGIN_URL), Partner Center, Graph and ARM; the test's Teams signer for inbound activities
// (BOT_OPENID_METADATA_URL); a Bot Connector that accepts only the bot's own Entra token. Tokens are checked on both
// sides: the bot checks Teams', the connector and the sandbox check the bot's.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpsRequest } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { cloudSettingsOf } from '../../src/sandbox/cloud-settings';
import { openSqliteStore } from '../../src/store/sqlite-store';
import { cardOf, cardText, startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { startChildBot, type ChildBot } from '../support/child-bot';
import { actionFrom, ADA, APPROVER_IDS, installFrom, messageFrom, PARTNER_TENANT, SAM } from '../support/teams-users';
import { startTokenIssuer, TEST_ISSUER, type TokenIssuer } from '../support/token-issuer';

jest.setTimeout(120_000);

const CONTRIBUTOR = 'b24988ac-6180-42a0-ab88-20f7382dd24c';
/** Who is granted what where: a GDAP-only customer, and a customer still on legacy DAP. */
const GRANTS = [
  { customer: 'Contoso (GDAP only)', ask: "give Alice Contributor on Contoso's prod subscription", tenant: 'c0000001-0000-4000-8000-000000000001', scope: '/subscriptions/c0000001-5b50-4000-8000-000000000001', user: 'c0000001-0000-4000-8000-0000000000a1' },
  { customer: 'Contoso Pharma (legacy DAP)', ask: "give Eve Adams Contributor on Contoso Pharma's Pharma Research subscription", tenant: 'c0000002-0000-4000-8000-000000000002', scope: '/subscriptions/c0000002-5b50-4000-8000-000000000001', user: 'c0000002-0000-4000-8000-0000000000e1' },
];
/** "Litware Azure Managers", nested in Admin Agents: the service account's group in GDAP access assignments. */
const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';

async function until(what: string, check: () => boolean, explain?: () => string, timeoutInMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutInMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${explain ? `\n${explain()}` : ''}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A token straight from the sandbox's token endpoint (client credentials), as any app of the seed could get one. */
function sandboxToken(sandbox: RunningSandbox, clientId: string, clientSecret: string, scope: string): Promise<string> {
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: clientId, client_secret: clientSecret, scope }).toString();
  return new Promise((resolve, reject) => {
    const req = httpsRequest(`${sandbox.authorityHost}/${PARTNER_TENANT}/oauth2/v2.0/token`, { method: 'POST', ca: sandbox.caCertPem, headers: { 'content-type': 'application/x-www-form-urlencoded' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { access_token?: unknown };
        if (typeof body.access_token === 'string') resolve(body.access_token);
        else reject(new Error(`no token: ${JSON.stringify(body)}`));
      });
    });
    req.on('error', reject);
    req.end(form);
  });
}

const claimsOf = (jwt: string): Record<string, unknown> => JSON.parse(Buffer.from(jwt.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('the production path on loopback (CLOUD=azure, the sandbox started alone)', () => {
  let sandbox: RunningSandbox;
  let teams: TokenIssuer;
  let connector: FakeConnector;
  let bot: ChildBot;
  let dir: string;

  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
    teams = await startTokenIssuer({ audience: sandbox.botApp.clientId });
    connector = await startFakeConnector({ botToken: { appId: sandbox.botApp.clientId, tenantId: PARTNER_TENANT, authorityHost: sandbox.authorityHost, ca: sandbox.caCertPem } });
    dir = mkdtempSync(join(tmpdir(), 'csp-prodpath-'));
    const caFile = join(dir, 'sandbox-ca.pem');
    writeFileSync(caFile, sandbox.caCertPem);
    // Exactly the contract's settings, as an App Service would hold them; only the URLs differ from Azure.
    bot = await startChildBot({
      PORT: '0',
      HOST: '127.0.0.1',
      CLOUD: 'azure',
      BOT_ID: sandbox.botApp.clientId,
      BOT_PASSWORD: sandbox.botApp.clientSecret,
      BOT_TENANT_ID: PARTNER_TENANT,
      BOT_TYPE: 'SingleTenant',
      BOT_LOGIN_URL: `${sandbox.authorityHost}/${PARTNER_TENANT}`,
      BOT_OPENID_METADATA_URL: teams.metadataUrl,
      BOT_TOKEN_ISSUER: TEST_ISSUER,
      PARTNER_TENANT_ID: PARTNER_TENANT,
      APPROVERS: APPROVER_IDS.join(','),
      ...cloudSettingsOf(sandbox),
      AZURE_TENANT_ID: PARTNER_TENANT,
      ACCESS_MODEL: 'delegated',
      GDAP_SECURITY_GROUPS: AZURE_MANAGERS,
      STORE: `sqlite:${join(dir, 'bot.db')}`,
      LOG_LEVEL: 'info',
      NODE_EXTRA_CA_CERTS: caFile,
    });
  });

  afterAll(async () => {
    await bot?.stop();
    await connector?.stop();
    await teams?.stop();
    await sandbox?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const opts = () => ({ serviceUrl: connector.serviceUrl });
  /** POSTs an activity as Teams does: with a channel token for its serviceUrl (or `token`; none when null). */
  const post = async (activity: { serviceUrl: string }, token: string | null = teams.sign(activity.serviceUrl)) => {
    const response = await fetch(`${bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token === null ? {} : { authorization: `Bearer ${token}` }) },
      body: JSON.stringify(activity),
    });
    return { status: response.status, text: await response.text() };
  };
  /** Resolves once the bot has sent nothing to the connector for half a second (earlier outcomes delivered). */
  const quiet = async (): Promise<void> => {
    let seen = -1;
    while (seen !== connector.sent.length) {
      seen = connector.sent.length;
      await new Promise((r) => setTimeout(r, 500));
    }
  };
  /** How many requests the bot's store holds (read from its SQLite file, as an operator would). */
  const storedRequests = async (): Promise<number> => {
    const store = openSqliteStore(join(dir, 'bot.db'));
    try {
      return (await store.requests.listRequests({})).length;
    } finally {
      await store.close();
    }
  };
  /** What a failing wait shows: the bot's last log lines, what the connector refused, what Entra and the clouds answered. */
  const explain = () =>
    [
      ...bot.logs.slice(-15),
      `connector sent ${connector.sent.length}, refused ${JSON.stringify(connector.refused)}`,
      `entra: ${sandbox.entraRequests.map((r) => `${r.method} ${r.path} ${r.status ?? ''}`).join(', ')}`,
      `clouds: ${sandbox.requests.map((r) => `${r.method} ${r.path} ${r.status ?? ''}`).join(', ')}`,
    ].join('\n');
  const lastCardIn = (conversationId: string) => cardOf(connector.to(conversationId).filter((a) => cardOf(a)).at(-1));
  const requestIdOn = (conversationId: string, verb: string): string => {
    const id = lastCardIn(conversationId)?.actions?.find((a) => a.verb === verb)?.data?.requestId;
    if (typeof id !== 'string') throw new Error(`no ${verb} button in ${conversationId}: ${cardText(lastCardIn(conversationId))}\n${bot.logs.join('\n').slice(-3000)}`);
    return id;
  };

  it('when Ada and Sam install the bot, then each is greeted through the connector with the bot\'s own token', async () => {
    expect((await post(installFrom(ADA, opts()))).status).toBe(200);
    expect((await post(installFrom(SAM, opts()))).status).toBe(200);
    await until('the greetings', () => connector.to(ADA.conversationId).length > 0 && connector.to(SAM.conversationId).length > 0, explain);
    expect(connector.refused).toEqual([]);
    // From the sandbox's Entra through MSAL: client credentials at BOT_LOGIN_URL for the Bot Connector.
    expect(sandbox.entraRequests.map((r) => ({ path: r.path, body: r.body }))).toContainEqual({
      path: `/${PARTNER_TENANT}/oauth2/v2.0/token`,
      body: expect.objectContaining({ grant_type: 'client_credentials', client_id: sandbox.botApp.clientId, scope: 'https://api.botframework.com/.default' }),
    });
    const connectorToken = claimsOf(connector.sent[0]?.authorization?.slice('Bearer '.length) ?? '');
    expect(connectorToken).toMatchObject({ aud: 'https://api.botframework.com', appid: sandbox.botApp.clientId, tid: PARTNER_TENANT, iss: `https://sts.windows.net/${PARTNER_TENANT}/` });
  });

  it.each(GRANTS)('when Sam asks for a Contributor grant at $customer, confirms, and Ada approves, then the sandbox\'s ARM holds it, made by the service account, and every token held', async (grant) => {
    // Arrange
    const sentBefore = connector.sent.length;
    const found = () => sandbox.state.roleAssignments.filter((a) => a.scope === grant.scope && a.principalId === grant.user);
    expect(found()).toEqual([]);

    // Act: ask, confirm, approve, each a signed Teams activity.
    expect((await post(messageFrom(SAM, grant.ask, opts()))).status).toBe(200);
    await until('the confirmation card', () => lastCardIn(SAM.conversationId)?.actions?.some((a) => a.verb === 'confirm') === true, explain);
    const requestId = requestIdOn(SAM.conversationId, 'confirm');
    expect((await post(actionFrom(SAM, 'confirm', { requestId }, opts()))).status).toBe(200);
    await until('the approval card', () => connector.to(ADA.conversationId).some((a) => cardOf(a)?.actions?.some((b) => b.verb === 'approve' && b.data?.requestId === requestId) === true), explain);
    expect((await post(actionFrom(ADA, 'approve', { requestId }, opts()))).status).toBe(200);
    await until('the assignment in Azure', () => found().length > 0, explain);

    // Assert: what Azure holds — Contributor for the user (a User), made by the service account, acting in the customer.
    expect(found().map((a) => ({ role: a.roleDefinitionName, principalType: a.principalType, createdBy: a.createdBy }))).toEqual([
      { role: CONTRIBUTOR, principalType: 'User', createdBy: sandbox.state.entra.serviceAccountId },
    ]);
    // What Sam reads in his chat.
    await until('the outcome', () => connector.to(SAM.conversationId).some((a) => /now has/.test(`${a.body.text ?? ''}${cardText(cardOf(a))}`)), explain);
    // The bot's tokens for the customer: its refresh token redeemed at that tenant's authority; every send and call held.
    expect(sandbox.entraRequests.map((r) => ({ path: r.path, body: r.body }))).toContainEqual({
      path: `/${grant.tenant}/oauth2/v2.0/token`,
      body: expect.objectContaining({ grant_type: 'refresh_token', client_id: sandbox.partnerApp.clientId }),
    });
    expect(connector.refused).toEqual([]);
    expect(connector.sent.slice(sentBefore).every((a) => a.authorization?.startsWith('Bearer '))).toBe(true);
    expect(sandbox.requests.filter((r) => r.status === 401)).toEqual([]);
  });

  it.each([
    ['no token', () => null],
    ['a token signed by a key Teams does not publish', () => teams.sign(connector.serviceUrl, {}, { key: teams.strangerKey })],
    ['a token for another bot', () => teams.sign(connector.serviceUrl, { aud: sandbox.partnerApp.clientId })],
  ])('when an activity carries %s, then the bot answers 401 and does nothing', async (_what, token) => {
    await quiet();
    const before = { sent: connector.sent.length, requests: await storedRequests() };
    const response = await post(messageFrom(SAM, "give Alice Reader on Contoso's prod subscription", opts()), token());
    expect(response.status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    expect({ sent: connector.sent.length, requests: await storedRequests() }).toEqual(before);
  });

  it('when a call reaches the connector without the bot\'s token, then the connector refuses it (no token, another app\'s token, a token for another resource)', async () => {
    const send = (authorization?: string) =>
      fetch(`${connector.serviceUrl}v3/conversations/${encodeURIComponent(SAM.conversationId)}/activities`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ type: 'message', text: 'not from the bot' }),
      });
    const otherApp = await sandboxToken(sandbox, sandbox.partnerApp.clientId, sandbox.partnerApp.clientSecret, 'https://api.botframework.com/.default');
    const armToken = await sandboxToken(sandbox, sandbox.botApp.clientId, sandbox.botApp.clientSecret, 'https://management.azure.com/.default');
    const statuses = [(await send()).status, (await send(`Bearer ${otherApp}`)).status, (await send(`Bearer ${armToken}`)).status, (await send(`Bearer ${teams.sign(connector.serviceUrl)}`)).status];
    expect(statuses).toEqual([401, 401, 401, 401]);
    expect(connector.refused.map((r) => r.reason)).toEqual([
      'no bearer token',
      `issued to ${sandbox.partnerApp.clientId}, not to the bot`,
      'audience https://management.azure.com',
      expect.stringMatching(/^signed by a key the tenant does not publish/),
    ]);
    expect(connector.sent.some((a) => a.body.text === 'not from the bot')).toBe(false);
  });
});
