// The bot's credential wiring (main.ts): CLOUD=sandbox alone starts the built-in sandbox and takes authority, app and
// refresh token from it; each ACCESS_MODEL gets its tokens there by the same grants as from Azure's Entra.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { loadConfig } from '../../src/config';
import { startBot, type RunningBot } from '../../src/main';
import { openSqliteRefreshTokens } from '../../src/store/sqlite-refresh-tokens';
import { cardOf, cardText, startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { messageFrom, SAM } from '../support/teams-users';

const CONTOSO = 'c0000001-0000-4000-8000-000000000001';

describe('CLOUD=sandbox with nothing else given', () => {
  let dir: string;
  let connector: FakeConnector;
  let bot: RunningBot | undefined;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'csp-main-cred-'));
    connector = await startFakeConnector();
  });
  afterEach(async () => {
    await bot?.stop();
    bot = undefined;
    await connector.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (env: Record<string, string>) => {
    bot = await startBot(loadConfig({ CLOUD: 'sandbox', PORT: '0', HOST: '127.0.0.1', STORE: `sqlite:${join(dir, 'bot.db')}`, ...env }), { logger: pino({ level: 'silent' }) });
    return bot;
  };
  /** Sam asks for access; the confirmation card needs Partner Center and the customer's Graph, each through a token. */
  const samAsks = async (running: RunningBot) => {
    const response = await fetch(`${running.url}/api/messages`, {
      method: 'POST', headers: { 'content-type': 'application/json' },
      body: JSON.stringify(messageFrom(SAM, "give Alice Contributor on Contoso's prod subscription", { serviceUrl: connector.serviceUrl })),
    });
    expect(response.status).toBe(200);
    return cardText(cardOf(connector.to(SAM.conversationId).at(-1)));
  };
  const grants = (running: RunningBot) =>
    (running.sandbox?.entraRequests ?? [])
      .filter((r) => r.path.endsWith('/oauth2/v2.0/token'))
      .map((r) => { const form = r.body as Record<string, string>; return `${form.grant_type} ${r.path.split('/')[1]} ${form.client_id} ${r.status}`; });

  it('when ACCESS_MODEL is left to its default, then the bot redeems the refresh token the sandbox issued, at the customer\'s authority, and keeps the newest', async () => {
    const running = await start({});
    const card = await samAsks(running);
    const appId = running.sandbox?.partnerApp.clientId;

    expect(card).toContain('Alice Martin (alice@contoso.onmicrosoft.com)');
    expect(grants(running)).toContain(`refresh_token ${CONTOSO} ${appId} 200`);
    expect(grants(running).every((g) => g.startsWith('refresh_token '))).toBe(true);
    expect(running.signIn?.signInRequired).toBeUndefined();
    const kept = openSqliteRefreshTokens(join(dir, 'bot.db'));
    expect(await kept.read()).toBeDefined();
    await kept.close();
  });

  it('when ACCESS_MODEL=app, then the bot uses the sandbox\'s partner app with client credentials, and no refresh token', async () => {
    const running = await start({ ACCESS_MODEL: 'app' });
    await samAsks(running);
    const appId = running.sandbox?.partnerApp.clientId;

    expect(grants(running)).toContain(`client_credentials ${CONTOSO} ${appId} 200`);
    expect(grants(running).some((g) => g.startsWith('refresh_token'))).toBe(false);
    expect(running.signIn).toBeUndefined();
  });
});
