// Proactive sends on a kept Bot Connector client, as Teams receives them: the same activities as a fresh turn's, the
// same pacing and retries (OutboundLimits through the adapter), against a fake connector that counts every attempt.
import { ConfigurationServiceClientCredentialFactory, MessageFactory, type ConversationReference } from 'botbuilder';
import { ProactiveConversations } from '../../src/teams/connector-clients';
import { ConnectorCallError, OutboundLimits } from '../../src/teams/outbound-limits';
import { SecureTeamsAdapter } from '../../src/teams/secure-adapter';
import { startFakeConnector, type FakeConnector, type SentActivity } from '../support/fake-connector';

/** A bot without an app id: no token to fetch, every call goes straight to the connector. */
const NO_AUTH = { MicrosoftAppId: '', MicrosoftAppPassword: '', MicrosoftAppType: 'MultiTenant', MicrosoftAppTenantId: '' };

describe('proactive sends on a kept connector client', () => {
  let connector: FakeConnector;
  let waits: number[];
  let adapter: SecureTeamsAdapter;
  let proactive: ProactiveConversations;

  beforeEach(async () => {
    connector = await startFakeConnector();
    waits = [];
    const limits = new OutboundLimits({ requestTimeoutInMs: 2_000, sleep: async (ms) => void waits.push(ms) });
    adapter = new SecureTeamsAdapter(NO_AUTH, new ConfigurationServiceClientCredentialFactory(NO_AUTH), limits);
    proactive = new ProactiveConversations(adapter, '');
  });
  afterEach(() => connector.stop());

  const reference = (conversationId: string): Partial<ConversationReference> => ({
    serviceUrl: connector.serviceUrl, channelId: 'msteams', bot: { id: '28:bot', name: 'CSP Access' }, user: { id: '29:sam', name: 'Sam' },
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
  });
  const send = (conversationId: string, text: string) => proactive.continue(reference(conversationId), async (context) => void (await context.sendActivity(text)));
  const attemptsTo = (conversationId: string) => connector.attempts.filter((a) => a.path.includes(encodeURIComponent(conversationId))).map((a) => `${a.method} ${a.status}`);
  /** What Teams reads of a send, without what differs on every send (ids, times). */
  const shape = (sent: SentActivity | undefined) => {
    const { id: _id, replyToId: _reply, ...body } = (sent?.body ?? {}) as Record<string, unknown>;
    return { method: sent?.method, conversationId: sent?.conversationId, repliesTo: typeof sent?.replyToId, body };
  };

  it('when a second message goes to a service URL already used, then Teams receives it as it received the first (the same fields, as a reply to the continuation)', async () => {
    const fresh = jest.spyOn(adapter, 'continueConversationAsync');
    await send('a:sam', 'hello');
    await send('a:sam', 'hello');
    await send('a:pat', 'hello');

    const [first, second, third] = connector.sent;
    expect(shape(second)).toEqual(shape(first));
    expect(shape(third)).toEqual({ ...shape(first), conversationId: 'a:pat', body: { ...shape(first).body, conversation: expect.objectContaining({ id: 'a:pat' }) } });
    expect(first?.body).toMatchObject({ type: 'message', text: 'hello', from: { id: '28:bot' }, recipient: { id: '29:sam' }, channelId: 'msteams' });
    // Only the first send built clients (botbuilder's own turn); the next ones reused its connector client.
    expect(fresh).toHaveBeenCalledTimes(1);
  });

  it('when Teams answers 429 with Retry-After: 1 to a send on the kept client, then it waits and sends again once: 2 attempts', async () => {
    await send('a:sam', 'first');
    connector.failNext(1, 429, { 'Retry-After': '1' });

    await send('a:sam', 'second');

    expect(attemptsTo('a:sam')).toEqual(['POST 200', 'POST 429', 'POST 200']);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(1000);
    expect(connector.to('a:sam').map((a) => a.body.text)).toEqual(['first', 'second']);
  });

  it('when Teams answers 502 to every attempt on the kept client, then the send is tried 1 + 4 times in all, then fails', async () => {
    await send('a:sam', 'first');
    connector.failNext(100, 502);

    const error: unknown = await send('a:sam', 'second').catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ConnectorCallError);
    expect(attemptsTo('a:sam')).toEqual(['POST 200', 'POST 502', 'POST 502', 'POST 502', 'POST 502', 'POST 502']);
  });

  it('when a card is updated on the kept client, then Teams receives the update of that message in that conversation', async () => {
    await send('a:sam', 'first');
    const activityId = connector.to('a:sam')[0]?.activityId ?? '';

    await proactive.continue(reference('a:sam'), async (context) => {
      await context.updateActivity({ ...MessageFactory.text('changed'), id: activityId, conversation: { ...context.activity.conversation, id: 'a:sam' } });
    });

    expect(connector.to('a:sam').map((a) => `${a.method} ${a.activityId} ${a.body.text}`)).toEqual([`POST ${activityId} first`, `PUT ${activityId} changed`]);
  });
});

describe('inbound turns on kept clients', () => {
  let connector: FakeConnector;
  let adapter: SecureTeamsAdapter;

  beforeEach(async () => {
    connector = await startFakeConnector();
    adapter = new SecureTeamsAdapter(NO_AUTH, new ConfigurationServiceClientCredentialFactory(NO_AUTH), new OutboundLimits({ requestTimeoutInMs: 2_000 }));
  });
  afterEach(() => connector.stop());

  const message = (serviceUrl: string, conversationId: string, text: string) => ({
    type: 'message', id: `m-${text}`, text, serviceUrl, channelId: 'msteams', from: { id: '29:sam', name: 'Sam' }, recipient: { id: '28:bot', name: 'CSP Access' },
    conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
  });
  /** Runs one inbound turn that replies, and returns the clients the turn held. */
  const turn = async (serviceUrl: string, conversationId: string, text: string) => {
    let clients: unknown[] = [];
    await adapter.authenticateAndRun('', message(serviceUrl, conversationId, text) as never, async (context) => {
      clients = [context.turnState.get(adapter.ConnectorClientKey), context.turnState.get(adapter.UserTokenClientKey)];
      await context.sendActivity(`re: ${text}`);
    });
    return clients;
  };

  it('when several activities arrive from one service URL, then each is answered in its conversation, on the clients the first turn built', async () => {
    const [firstConnector, firstTokens] = await turn(connector.serviceUrl, 'a:sam', 'one');
    const [secondConnector, secondTokens] = await turn(connector.serviceUrl, 'a:pat', 'two');

    expect(connector.to('a:sam').map((a) => a.body.text)).toEqual(['re: one']);
    expect(connector.to('a:pat').map((a) => a.body.text)).toEqual(['re: two']);
    expect(firstConnector).toBeDefined();
    expect(secondConnector).toBe(firstConnector);
    expect(secondTokens).toBe(firstTokens);
  });

  it('when an activity comes from another service URL, then its answer goes to that URL, on a client of its own', async () => {
    const other = await startFakeConnector();
    try {
      const [first] = await turn(connector.serviceUrl, 'a:sam', 'one');
      const [second] = await turn(other.serviceUrl, 'a:sam', 'two');

      expect(connector.to('a:sam').map((a) => a.body.text)).toEqual(['re: one']);
      expect(other.to('a:sam').map((a) => a.body.text)).toEqual(['re: two']);
      expect(second).not.toBe(first);
    } finally {
      await other.stop();
    }
  });
});
