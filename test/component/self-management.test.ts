// Customer self-management: the customer's own user becomes Owner of their subscription, under the Owner policy.
import { cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { messageFrom, SAM } from '../support/teams-users';

describe('customer self-management', () => {
  let h: Harness;
  const say = async (text: string, locale = 'en-US') => {
    await h.post(messageFrom(SAM, text, { serviceUrl: h.connector.serviceUrl, locale }));
    return h.connector.to(SAM.conversationId).at(-1);
  };

  beforeAll(async () => {
    h = await startHarness();
  });
  afterAll(async () => h.stop());

  it('when the agent asks to let a customer manage their subscription, then the bot asks who, and the card says what Owner means', async () => {
    const question = await say('let Contoso manage their prod subscription');
    expect(question?.body.text).toContain('Who should get the role?');
    const card = cardOf(await say('bob@contoso.onmicrosoft.com'));
    const text = cardText(card);
    expect(text).toContain('Role: Owner');
    expect(text).toContain('Bob Durand (Contoso) will be able to manage Contoso Production and decide who else has access to it.');
    expect(text).toContain('Approvals: 0 of 2');
  });

  it("when the agent names the customer's admin directly, then it is the same Owner request", async () => {
    const text = cardText(cardOf(await say("make Contoso's admin bob@contoso.onmicrosoft.com Owner of prod")));
    expect(text).toContain('Bob Durand (bob@contoso.onmicrosoft.com)');
    expect(text).toContain('Subscription: Contoso Production');
    expect(text).toContain('will be able to manage');
  });

  it('when asked in French, then the question and the card are in French', async () => {
    const question = await say("laisse Contoso gérer son abonnement prod");
    expect(question?.body.text).toMatch(/Qui doit recevoir le rôle/);
    expect(cardText(cardOf(await say('bob@contoso.onmicrosoft.com')))).toContain('pourra gérer Contoso Production');
  });
});
