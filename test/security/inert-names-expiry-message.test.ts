// Found in review (2026-12-02): the "time is up" message (to the requester and to the approver who decided) carries the user's
// display name from the customer's directory raw: a name written as Markdown is a live link in their chats.
import { cardOf } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, installFrom, messageFrom, SAM } from '../support/teams-users';

const ALICE = 'c0000001-0000-4000-8000-0000000000a1';
const HOSTILE_NAME = 'Alice Martin [renew your access](https://evil.example/renew)';

describe('the expiry message shows a directory name inert', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const textsTo = (conversationId: string) => h.connector.to(conversationId).map((a) => a.body.text ?? '');

  beforeEach(async () => {
    h = await startHarness();
    await h.post(installFrom(ADA, opts()));
    // The customer's admin names a user with Markdown (Graph displayName is free text).
    const alice = h.sandbox.state.users.find((u) => u.id === ALICE);
    if (!alice) throw new Error('no Alice in the sandbox');
    Object.assign(alice, { displayName: HOSTILE_NAME });
  });
  afterEach(async () => h.stop());

  it('when a time-bound grant to a user with a Markdown name ends, then neither the requester nor the approver gets a link', async () => {
    await h.post(messageFrom(SAM, "give alice@contoso.onmicrosoft.com Reader on Contoso's prod subscription for 8 hours", opts()));
    const requestId = cardOf(h.connector.to(SAM.conversationId).at(-1))?.actions?.[0]?.data?.requestId;
    expect(typeof requestId).toBe('string');
    await h.post(actionFrom(SAM, 'confirm', { requestId }, opts()));
    await h.post(actionFrom(ADA, 'approve', { requestId }, opts()));
    await h.bot.idle();
    expect((await h.bot.store.requests.get(requestId as never))?.state).toBe('active');

    h.clock.advance(9 * 3600_000);
    await h.bot.expiry.sweep();
    await h.bot.idle();

    for (const who of [SAM, ADA]) {
      const timeUp = textsTo(who.conversationId).filter((t) => t.includes('The time is up'));
      expect(timeUp).toHaveLength(1);
      expect(timeUp[0]).toContain('renew your access');
      expect(timeUp[0]).not.toContain('](https://');
      expect(timeUp[0]).not.toContain('https://evil.example');
    }
  });
});
