// Driving one harnessed bot as its users do: what each was sent, Sam's request and its confirmation card, a click.
import { cardOf, cardText, type CardJson } from './fake-connector';
import type { Harness } from './bot-harness';
import { actionFrom, messageFrom, SAM, type TeamsUser } from './teams-users';

type Action = { verb?: string; data?: Record<string, unknown> };

/** `harness()` is read at each call, so a test file may start a fresh harness per test. */
export function conversation(harness: () => Harness) {
  const opts = () => ({ serviceUrl: harness().connector.serviceUrl });
  const posts = (who: TeamsUser) => harness().connector.to(who.conversationId).filter((a) => a.method === 'POST');
  const textsTo = (who: TeamsUser) => posts(who).map((a) => a.body.text ?? '');
  const lastCard = (who: TeamsUser) => posts(who).map((a) => cardOf(a)).filter((c): c is CardJson => Boolean(c)).at(-1);
  /** Sam asks; returns the draft card and its request id (throws with what he read instead when no card came). */
  const samAsks = async (text: string): Promise<{ card: CardJson | undefined; requestId: string }> => {
    await harness().post(messageFrom(SAM, text, opts()));
    const card = lastCard(SAM);
    const requestId = (card?.actions as Action[] | undefined)?.find((a) => a.verb === 'confirm')?.data?.requestId;
    if (typeof requestId !== 'string') throw new Error(`no confirmation card: ${textsTo(SAM).at(-1) ?? cardText(card)}`);
    return { card, requestId };
  };
  /** A card button, then the bot settles; returns the card the click was answered with, as text. */
  const click = async (who: TeamsUser, verb: string, requestId: string) => {
    const response = await harness().post(actionFrom(who, verb, { requestId }, opts()));
    await harness().bot.idle();
    return cardText((response.body as { value: CardJson }).value);
  };
  /** Sam writes `text` with Teams set to `locale`; returns the last activity he was sent (the answer). */
  const samSays = async (text: string, locale = 'en-US') => {
    await harness().post(messageFrom(SAM, text, { ...opts(), locale }));
    return harness().connector.to(SAM.conversationId).at(-1);
  };
  /** The same, as the text of that answer ('' for a card). */
  const samReads = async (text: string, locale = 'en-US') => (await samSays(text, locale))?.body.text ?? '';
  /** The drafts stored now (what a confirmation would send for approval). */
  const drafts = () => harness().bot.store.requests.listByState(['draft']);
  return { opts, posts, textsTo, lastCard, samAsks, samSays, samReads, drafts, click };
}
