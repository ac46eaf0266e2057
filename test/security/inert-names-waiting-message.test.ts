// Found in review (2026-12-02): the messages of src/teams/relationship-notifier.ts ("Your request for … waits", "… accepted our
// relationship request", reminders) carry the user's directory display name and the customer's name raw: a name
// written as Markdown is a live link in the requester's chat (the card beside it shows the same name inert).
import { startHarness, type Harness } from '../support/bot-harness';
import { conversation } from '../support/conversation';
import { ADA, ALEX, installFrom, SAM } from '../support/teams-users';

const AZURE_MANAGERS = '5a0e0002-0000-4000-8000-000000000004';

describe('the "your request waits" message shows a directory name inert', () => {
  let h: Harness;
  const { textsTo, samAsks, click, opts } = conversation(() => h);

  beforeEach(async () => {
    h = await startHarness({ GDAP_SECURITY_GROUPS: AZURE_MANAGERS });
    for (const approver of [ADA, ALEX]) await h.post(installFrom(approver, opts()));
    const wanda = h.sandbox.state.users.find((u) => u.userPrincipalName === 'wanda@wingtiptoys.onmicrosoft.com');
    if (!wanda) throw new Error('no Wanda in the sandbox');
    Object.assign(wanda, { displayName: 'Wanda Wright [sign in to keep access](https://evil.example/login)' });
  });
  afterEach(async () => h.stop());

  it('when Sam\'s request for a user with a Markdown name waits for the bot\'s rights, then the message he gets holds no link', async () => {
    const { requestId } = await samAsks('give wanda@wingtiptoys.onmicrosoft.com Contributor on Wingtip Toys Wingtip Shop');
    await click(SAM, 'confirm', requestId);

    const waits = textsTo(SAM).filter((t) => t.startsWith('Your request for'));
    expect(waits).toHaveLength(1);
    expect(waits[0]).toContain('sign in to keep access');
    expect(waits[0]).not.toContain('](https://');
    expect(waits[0]).not.toContain('https://evil.example');
  });
});
