// The bot fetches Bot Framework's OpenID metadata and signing keys (BOT_OPENID_METADATA_URL, once a day and on an
// unknown key id). When that endpoint stops answering, an activity is still answered: 503 (the channel tries again),
// never a 401 that would refuse a genuine caller; and the activities given up on leave no fetch behind them.
// (From review findings: every activity waited on it with no end; then each left its own connection open.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { startSecureHarness, type SecureHarness } from '../support/secure-harness';
import { messageFrom, SAM } from '../support/teams-users';

/** The contract's deadline for any outbound call, plus a margin. */
const DEADLINE_MS = 65_000;

describe('a stalled OpenID metadata endpoint does not stall every activity', () => {
  let stalled: Server;
  const sockets = new Set<Socket>();
  let accepted = 0;
  let s: SecureHarness;

  beforeAll(async () => {
    // Accepts the connection and never answers (as a stalled endpoint or a black-holed route does).
    stalled = createServer(() => undefined);
    stalled.on('connection', (socket) => {
      accepted++;
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

  it('when several activities arrive while it does not answer, then the bot holds one connection to it, and none once they are answered', async () => {
    const before = accepted;
    const answers = await Promise.all(Array.from({ length: 5 }, () => s.post(messageFrom(SAM, 'help', { serviceUrl: s.h.connector.serviceUrl }))));
    expect(answers.map((r) => r.status)).toEqual([503, 503, 503, 503, 503]);
    // Each activity abandoned at the deadline used to leave its own fetch open on the endpoint, one more per retry.
    expect(accepted - before).toBe(1);
    await waitFor(() => sockets.size === 0);
    expect(sockets.size).toBe(0);
  }, DEADLINE_MS + 20_000);
});

/** Polls until `done` (a closed socket is seen by the server a moment after the client closes it). */
async function waitFor(done: () => boolean): Promise<void> {
  for (let i = 0; i < 100 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}
