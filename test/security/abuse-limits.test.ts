// Abuse limits: per-user message rate limit through the endpoint; outbound pacing, retries, deadlines and blocked chats.
import pino from 'pino';
import { ConnectorCallError, OutboundLimits } from '../../src/teams/outbound-limits';
import { clockMovedUntil, fakeTimeouts, until } from '../support/fake-time';
import { startSecureHarness, type SecureHarness } from '../support/secure-harness';
import { installFrom, messageFrom, SAM, PAT } from '../support/teams-users';

const ASK = "give Alice Contributor on Contoso's prod subscription";

/** What the bot wrote to its log at warn level and above. */
const logged: { msg?: string; err?: { name?: string; message?: string } }[] = [];
const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) });
/** Long enough that no answer of the fake connector misses it on a busy machine; the test that needs it moves the clock. */
const CONNECTOR_DEADLINE_MS = 5_000;

describe('abuse limits through the endpoint', () => {
  let s: SecureHarness;
  const opts = () => ({ serviceUrl: s.h.connector.serviceUrl });
  const textsTo = (conversationId: string) => s.h.connector.to(conversationId).map((a) => a.body.text ?? '(card)');

  beforeEach(async () => {
    logged.length = 0;
    s = await startSecureHarness({ RATE_LIMIT: '3/10m' }, { logger, requestTimeoutInMs: CONNECTOR_DEADLINE_MS });
  });
  afterEach(async () => s.stop());

  it('when a user sends more messages than RATE_LIMIT allows, then the extra ones get a polite answer in their language and do nothing', async () => {
    for (let i = 0; i < 3; i++) expect((await s.post(messageFrom(SAM, 'help', opts()))).status).toBe(200);
    const refused = await s.post(messageFrom(SAM, ASK, opts()));
    expect(refused.status).toBe(200);
    await s.h.bot.idle();
    expect(textsTo(SAM.conversationId).at(-1)).toBe('You have sent me a lot of messages in a short time. Please wait a few minutes, then try again.');
    expect((await s.h.bot.store.requests.listRequests({}))).toHaveLength(0);
    // Another user is not affected; in French, the answer is French.
    for (let i = 0; i < 3; i++) await s.post(messageFrom(PAT, 'aide', { ...opts(), locale: 'fr-FR' }));
    await s.post(messageFrom(PAT, 'aide', { ...opts(), locale: 'fr-FR' }));
    expect(textsTo(PAT.conversationId).at(-1)).toBe("Vous m'avez envoyé beaucoup de messages en peu de temps. Patientez quelques minutes, puis réessayez.");
    // After the window, Sam may ask again.
    s.h.clock.advance(10 * 60_000 + 1);
    await s.post(messageFrom(SAM, ASK, opts()));
    expect((await s.h.bot.store.requests.listRequests({}))).toHaveLength(1);
  });

  it('when Teams answers 429 without Retry-After, then the reply is retried with backoff and arrives', async () => {
    s.h.connector.failNext(2, 429);
    const response = await s.post(messageFrom(SAM, 'help', opts()));
    expect(response.status).toBe(200);
    expect(s.h.connector.to(SAM.conversationId)).toHaveLength(1);
    expect(s.h.connector.attempts.map((a) => a.status)).toEqual([429, 429, 200]);
  });

  it('when Teams answers 429 with Retry-After: 1, then the retry waits at least a second on the clock', async () => {
    s.h.connector.failNext(1, 429, { 'Retry-After': '1' });
    fakeTimeouts();
    try {
      const posted = s.post(messageFrom(SAM, 'help', opts()));
      await until('the reply is refused with 429', () => s.h.connector.attempts.some((a) => a.status === 429));
      const waited = await clockMovedUntil('the reply is sent again', () => s.h.connector.to(SAM.conversationId).length > 0);
      expect((await posted).status).toBe(200);
      expect(waited).toBeGreaterThanOrEqual(1000);
      expect(s.h.connector.attempts.map((a) => a.status)).toEqual([429, 200]);
    } finally {
      jest.useRealTimers();
    }
  });

  it("when Teams never answers in Sam's chat, then the reply is given up after 1 + 4 attempts, each to its deadline, the failure is logged, and Pat is answered meanwhile", async () => {
    s.h.connector.hangSendsTo(SAM.conversationId);
    const attemptsToSam = () => s.h.connector.attempts.filter((a) => a.path.includes(encodeURIComponent(SAM.conversationId)));
    fakeTimeouts();
    try {
      const samPosted = s.post(messageFrom(SAM, 'help', opts()));
      await until("the reply reaches Sam's chat", () => attemptsToSam().length === 1);
      // The clock stands still: Sam's reply is still waiting, and Pat's turn is served all the same.
      expect((await s.post(messageFrom(PAT, 'aide', { ...opts(), locale: 'fr-FR' }))).status).toBe(200);
      expect(textsTo(PAT.conversationId)).toHaveLength(1);

      let done = false;
      void samPosted.finally(() => (done = true));
      const moved = await clockMovedUntil("Sam's turn ends", () => done, { stepInMs: 250 });
      expect(moved).toBeGreaterThanOrEqual(5 * CONNECTOR_DEADLINE_MS);
      // The reply, then (from the turn's error handling) the "something went wrong" notice: each send tried 1 + 4 times.
      expect(attemptsToSam().every((a) => a.status === 0)).toBe(true);
      expect([5, 10]).toContain(attemptsToSam().length);
      expect(logged.map((l) => l.err)).toContainEqual(expect.objectContaining({ name: 'ConnectorCallError', message: expect.stringMatching(/timed out: no answer within 5000 ms$/) }));
    } finally {
      jest.useRealTimers();
    }
  });

  it('when Teams answers 412, then the send is retried', async () => {
    s.h.connector.failNext(1, 412);
    await s.post(messageFrom(SAM, 'help', opts()));
    expect(s.h.connector.to(SAM.conversationId)).toHaveLength(1);
    expect(s.h.connector.attempts.map((a) => a.status)).toEqual([412, 200]);
  });

  it('when Teams answers 403 MessageWritesBlocked, then the bot stops sending there and records it', async () => {
    await s.post(installFrom(SAM, opts()));
    const before = s.h.connector.sent.length;
    s.h.connector.failNext(1, 403, {}, '{"error":{"code":"MessageWritesBlocked","message":"Thread is blocked"}}');
    const blocked = await s.post(installFrom(SAM, opts()));
    expect(blocked.status).toBe(200);
    expect((await s.h.bot.store.audit.list({})).filter((e) => e.event === 'conversation_blocked')).toHaveLength(1);
    // Nothing more is attempted in that conversation (a proactive send included).
    await s.post(installFrom(SAM, opts()));
    expect(s.h.connector.sent.length).toBe(before);
    // A message from the user shows the chat is open again.
    await s.post(messageFrom(SAM, 'help', opts()));
    expect(s.h.connector.sent.length).toBe(before + 1);
  });
});

