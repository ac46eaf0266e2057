// Found in review (2026-12-02): the outcome messages for a rejection, a cancellation and a time-out name no user, role or
// subscription ("Azure access request — Rejected. Rejected by Ada Approver."): a requester with several requests
// open cannot tell which one was refused (grants do say "Done: Alice Martin now has Reader on Contoso Production").
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, installFrom, SAM } from '../support/teams-users';

describe('an outcome message says which request it is about', () => {
  let h: Harness;
  const { opts, samAsks, click, textsTo } = conversation(() => h);

  beforeEach(async () => {
    h = await startHarness();
    await h.post(installFrom(ADA, opts()));
  });
  afterEach(async () => h.stop());

  it('when Ada rejects Sam\'s request for Bob while his request for Alice waits, then the message Sam gets names Bob', async () => {
    const alice = await samAsks("give Alice Reader on Contoso's prod subscription");
    await click(SAM, 'confirm', alice.requestId);
    const bob = await samAsks("give Bob Reader on Contoso's prod subscription");
    await click(SAM, 'confirm', bob.requestId);
    const before = textsTo(SAM).length;

    await click(ADA, 'reject', bob.requestId);

    const told = textsTo(SAM).slice(before).filter((t) => t.includes('Rejected'));
    expect(told).toHaveLength(1);
    expect(told[0]).toContain('Bob Durand');
  });
});
