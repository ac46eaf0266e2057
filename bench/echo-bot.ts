// The baseline: a bare teams-ai v1 echo bot on the same restify, adapter and auth mode as ours runs with locally
// (no BOT_ID: inbound authentication off, replies sent without a token), replying once per message through the
// Bot Connector like ours does, and answering a card click in the invoke's response. Run alone it prints one JSON line with its port: node dist/bench-build/bench/echo-bot.js
import { Application, TeamsAdapter, type TurnState } from '@microsoft/teams-ai';
import { ActivityTypes, ConfigurationServiceClientCredentialFactory, type Response as BotResponse } from 'botbuilder';
import * as restify from 'restify';

export interface EchoBot {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

/** The auth settings our bot builds when BOT_ID is empty (src/main.ts): the same for both bots. */
const NO_APP = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' };

export async function startEchoBot(options: { port?: number; host?: string } = {}): Promise<EchoBot> {
  const adapter = new TeamsAdapter(NO_APP, new ConfigurationServiceClientCredentialFactory(NO_APP));
  // As ours: no typing indicator (it would be a second outbound call per message), no conversation state storage.
  const app = new Application<TurnState>({ adapter, botAppId: '', startTypingTimer: false, removeRecipientMention: true });
  app.activity(ActivityTypes.Message, async (context) => {
    await context.sendActivity(`you said: ${context.activity.text ?? ''}`);
  });
  // A card button (Action.Execute): answered in the invoke's response with a small card naming the verb, as ours
  // answers a click with the refreshed card (bench/approve-click.ts); no outbound call.
  app.adaptiveCards.actionExecute(/.*/, async (context) => {
    const verb = String((context.activity.value as { action?: { verb?: unknown } } | undefined)?.action?.verb ?? '');
    return { type: 'AdaptiveCard', version: '1.4', body: [{ type: 'TextBlock', text: `you clicked: ${verb}`, wrap: true }] };
  });

  const server = restify.createServer({ name: 'echo-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser());
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res as unknown as BotResponse, async (context) => {
      await app.run(context);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const port = server.address().port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

if (require.main === module) {
  startEchoBot({ port: Number(process.env.PORT ?? 0), host: process.env.HOST ?? '127.0.0.1' }).then(
    (bot) => {
      // The same kind of line our bot logs, so a parent process reads the port the same way for both.
      process.stdout.write(`${JSON.stringify({ port: bot.port, msg: 'echo bot listening' })}\n`);
      const stop = () => void bot.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      console.error('echo bot failed to start:', error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}
