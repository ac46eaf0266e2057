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
    expect(cardText(card)).toContain('Until: 2026-11-25 17:00 UTC — then I remove it');
    const requestId = card?.actions?.[0]?.data?.requestId;
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.post(actionFrom(ADA, 'approve', { requestId }, opts()));
    await h.bot.idle();
    expect(alicesReader()).toHaveLength(1);

    h.clock.advance(7 * 3600_000 + 5 * 60_000);
    await h.bot.expiry.sweep();
    await h.bot.idle();
    expect(textsToSam().some((t) => t.startsWith("Reminder: Alice Martin's Reader role on Contoso Production ends"))).toBe(true);
    expect(alicesReader()).toHaveLength(1);

    h.clock.advance(60 * 60_000);
    await h.bot.expiry.sweep();
    await h.bot.idle();
    expect(alicesReader()).toHaveLength(0);
    expect(textsToSam().some((t) => t.includes('The time is up: I removed Reader from Alice Martin on Contoso Production.'))).toBe(true);
    expect(h.bot.store.get(requestId as never)?.state).toBe('expired');
  });
});
