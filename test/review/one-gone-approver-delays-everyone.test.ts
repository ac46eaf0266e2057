// Review finding: when one approver's 1:1 chat refuses the bot for good (they removed the app: Teams answers 403
// BotNotInConversationRoster, or 404 ConversationNotFound), the approval-card message fails as a whole and is retried
// at each outbox poll; the request's later messages wait behind it. So once Ada approves, Sam hears nothing — no
// "now has", no card update — until the bot gives up on the gone approver (5 polls, minutes later), for every request.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, ALEX, installFrom, SAM } from '../support/teams-users';

describe('review: an approver who removed the app does not hold back everyone else\'s messages', () => {
  let h: Harness;
  let gone: Server;
  let goneUrl: string;
  const { opts, samAsks, click, textsTo } = conversation(() => h);

  beforeEach(async () => {
    // Alex's chat, as Teams answers once he removed the app: every send refused.
    gone = createServer((req, res) => {
      req.resume();
      res.statusCode = 403;
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ error: { code: 'BotNotInConversationRoster', message: 'The bot is not part of the conversation roster.' } }));
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
