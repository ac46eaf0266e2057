// Time-bound access from the chat: "for 8 hours" ends with the assignment removed by the bot, after one reminder.
import { cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, installFrom, messageFrom, SAM } from '../support/teams-users';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';
const ALICE = 'c0000001-0000-4000-8000-0000000000a1';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';

describe('time-bound access', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const alicesReader = () => h.sandbox.state.roleAssignments.filter((a) => a.scope === CONTOSO_PROD && a.principalId === ALICE && a.roleDefinitionName === READER);
  const textsToSam = () => h.connector.to(SAM.conversationId).map((a) => a.body.text ?? '');

  beforeEach(async () => {
    h = await startHarness();
    await h.post(installFrom(ADA, opts()));
  });
  afterEach(async () => h.stop());

  it('when access is asked "for 8 hours", then the card shows the end, a reminder comes before it, and the bot removes it at the end', async () => {
    await h.post(messageFrom(SAM, "give Alice Reader on Contoso's prod subscription for 8 hours", opts()));
    const card = cardOf(h.connector.to(SAM.conversationId).at(-1));
    expect(cardText(card)).toContain('Until: Wednesday, November 25, 2026 at 5:00 PM (UTC) — then I remove it');
    const requestId = card?.actions?.[0]?.data?.requestId;
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.post(actionFrom(ADA, 'approve', { requestId }, opts()));
    await h.bot.idle();
    expect(alicesReader()).toHaveLength(1);

    h.clock.advance(7 * 3600_000 + 5 * 60_000);
    await h.bot.expiry.sweep();
    await h.bot.idle();
    expect(textsToSam().some((t) => t.startsWith("Reminder: Alice Martin's Reader role on Contoso Production ends"))).toBe(true);
    // The end written in words, in the zone the request was made in (no sliced ISO string).
    expect(textsToSam().some((t) => t.startsWith('Reminder:') && t.includes('Wednesday, 25 November 2026 at 17:00 (UTC)'))).toBe(true);
    expect(alicesReader()).toHaveLength(1);

    h.clock.advance(60 * 60_000);
    await h.bot.expiry.sweep();
    await h.bot.idle();
    expect(alicesReader()).toHaveLength(0);
    expect(textsToSam().some((t) => t.includes('The time is up: I removed Reader from Alice Martin on Contoso Production.'))).toBe(true);
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('expired');
  });

  it('when time-bound access is extended and approved, then the first end removes nothing and the role goes at the new end', async () => {
    await h.post(messageFrom(SAM, "give Alice Reader on Contoso's prod subscription for 8 hours", opts()));
    const first = cardOf(h.connector.to(SAM.conversationId).at(-1))?.actions?.[0]?.data?.requestId;
    await h.post(actionFrom(SAM, 'confirm', { requestId: first }, opts()));
    await h.post(actionFrom(ADA, 'approve', { requestId: first }, opts()));
    await h.bot.idle();

    h.clock.advance(2 * 3600_000);
    await h.post(messageFrom(SAM, "extend Alice's access by 4 hours", opts()));
    const card = cardOf(h.connector.to(SAM.conversationId).at(-1));
    expect(cardText(card)).toContain('Until: Wednesday, November 25, 2026 at 9:00 PM (UTC) — then I remove it');
    const extension = card?.actions?.[0]?.data?.requestId;
    await h.post(actionFrom(SAM, 'confirm', { requestId: extension }, opts()));
    await h.post(actionFrom(ADA, 'approve', { requestId: extension }, opts()));
    await h.bot.idle();
    expect(alicesReader()).toHaveLength(1);

    h.clock.advance(6 * 3600_000 + 60_000); // past the first end (17:00)
    await h.bot.expiry.sweep();
    await h.bot.idle();
    expect(alicesReader()).toHaveLength(1);
    expect(textsToSam().some((t) => t.includes('The time is up'))).toBe(false);

    h.clock.advance(4 * 3600_000); // past the new end (21:00)
    await h.bot.expiry.sweep();
    await h.bot.idle();
    expect(alicesReader()).toHaveLength(0);
    expect(textsToSam().some((t) => t.includes('The time is up: I removed Reader from Alice Martin'))).toBe(true);
  });

  it('when there is no time-bound access to extend, then the agent is told so', async () => {
    await h.post(messageFrom(SAM, "extend Bob's access by 4 hours", opts()));
    expect(h.connector.to(SAM.conversationId).at(-1)?.body.text).toContain('I found no time-bound access of "Bob" in force to extend');
  });
});
