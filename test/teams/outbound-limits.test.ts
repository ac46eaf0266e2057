// Bot Connector calls as Teams receives them: the bot's adapter (botbuilder's connector client, our transport and
// OutboundLimits) against a fake connector that counts every attempt: one retry policy, a deadline per attempt.
import { ConfigurationServiceClientCredentialFactory, type ConversationReference } from 'botbuilder';
import { ConnectorCallError, OutboundLimits } from '../../src/teams/outbound-limits';
import { SecureTeamsAdapter } from '../../src/teams/secure-adapter';
import { startFakeConnector, type FakeConnector } from '../support/fake-connector';
import { clockMovedUntil, fakeTimeouts, until } from '../support/fake-time';

/** A bot without an app id: no token to fetch, every call goes straight to the connector. */
const NO_AUTH = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' };
const DEADLINE_MS = 200;

describe('Bot Connector calls (adapter, transport and OutboundLimits against a fake connector)', () => {
  let connector: FakeConnector;
  let waits: number[];
  let adapter: SecureTeamsAdapter;

  beforeEach(async () => {
    connector = await startFakeConnector();
    waits = [];
    // Waits are recorded, not slept: the tests count attempts, never time.
    const limits = new OutboundLimits({ requestTimeoutInMs: DEADLINE_MS, sleep: async (ms) => void waits.push(ms) });
    adapter = new SecureTeamsAdapter(NO_AUTH, new ConfigurationServiceClientCredentialFactory(NO_AUTH), limits);
  });
  afterEach(() => connector.stop());

  const reference = (conversationId: string): Partial<ConversationReference> => ({
    serviceUrl: connector.serviceUrl, channelId: 'msteams', bot: { id: '28:bot', name: 'CSP Access' },
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
  });
  /** A proactive message, as the notifier sends one: resolves, or rejects with what the send ended with. */
  const send = (conversationId: string, text: string) =>
    adapter.continueConversationAsync('', reference(conversationId), async (context) => void (await context.sendActivity(text)));
  const attemptsTo = (conversationId: string) => connector.attempts.filter((a) => a.path.includes(encodeURIComponent(conversationId))).map((a) => a.status);

  it('when Teams answers 429 with Retry-After: 1, then the send waits at least that long and is sent again once: 2 attempts', async () => {
    connector.failNext(1, 429, { 'Retry-After': '1' });

    await send('a:sam', 'hello');

    expect(attemptsTo('a:sam')).toEqual([429, 200]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
    expect(connector.to('a:sam').map((a) => a.body.text)).toEqual(['hello']);
  });

  it.each<{ status: number; headers: Record<string, string> }>([
    { status: 429, headers: { 'Retry-After': '0' } },
    { status: 429, headers: {} },
    { status: 412, headers: {} },
    { status: 502, headers: {} },
    { status: 504, headers: {} },
  ])('when Teams answers $status $headers to every attempt, then the send is tried 1 + 4 times in all (one retry policy, not two stacked), then fails', async ({ status, headers }) => {
    connector.failNext(100, status, headers);

    const error: unknown = await send('a:sam', 'hello').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectorCallError);
    expect(error).toMatchObject({ statusCode: status });
    expect(attemptsTo('a:sam')).toEqual([status, status, status, status, status]);
  });

  it('when Teams answers 500 or 400, then the send fails at once (Teams asks bots to retry 429, 412, 502 and 504 only)', async () => {
    connector.failNext(1, 500);
    await expect(send('a:sam', 'one')).rejects.toMatchObject({ statusCode: 500 });
    connector.failNext(1, 400, {}, '{"error":{"code":"BadArgument"}}');
    await expect(send('a:sam', 'two')).rejects.toMatchObject({ statusCode: 400, code: 'BadArgument' });

    expect(attemptsTo('a:sam')).toEqual([500, 400]);
  });

  it('when Teams asks for a longer pause than a send may wait (Retry-After: 120), then the send fails at once with that wait, not held', async () => {
    connector.failNext(1, 429, { 'Retry-After': '120' });

    await expect(send('a:sam', 'hello')).rejects.toMatchObject({ statusCode: 429, retryAfterInMs: 120_000 });
    expect(attemptsTo('a:sam')).toEqual([429]);
    expect(waits).toEqual([]);
  });

  it('when Teams never answers in one chat, then each attempt ends at its deadline, the send fails after 1 + 4 attempts saying it timed out, and another chat is served meanwhile', async () => {
    connector.hangSendsTo('a:sam');
    fakeTimeouts();
    try {
      const hung = send('a:sam', 'to Sam').then(() => undefined, (e: unknown) => e);
      await until("the first attempt reaches Sam's chat", () => attemptsTo('a:sam').length === 1);

      // The clock stands still: Sam's send cannot have given up, and Pat's goes through all the same.
      await send('a:pat', 'to Pat');
      expect(connector.to('a:pat').map((a) => a.body.text)).toEqual(['to Pat']);
      expect(attemptsTo('a:sam')).toHaveLength(1);

      let error: unknown;
      void hung.then((e) => (error = e));
      const moved = await clockMovedUntil("Sam's send gives up", () => error !== undefined, { stepInMs: 20 });
      expect(moved).toBeGreaterThanOrEqual(5 * DEADLINE_MS);
      expect(error).toBeInstanceOf(ConnectorCallError);
      expect(error).toMatchObject({ code: 'REQUEST_TIMED_OUT' });
      expect((error as Error).message).toMatch(/^Bot Connector POST http:\/\/127\.0\.0\.1:\d+\/v3\/conversations\/a%3Asam\/activities\S* timed out: no answer within 200 ms$/);
      expect(attemptsTo('a:sam')).toEqual([0, 0, 0, 0, 0]);
    } finally {
      jest.useRealTimers();
    }
  });
});
