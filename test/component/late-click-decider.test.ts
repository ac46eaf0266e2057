// A late click on a request cancelled (or timed out) after one of two approvals names who ended it (nobody, for a
// time-out), not the approver who voted first. (From a review finding: "Already decided: Cancelled by Ada Approver".)
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, ALEX, installFrom, SAM } from '../support/teams-users';

describe('a late click names who really ended the request', () => {
  let h: Harness;
  const { opts, samAsks, click } = conversation(() => h);

  beforeEach(async () => {
    h = await startHarness();
    for (const who of [ADA, ALEX]) await h.post(installFrom(who, opts()));
  });
  afterEach(async () => h.stop());

  it('when Sam cancels an Owner request after Ada\'s first approval, then Alex\'s late Approve does not say Ada cancelled it', async () => {
    const { requestId } = await samAsks("give Alice Owner on Contoso's prod subscription");
    await click(SAM, 'confirm', requestId);
    await click(ADA, 'approve', requestId);
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('pending_approval');
    await click(SAM, 'cancel', requestId);
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('cancelled');

    const late = await click(ALEX, 'approve', requestId);
    expect(late).not.toContain('Cancelled by Ada Approver');
    expect(late).toContain('Already decided: Cancelled by Sam Seller.');
  });

  it('when an Owner request times out after Ada\'s first approval, then Alex\'s late Approve does not say Ada timed it out', async () => {
    const { requestId } = await samAsks("give Alice Owner on Contoso's prod subscription");
    await click(SAM, 'confirm', requestId);
    await click(ADA, 'approve', requestId);
    h.clock.advance(8 * 24 * 3600_000);
    await h.bot.approval.expireOverdue();
    await h.bot.idle();
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('timed_out');

    const late = await click(ALEX, 'approve', requestId);
    expect(late).not.toMatch(/by Ada Approver/);
    expect(late).toContain('Already decided: Timed out (no decision in time).');
  });
});
