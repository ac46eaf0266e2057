// Found in review (2026-12-02): a "did you mean" choice is taken from the store before its work is done. When Graph does not answer
// during the click, Sam reads "please try again in a minute", but the button he would try again with is dead ("That
// action is not valid") and the card was turned into "you chose …": the choice is lost, he must start over.
import { cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, messageFrom, SAM } from '../support/teams-users';

describe('a choice survives a cloud that did not answer', () => {
  let h: Harness;
  const opts = () => ({ serviceUrl: h.connector.serviceUrl });
  const clickAnswer = async (button: { verb?: string; data?: Record<string, unknown> } | undefined) => {
    const response = await h.post(actionFrom(SAM, button?.verb ?? '', button?.data ?? {}, opts()));
    const value = (response.body as { value?: CardJson | string } | undefined)?.value;
    const last = h.connector.to(SAM.conversationId).at(-1);
    return { invoke: typeof value === 'string' ? value : cardText(value), lastMessage: last?.body.text ?? cardText(cardOf(last)) };
  };

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    h.sandbox.faults.clear();
    await h.stop();
  });

  it('when Graph fails during Sam\'s click on "Contoso", then clicking again once Graph is back gives him the draft', async () => {
    await h.post(messageFrom(SAM, 'give Alice Reader on Contso prod', opts()));
    const button = cardOf(h.connector.to(SAM.conversationId).at(-1))?.actions?.find((a) => a.title === 'Contoso');
    expect(button).toBeDefined();

    h.sandbox.faults.add({ operation: 'graph.users', kind: 'unavailable', times: 20 });
    const first = await clickAnswer(button);
    // The card keeps its buttons (the answer is a message, not a "you chose" card).
    expect(first.invoke).toContain('try again');
    h.sandbox.faults.clear();

    const second = await clickAnswer(button);
    expect(second.invoke).not.toContain('not valid');
    expect(await h.bot.store.requests.listByState(['draft'])).toHaveLength(1);
  }, 60_000);
});
