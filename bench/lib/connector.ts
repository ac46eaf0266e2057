// A lean Bot Connector on loopback for the benches: accepts every reply and proactive send with 200 and an id, and
// only counts them (the tests' fake connector records every body, which would grow without end under load).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BenchConnector {
  readonly serviceUrl: string;
  /** Sends accepted so far (replies, new messages, updates). */
  readonly accepted: number;
  /** Calls that were not a send (wrong path or method): should stay 0. */
  readonly unexpected: number;
  /** The body of the last send (one kept, to check what the bot answers before measuring it). */
  readonly last: string;
  stop(): Promise<void>;
}

export async function startBenchConnector(): Promise<BenchConnector> {
  let accepted = 0;
  let unexpected = 0;
  let counter = 0;
  let last = '';
  const server: Server = createServer((req, res) => {
    // The body is read to the end (as Teams would), kept as the last one, not parsed: the bot's cost is what is measured.
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const isSend = (req.method === 'POST' || req.method === 'PUT') && /^\/v3\/conversations\/[^/]+\/activities(?:\/[^/]+)?$/.test((req.url ?? '').split('?')[0] ?? '');
      if (!isSend) {
        unexpected++;
        res.writeHead(404);
        res.end();
        return;
      }
      accepted++;
      last = Buffer.concat(chunks).toString('utf8');
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(`{"id":"activity-${++counter}"}`);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    serviceUrl: `http://127.0.0.1:${port}/`,
    get accepted() {
      return accepted;
    },
    get unexpected() {
      return unexpected;
    },
    get last() {
      return last;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
