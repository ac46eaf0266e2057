// The HTTP endpoint Teams posts to: restify, POST /api/messages into the adapter, and a health probe.
import type { Application, TeamsAdapter, TurnState } from '@microsoft/teams-ai';
import * as restify from 'restify';
import type { Logger } from '../logger';

/** Bot Framework activities are small; anything larger is refused before it is parsed. */
export const MAX_BODY_BYTES = 256 * 1024;

export interface HttpServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function startHttpServer(options: { adapter: TeamsAdapter; app: Application<TurnState>; port: number; host?: string; logger: Logger }): Promise<HttpServer> {
  const server = restify.createServer({ name: 'csp-access-bot', handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: MAX_BODY_BYTES, mapParams: false, rejectUnknown: true }));

  server.post('/api/messages', async (req, res) => {
    try {
      await options.adapter.process(req, res, (context) => options.app.run(context).then(() => undefined));
    } catch (error) {
      options.logger.error({ err: error instanceof Error ? { name: error.name, message: error.message } : String(error) }, 'request failed');
      if (!res.headersSent) {
        res.status(500);
        res.send({ error: 'internal_error' });
      }
    }
  });
  server.get('/health', async (_req, res) => {
    res.send(200, { status: 'ok' });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '0.0.0.0', () => resolve());
  });
  const address = server.address();
  const port = address.port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
