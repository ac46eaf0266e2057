// A loopback HTTP proxy in front of a real service that fails chosen requests: throttling, outages, lost answers.
import { createServer, request as forward, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** Answer this status instead of forwarding (Retry-After: 0 with 429 and 503, as Azure sends it). */
  | { readonly status: number }
  /** Forward the request, let the service apply it, then drop the connection instead of answering. */
  | { readonly lose: 'answer' };

export interface FaultProxy {
  /** http://127.0.0.1:PORT */
  readonly url: string;
  /** The next requests that `matches` selects get these faults, one each, in order. */
  fail(matches: (request: IncomingMessage) => boolean, ...faults: Fault[]): void;
  /** Requests seen so far (method and path), for a failing test's message. */
  readonly seen: string[];
  close(): Promise<void>;
}

export async function startFaultProxy(target: { readonly port: number }): Promise<FaultProxy> {
  const planned: { matches: (request: IncomingMessage) => boolean; fault: Fault }[] = [];
  const seen: string[] = [];
  const server = createServer((incoming, answer) => {
    seen.push(`${incoming.method ?? ''} ${incoming.url ?? ''}`);
    const at = planned.findIndex((plan) => plan.matches(incoming));
    const fault = at >= 0 ? planned.splice(at, 1)[0]?.fault : undefined;
    if (fault && 'status' in fault) {
      incoming.resume();
      answer.writeHead(fault.status, { 'Retry-After': '0', 'Content-Length': '0' });
      answer.end();
      return;
    }
    const upstream = forward({ host: '127.0.0.1', port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (response) => {
      if (fault) {
        // The service has applied it; the caller never hears.
        response.resume();
        response.on('end', () => incoming.socket.destroy());
        return;
      }
      answer.writeHead(response.statusCode ?? 502, response.headers);
      response.pipe(answer);
    });
    upstream.on('error', () => incoming.socket.destroy());
    incoming.pipe(upstream);
  });
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    fail(matches, ...faults) {
      for (const fault of faults) planned.push({ matches, fault });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
