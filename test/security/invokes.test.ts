// Every invoke Teams can send gets HTTP 200 with an invoke body (never 501/5xx); only channel tokens are accepted.
import { startSecureHarness, type SecureHarness } from '../support/secure-harness';
import { messageFrom, SAM } from '../support/teams-users';
import { TEST_BOT_ID } from '../support/token-issuer';

/** The Bot Framework tenant's issuers: what Emulator and skill tokens carry (v1 and v2). */
const EMULATOR_ISSUER_V1 = 'https://sts.windows.net/d6d49420-f39b-4df7-a1dc-d59a935871db/';
const EMULATOR_ISSUER_V2 = 'https://login.microsoftonline.com/d6d49420-f39b-4df7-a1dc-d59a935871db/v2.0';

describe('invokes through the real endpoint', () => {
  let s: SecureHarness;
  const opts = () => ({ serviceUrl: s.h.connector.serviceUrl });
  const invoke = (name: string | undefined, value?: unknown, locale = 'en-US') => {
    const { text: _text, ...activity } = messageFrom(SAM, '', { ...opts(), locale });
    return { ...activity, type: 'invoke', ...(name !== undefined ? { name } : {}), ...(value !== undefined ? { value } : {}) };
  };

  beforeEach(async () => {
    s = await startSecureHarness();
  });
  afterEach(async () => s.stop());

  it.each([
    ['an Action.Execute without a value', 'adaptiveCard/action', undefined],
    ['an Action.Execute with a null value', 'adaptiveCard/action', null],
    ['an Action.Execute whose value is not an object', 'adaptiveCard/action', 'approve'],
    ['an Action.Execute without an action', 'adaptiveCard/action', { trigger: 'manual' }],
    ['a task module fetch', 'task/fetch', { data: { type: 'task/fetch' } }],
    ['a task module submit', 'task/submit', { data: {} }],
    ['a message extension query', 'composeExtension/query', { commandId: 'search', parameters: [{ name: 'q', value: 'x' }] }],
    ['a sign-in state check', 'signin/verifyState', { state: '123456' }],
    ['a sign-in token exchange', 'signin/tokenExchange', { id: 'x', connectionName: 'c', token: 'y' }],
    ['a file consent', 'fileConsent/invoke', { type: 'fileUpload', action: 'accept' }],
    ['an unknown invoke', 'something/new', { a: 1 }],
    ['an invoke without a name', undefined, { a: 1 }],
  ] as [string, string | undefined, unknown][])('when Teams sends %s, then it gets HTTP 200 with an invoke body, and nothing is stored', async (_what, name, value) => {
    const response = await s.post(invoke(name, value));
    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.any(Object));
    expect(JSON.stringify(response.body)).not.toMatch(/"statusCode":5\d\d/);
    expect((await s.h.bot.store.requests.listRequests({}))).toHaveLength(0);
  });

  it('when a task module is fetched, then Teams gets a message it can show, in the user\'s language', async () => {
    const response = await s.post(invoke('task/fetch', { data: {} }, 'fr-FR'));
    expect(response.body).toEqual({ task: { type: 'message', value: "Ce bot n'a ni boîte de dialogue ni recherche\u00a0: écrivez-lui votre demande dans la conversation." } });
  });

  it('when a message extension is queried, then Teams gets a message it can show', async () => {
    const response = await s.post(invoke('composeExtension/query', { commandId: 'search' }));
    expect(response.body).toEqual({ composeExtension: { type: 'message', text: 'This bot has no dialogs or search: write your request in the chat.' } });
  });
});

describe('tokens other than channel tokens', () => {
  let s: SecureHarness;
  const opts = () => ({ serviceUrl: s.h.connector.serviceUrl });

  beforeEach(async () => {
    s = await startSecureHarness();
  });
  afterEach(async () => s.stop());

  it.each([
    ['an Emulator token (v1) without a serviceurl claim', { iss: EMULATOR_ISSUER_V1, ver: '1.0', appid: TEST_BOT_ID, serviceurl: undefined }],
    ['an Emulator token (v2) for another serviceUrl', { iss: EMULATOR_ISSUER_V2, ver: '2.0', azp: TEST_BOT_ID, serviceurl: 'https://evil.example/' }],
    ['a skill token from another bot', { iss: EMULATOR_ISSUER_V1, ver: '1.0', appid: '33333333-3333-4333-8333-333333333333' }],
  ])('when %s arrives signed by a published key, then it gets 401 and nothing runs', async (_what, claims) => {
    const response = await s.post(messageFrom(SAM, 'help', opts()), s.issuer.sign(opts().serviceUrl, claims));
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ error: 'unauthorized' });
    expect(s.h.connector.sent).toHaveLength(0);
    expect((await s.h.bot.store.conversations.get(SAM.aadObjectId))).toBeUndefined();
  });

  it('when a channel token arrives, then the turn runs', async () => {
    const response = await s.post(messageFrom(SAM, 'help', opts()));
    expect(response.status).toBe(200);
    await s.h.bot.idle();
    expect(s.h.connector.to(SAM.conversationId)).toHaveLength(1);
  });
});