describe('outbound pacing (OutboundLimits)', () => {
  /** A virtual clock: sleeping moves time on at once. */
  const virtualTime = () => {
    let now = 1_000_000;
    return { now: () => now, sleep: async (ms: number) => void (now += ms) };
  };

  it('when 30 sends go to one conversation at once, then no second ever carries more than 7, and another conversation is not held up', async () => {
    const time = virtualTime();
    const limits = new OutboundLimits({ now: time.now, sleep: time.sleep });
    const sentAt: Record<string, number[]> = { a: [], b: [] };
    const send = (key: 'a' | 'b') => limits.run(`${key};messageid=1`, async () => void sentAt[key]?.push(time.now()));
    await Promise.all([...Array.from({ length: 30 }, () => send('a')), send('b')]);
    const a = sentAt.a ?? [];
    expect(a).toHaveLength(30);
    for (let i = 7; i < a.length; i++) expect((a[i] ?? 0) - (a[i - 7] ?? 0)).toBeGreaterThanOrEqual(1000);
    expect((a.at(-1) ?? 0) - (a[0] ?? 0)).toBeLessThan(5000);
    expect(sentAt.b).toHaveLength(1);
  });

  it('when a send keeps failing with 502, then it is tried 1 + maxRetries times with growing, jittered waits, then fails', async () => {
    const time = virtualTime();
    const waits: number[] = [];
    const limits = new OutboundLimits({ now: time.now, sleep: async (ms) => { waits.push(ms); await time.sleep(ms); }, random: () => 0.999 });
    let attempts = 0;
    await expect(limits.run('c', async () => { attempts++; throw new ConnectorCallError('bad gateway', 502, undefined, undefined); })).rejects.toThrow('bad gateway');
    expect(attempts).toBe(5);
    expect(waits).toEqual([499, 999, 1998, 3996]);
  });

  it('when a send fails with 400, then it is not retried', async () => {
    const limits = new OutboundLimits();
    let attempts = 0;
    await expect(limits.run('c', async () => { attempts++; throw new ConnectorCallError('bad', 400, 'BadArgument', undefined); })).rejects.toThrow('bad');
    expect(attempts).toBe(1);
  });
});
