// Found in review (2026-12-02): the "Action needed for …" message to approvers carries the requester's Teams name raw, so a name
// written as Markdown becomes a live link on every approver's screen (the card itself shows it inert).
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { actionFrom, ADA, ALEX, installFrom, messageFrom, SAM, type TeamsUser } from '../support/teams-users';

const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';
const MALLORY: TeamsUser = { ...SAM, name: 'Sam [Approve it here](https://evil.example/approve)' };

describe('approvers\' readiness alert shows another user\'s name inert', () => {
  let h: Harness;
  const { opts, textsTo, lastCard } = conversation(() => h);

  beforeEach(async () => {
    h = await startHarness({ GDAP_SECURITY_GROUPS: AZURE_MANAGERS });
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
  });
  afterEach(async () => h.stop());

  it('when a requester whose Teams name is a Markdown link asks for a customer that is not ready, then the approvers\' message holds no link', async () => {
    await h.post(messageFrom(MALLORY, 'give Tom Contributor on Tailspin Toys Tailspin Web', opts()));
    const requestId = lastCard(MALLORY)?.actions?.find((a) => a.verb === 'confirm')?.data?.requestId;
    expect(typeof requestId).toBe('string');
    await h.post(actionFrom(MALLORY, 'confirm', { requestId }, opts()));
    await h.bot.idle();

    const told = textsTo(ADA).filter((t) => t.startsWith('Action needed for Tailspin Toys'));
    expect(told).toHaveLength(1);
    // The name is there, but as words: no Markdown link and no live URL.
    expect(told[0]).toContain('Approve it here');
    expect(told[0]).not.toContain('](https://');
    expect(told[0]).not.toContain('https://evil.example');
  });
});
