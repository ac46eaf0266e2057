// The bot's HTTP server as Azure's front ends use it: a connection left idle between two activities is reused.
import { request, Agent } from 'node:http';
import { startHarness, type Harness } from '../support/bot-harness';

/** GET /health on `agent`'s connection; resolves with the status and the local port the request went out on. */
function health(url: string, agent: Agent): Promise<{ status: number; localPort: number | undefined }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/health`, { agent }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, localPort: req.socket?.localPort }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the bot\'s HTTP server', () => {
  let h: Harness;
  beforeAll(async () => { h = await startHarness(); });
  afterAll(async () => { await h.stop(); });

  it('when a front end reuses a connection after 6 s idle (Node\'s default would have closed it at 5 s), then the request is answered on it', async () => {
    // Arrange: one kept-alive connection, as App Service's front end holds to its app.
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const first = await health(h.bot.url, agent);
      // Act
      await new Promise((resolve) => setTimeout(resolve, 6_000));
      const second = await health(h.bot.url, agent);
      // Assert: answered, on the very same connection (a closed one would have made the agent open another).
      expect([first.status, second.status]).toEqual([200, 200]);
      expect(second.localPort).toBe(first.localPort);
    } finally {
      agent.destroy();
    }
  }, 30_000);
});
