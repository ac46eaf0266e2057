// Unknown is not yes: Partner Center says we have delegated access, but ARM refuses us on the subscription.
import { cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { messageFrom, SAM } from '../support/teams-users';

describe('delegated access as ARM sees it', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.stop());

  it('when ARM answers 403 on the subscription although Partner Center allows delegated access, then the request waits for a relationship instead of failing', async () => {
    h.sandbox.faults.add({ method: 'GET', pathIncludes: 'c0000003-5b50-4000-8000-000000000001/providers/Microsoft.Authorization/roleDefinitions', kind: 'forbidden', times: 100 });
    await h.post(messageFrom(SAM, 'give Dan Reader on Fabrikam Production', { serviceUrl: h.connector.serviceUrl }));
    const card = cardOf(h.connector.to(SAM.conversationId).at(-1));
    expect(cardText(card)).toContain('Dan Brown (dan@fabrikam.onmicrosoft.com)');
    expect(cardText(card)).toContain('Fabrikam has not given us delegated admin rights yet');
  });
});
