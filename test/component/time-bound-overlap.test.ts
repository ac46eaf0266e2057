// A time-bound grant's end leaves the role that a later, longer or permanent request for the same user, role and scope
// was approved to keep (that one got "already had it" from ARM's 409 and reads "active"). From a review finding.
import { cardOf } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, installFrom, messageFrom, SAM } from '../support/teams-users';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE = 'c0000001-0000-4000-8000-0000000000a1';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

describe('a time-bound end vs. a longer grant of the same role', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const alicesReader = () => h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === ALICE && a.roleDefinitionName === READER);

  const grant = async (text: string): Promise<string> => {
    await h.post(messageFrom(SAM, text, opts()));
    const requestId = cardOf(h.connector.to(SAM.conversationId).at(-1))?.actions?.[0]?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error('no draft card');
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.post(actionFrom(ADA, 'approve', { requestId }, opts()));
    await h.bot.idle();
    return requestId;
  };

  beforeEach(async () => {
    h = await startHarness();
    await h.post(installFrom(ADA, opts()));
  });
  afterEach(async () => h.stop());

  it('when Alice gets Reader for 8 hours and then Reader for good, then after the 8 hours she still has Reader', async () => {
    const timeBound = await grant("give Alice Reader on Contoso's prod subscription for 8 hours");
    const permanent = await grant("give Alice Reader on Contoso's prod subscription");
    expect((await h.bot.store.requests.get(timeBound as never))?.state).toBe('active');
    expect((await h.bot.store.requests.get(permanent as never))?.state).toBe('active');
    expect(alicesReader()).toHaveLength(1);

    h.clock.advance(9 * 3600_000);
    await h.bot.expiry.sweep();
    await h.bot.idle();

    // The permanent request still says "active" (approved, never revoked): Azure must agree.
    expect((await h.bot.store.requests.get(permanent as never))?.state).toBe('active');
    expect(alicesReader()).toHaveLength(1);
  });

  it('when Alice gets Reader for 8 hours and then Reader for 24 hours, then after 9 hours she still has Reader, and after 25 hours no more', async () => {
    await grant("give Alice Reader on Contoso's prod subscription for 8 hours");
    const longer = await grant("give Alice Reader on Contoso's prod subscription for 24 hours");
    expect(alicesReader()).toHaveLength(1);

    h.clock.advance(9 * 3600_000);
    await h.bot.expiry.sweep();
    await h.bot.idle();

    // The 24-hour request is still "active" and promised until tomorrow 09:00.
    expect((await h.bot.store.requests.get(longer as never))?.state).toBe('active');
    expect(alicesReader()).toHaveLength(1);

    // At its own end, the assignment it was kept for goes: nothing stays for good that nobody asked for for good.
    h.clock.advance(16 * 3600_000);
    await h.bot.expiry.sweep();
    await h.bot.idle();
    expect((await h.bot.store.requests.get(longer as never))?.state).toBe('expired');
    expect(alicesReader()).toEqual([]);
  });

  it('when ARM\'s "already exists" does not name the assignment, then no role outlives both grants: after 25 hours Alice has no Reader', async () => {
    await grant("give Alice Reader on Contoso's prod subscription for 8 hours");
    // ARM answers the second PUT 409 without naming the existing assignment (its message is free text).
    h.sandbox.faults.add({ operation: 'roleAssignments.create', status: 409, code: 'RoleAssignmentExists', message: 'The role assignment already exists.' });
    const longer = await grant("give Alice Reader on Contoso's prod subscription for 24 hours");
    expect((await h.bot.store.requests.get(longer as never))?.outcome).toMatchObject({ kind: 'already_existed' });

    for (const hours of [9, 16]) {
      h.clock.advance(hours * 3600_000);
      await h.bot.expiry.sweep();
      await h.bot.idle();
    }

    // The two grants cannot be tied: the first one's end removed the role (narrower, never wider), and nothing is left.
    expect(alicesReader()).toHaveLength(0);
  });
});
