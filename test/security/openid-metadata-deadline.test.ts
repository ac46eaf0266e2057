// The bot fetches Bot Framework's OpenID metadata and signing keys (BOT_OPENID_METADATA_URL, once a day and on an
// unknown key id) through botbuilder's own node-fetch call, which has no deadline. When that endpoint stops answering,
// an activity is still answered: 503 (the channel tries again), never a 401 that would refuse a genuine caller.
// (From a review finding: every activity waited on it with no end.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startSecureHarness, type SecureHarness } from '../support/secure-harness';
import { messageFrom, SAM } from '../support/teams-users';

/** The contract's deadline for any outbound call, plus a margin. */
const DEADLINE_MS = 65_000;

describe('a stalled OpenID metadata endpoint does not stall every activity', () => {
  let stalled: Server;
  const sockets = new Set<Socket>();
  let s: SecureHarness;

  beforeAll(async () => {
    // Accepts the connection and never answers (as a stalled endpoint or a black-holed route does).
    stalled = createServer(() => undefined);
    stalled.on('connection', (socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => stalled.listen(0, '127.0.0.1', resolve));
    const { port } = stalled.address() as AddressInfo;
    s = await startSecureHarness({ BOT_OPENID_METADATA_URL: `http://127.0.0.1:${port}/v1/.well-known/openidconfiguration` });
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => stalled.close(() => resolve()));
    await s.stop();
  });

  it('when the metadata endpoint never answers, then a signed Teams message still gets an HTTP answer within the deadline', async () => {
    const answered = s.post(messageFrom(SAM, 'help', { serviceUrl: s.h.connector.serviceUrl })).then((r) => `HTTP ${r.status}`);
    const limit = new Promise<string>((resolve) => setTimeout(() => resolve('no answer'), DEADLINE_MS).unref());
    expect(await Promise.race([answered, limit])).toBe('HTTP 503');
  }, DEADLINE_MS + 20_000);
});
