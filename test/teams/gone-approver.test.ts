// One approver's 1:1 chat refuses the bot for good (they removed the app: Teams answers 403 BotNotInConversationRoster,
// or 404 ConversationNotFound): the approval-card message still counts as sent for the others, so the request's later
// messages (Sam's "now has", card updates) are not held behind it. (From a review finding: the message failed as a whole
// and was retried at each outbox poll, minutes, for every request.)
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, ALEX, installFrom, SAM } from '../support/teams-users';

describe.each([
  [403, 'BotNotInConversationRoster', 'The bot is not part of the conversation roster.'],
  [404, 'ConversationNotFound', 'Conversation not found.'],
])('an approver whose chat answers %i %s does not hold back everyone else\'s messages', (status, code, message) => {
  let h: Harness;
  let gone: Server;
  let goneUrl: string;
  const { opts, samAsks, click, textsTo } = conversation(() => h);

  beforeEach(async () => {
    // Alex's chat, as Teams answers once he removed the app: every send refused.
    gone = createServer((req, res) => {
      req.resume();
      res.statusCode = status;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: { code, message } }));
    });
    await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
    goneUrl = `http://127.0.0.1:${(gone.address() as AddressInfo).port}/`;
    h = await startHarness();
    await h.post(installFrom(ADA, opts()));
    await h.post(installFrom(ALEX, { serviceUrl: goneUrl }));
  });
  afterEach(async () => {
    await h.stop();
    await new Promise<void>((resolve) => gone.close(() => resolve()));
  });

  it('when Ada approves while Alex\'s chat refuses the bot, then Sam is told the outcome once the bot is idle', async () => {
    const { requestId } = await samAsks("give Alice Reader on Contoso's prod subscription");
    await click(SAM, 'confirm', requestId);
    const approved = await click(ADA, 'approve', requestId);
    expect(approved).toMatch(/Approved|Granting|granted|Granted|Active/i);
    await h.bot.idle();

    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('active');
    // Azure has it; Sam must hear it (and his card must show it), not minutes later.
    expect(textsTo(SAM).some((t) => t.includes('now has'))).toBe(true);
  });
});
