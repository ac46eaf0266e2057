// The bot's Bot Connector token through MSAL at BOT_LOGIN_URL, against the sandbox's Entra: what a connector receives.
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { botLoginUrl, createBotCredentialsFactory } from '../../src/teams/bot-credentials';
import { PARTNER_TENANT } from '../support/teams-users';

const signed = async (factory: ReturnType<typeof createBotCredentialsFactory>, appId: string): Promise<string | undefined> => {
  const headers = new Map<string, string>();
  const credentials = await factory.createCredentials(appId, 'https://api.botframework.com', 'ignored: the factory has its own authority', true);
  await credentials.signRequest({ headers: { set: (name: string, value: string) => headers.set(name, value) } } as never);
  return headers.get('authorization');
};
const claimsOf = (bearer: string | undefined): Record<string, unknown> =>
  JSON.parse(Buffer.from((bearer ?? '').replace(/^Bearer /, '').split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;

describe('the bot\'s Bot Connector token', () => {
  let sandbox: RunningSandbox;
  beforeAll(async () => {
    sandbox = await startSandbox({ port: 0 });
  });
  afterAll(async () => sandbox.stop());

  it('when BOT_LOGIN_URL is a local Entra, then MSAL trusts it as configured and the token is the bot\'s, for the connector, from that tenant', async () => {
    // Arrange
    const factory = createBotCredentialsFactory({
      appId: sandbox.botApp.clientId, appPassword: sandbox.botApp.clientSecret, appType: 'SingleTenant', tenantId: PARTNER_TENANT,
      loginUrl: `${sandbox.authorityHost}/${PARTNER_TENANT}`, tlsCa: sandbox.caCertPem,
    });
    // Act
    const bearer = await signed(factory, sandbox.botApp.clientId);
    // Assert: what the Bot Connector would read, and that the sandbox's Entra was asked, nobody else.
    expect(claimsOf(bearer)).toMatchObject({ aud: 'https://api.botframework.com', appid: sandbox.botApp.clientId, tid: PARTNER_TENANT, iss: `https://sts.windows.net/${PARTNER_TENANT}/`, idtyp: 'app' });
    expect(sandbox.entraRequests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /${PARTNER_TENANT}/v2.0/.well-known/openid-configuration`,
      `POST /${PARTNER_TENANT}/oauth2/v2.0/token`,
    ]);
  });

  it('when the token is asked again before it expires, then MSAL answers from its cache', async () => {
    const factory = createBotCredentialsFactory({
      appId: sandbox.botApp.clientId, appPassword: sandbox.botApp.clientSecret, appType: 'SingleTenant', tenantId: PARTNER_TENANT,
      loginUrl: `${sandbox.authorityHost}/${PARTNER_TENANT}`, tlsCa: sandbox.caCertPem,
    });
    const first = await signed(factory, sandbox.botApp.clientId);
    const posts = sandbox.entraRequests.filter((r) => r.method === 'POST').length;
    expect(await signed(factory, sandbox.botApp.clientId)).toBe(first);
    expect(sandbox.entraRequests.filter((r) => r.method === 'POST')).toHaveLength(posts);
  });

  it('when BOT_PASSWORD is wrong, then no token is sent and Entra\'s reason (AADSTS7000215) surfaces', async () => {
    const factory = createBotCredentialsFactory({
      appId: sandbox.botApp.clientId, appPassword: 'not-the-secret', appType: 'SingleTenant', tenantId: PARTNER_TENANT,
      loginUrl: `${sandbox.authorityHost}/${PARTNER_TENANT}`, tlsCa: sandbox.caCertPem,
    });
    await expect(signed(factory, sandbox.botApp.clientId)).rejects.toThrow(/AADSTS7000215/);
  });

  it('when botbuilder asks for credentials of another app id, then it is refused', async () => {
    const factory = createBotCredentialsFactory({ appId: sandbox.botApp.clientId, appPassword: 'x', appType: 'SingleTenant', tenantId: PARTNER_TENANT });
    expect(await factory.isValidAppId(sandbox.partnerApp.clientId)).toBe(false);
    await expect(factory.createCredentials(sandbox.partnerApp.clientId, 'https://api.botframework.com', '', true)).rejects.toThrow('Invalid appId.');
  });

  it.each([
    [{ appType: 'SingleTenant' as const, tenantId: PARTNER_TENANT }, `https://login.microsoftonline.com/${PARTNER_TENANT}`],
    [{ appType: 'MultiTenant' as const }, 'https://login.microsoftonline.com/botframework.com'],
    [{ appType: 'SingleTenant' as const, tenantId: PARTNER_TENANT, loginUrl: 'https://login.microsoftonline.us/contoso.onmicrosoft.us/' }, 'https://login.microsoftonline.us/contoso.onmicrosoft.us'],
  ])('when the settings are %j, then the bot\'s token comes from %s (botbuilder\'s defaults unless BOT_LOGIN_URL says otherwise)', (settings, expected) => {
    expect(botLoginUrl(settings)).toBe(expected);
  });
});
