// What `npm run sandbox` prints for a developer: settings that really work against the running sandbox's Entra.
import { startSandbox, type RunningSandbox } from '../../src/sandbox';
import { describeSandbox } from '../../src/sandbox/cli';
import { claimsOf, postToEntra } from '../support/sandbox-tokens';

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
});
afterAll(async () => {
  await sandbox.stop();
});

describe('sandbox command line', () => {
  test('when the sandbox starts, then the printed app credentials and refresh token get a Partner Center token at the printed authority', async () => {
    const { env } = describeSandbox(sandbox, '/tmp/sandbox-ca.pem');
    const settings = Object.fromEntries(env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    expect(settings).toMatchObject({ NODE_EXTRA_CA_CERTS: '/tmp/sandbox-ca.pem', AZURE_AUTHORITY_HOST: sandbox.url, BOT_LOGIN_URL: `${sandbox.url}/${sandbox.state.partner.tenantId}` });

    const answer = await postToEntra(sandbox, settings.PARTNER_TENANT_ID ?? '', {
      grant_type: 'refresh_token', client_id: settings.AZURE_CLIENT_ID ?? '', client_secret: settings.AZURE_CLIENT_SECRET ?? '',
      refresh_token: settings.PARTNER_REFRESH_TOKEN ?? '', scope: 'https://api.partnercenter.microsoft.com/.default offline_access',
    });
    expect(answer.status).toBe(200);
    expect(claimsOf(String(answer.body.access_token))).toMatchObject({ upn: 'cspaccessbot@litwarecsp.onmicrosoft.com', aud: 'https://api.partnercenter.microsoft.com' });
  });

  test('when the sandbox starts, then the printed bot credentials get a Bot Framework token at BOT_LOGIN_URL', async () => {
    const { env } = describeSandbox(sandbox, 'ca.pem');
    const settings = Object.fromEntries(env.map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    const tenant = (settings.BOT_LOGIN_URL ?? '').slice(sandbox.url.length + 1);
    const answer = await postToEntra(sandbox, tenant, {
      grant_type: 'client_credentials', client_id: settings.BOT_ID ?? '', client_secret: settings.BOT_PASSWORD ?? '', scope: 'https://api.botframework.com/.default',
    });
    expect(answer.status).toBe(200);
    expect(claimsOf(String(answer.body.access_token))).toMatchObject({ aud: 'https://api.botframework.com', appid: sandbox.botApp.clientId, idtyp: 'app' });
  });
});
