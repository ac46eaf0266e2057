// Unknown is not yes: the relationship is there, but ARM says the bot may not assign roles on the subscription.
import { cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { messageFrom, SAM } from '../support/teams-users';

describe('Azure rights as ARM sees them', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.stop());

  it('when ARM refuses us on the subscription (403) although Fabrikam\'s GDAP is in order, then the request is drafted to wait for Azure rights, naming the group under Admin Agents', async () => {
    h.sandbox.faults.add({ method: 'GET', pathIncludes: 'c0000003-5b50-4000-8000-000000000001/providers/Microsoft.Authorization/', kind: 'forbidden', times: 100 });
    await h.post(messageFrom(SAM, 'give Dan Reader on Fabrikam Production', { serviceUrl: h.connector.serviceUrl }));
    const card = cardOf(h.connector.to(SAM.conversationId).at(-1));
    expect(cardText(card)).toContain('Dan Brown (dan@fabrikam.onmicrosoft.com)');
    expect(cardText(card)).toContain("The bot's service account may not assign roles on Fabrikam Production (Fabrikam)");
    expect(cardText(card)).toContain('"Litware Azure Managers" (5a0e0002-0000-4000-8000-000000000004) must be a member of Admin Agents');
    expect(cardText(card)).toContain('If you confirm, this request waits until then');
  });
});
