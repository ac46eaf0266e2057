// Words the bot cannot read next to a subscription's name (a limit, a restriction, a reason) are asked back by name:
// never offered as a "did you mean" choice, whose click would replace them with the name and drop what they said.
import { buttonsOf, cardOf, type CardJson } from '../support/fake-connector';
import { conversation } from '../support/conversation';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, messageFrom, SAM } from '../support/teams-users';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';

describe('never widening through a choice', () => {
  let h: Harness;
  const { samSays, drafts } = conversation(() => h);
  const samPicks = async (card: CardJson | undefined, title: string, locale: string) => {
    const button = card?.actions?.find((a) => a.title === title);
    if (!button) return;
    await h.post(actionFrom(SAM, button.verb ?? '', button.data ?? {}, { serviceUrl: h.connector.serviceUrl, locale }));
  };
  const plain = (text: string | undefined) => (text ?? '').replace(/[\u202f\u00a0]/g, ' ');

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  // From review findings choice-drops-unread-limit (h-review 71157ac, 3f565f5), choice-drops-unread-reason and
  // choice-widens-unread-scope (0431e75, aa12a1a, 0225913).
  it.each([
    ['give Alice Reader on Contoso prod for the rest of the day', 'en-US', 'I did not understand "for the rest of the day" in "Contoso prod for the rest of the day"'],
    ['give Alice Reader on Contoso prod for the weekend', 'en-US', 'I did not understand "for the weekend" in "Contoso prod for the weekend"'],
    ['give Alice Reader on Contoso prod from 9 to 17', 'en-US', 'I did not understand "from 9 to 17" in "Contoso prod from 9 to 17"'],
    ["donne à Alice le rôle Lecteur sur Contoso prod d'ici vendredi", 'fr-FR', "Je n'ai pas compris « d'ici vendredi » dans « Contoso prod d'ici vendredi »"],
    ['give Alice Reader on Contoso prod to debug the outage', 'en-US', 'I did not understand "to debug the outage" in "Contoso prod to debug the outage"'],
    ['donne à Alice le rôle Lecteur sur Contoso prod pour déboguer la panne', 'fr-FR', "Je n'ai pas compris « pour déboguer la panne » dans « Contoso prod pour déboguer la panne »"],
    ['give Alice Reader on Contoso prod but only rg-web', 'en-US', 'I did not understand "but only rg-web" in "Contoso prod but only rg-web"'],
    ['give Alice Reader on Contoso prod except rg-secret', 'en-US', 'I did not understand "except rg-secret" in "Contoso prod except rg-secret"'],
    ['give Alice Contributor on Contoso prod but not delete', 'en-US', 'I did not understand "but not delete" in "Contoso prod but not delete"'],
    ['donne à Alice le rôle Lecteur sur Contoso prod uniquement sur rg-web', 'fr-FR', "Je n'ai pas compris « uniquement sur rg-web » dans « Contoso prod uniquement sur rg-web »"],
  ])('when Sam writes "%s", then he is told what was not understood, with nothing to pick and no draft', async (text, locale, said) => {
    const reply = await samSays(text, locale);
    await samPicks(cardOf(reply), 'Contoso Production', locale);

    expect(buttonsOf(cardOf(reply))).toEqual([]);
    expect(plain(reply?.body.text)).toContain(said);
    expect(await drafts()).toEqual([]);
  });

  it('when Sam, in New York, writes "until 18:00 Paris time", then he is asked back for the end, and no draft outlasts 18:00 in Paris', async () => {
    const inNewYork = { localTimezone: 'America/New_York', localTimestamp: '2026-11-25T04:00:00-05:00' };
    await h.post({ ...messageFrom(SAM, 'give Alice Reader on Contoso prod until 18:00 Paris time', { serviceUrl: h.connector.serviceUrl }), ...inNewYork });
    const reply = h.connector.to(SAM.conversationId).at(-1);
    const button = cardOf(reply)?.actions?.find((a) => a.title === 'Contoso Production');
    if (button) await h.post({ ...actionFrom(SAM, button.verb ?? '', button.data ?? {}, { serviceUrl: h.connector.serviceUrl }), ...inNewYork });

    // 18:00 in Paris on 2026-11-25 is 17:00 UTC; 18:00 in New York is 23:00 UTC.
    const made = await drafts();
    expect(made.filter((d) => d.expiresAt === undefined || d.expiresAt > '2026-11-25T17:00:00.000Z')).toEqual([]);
    expect(reply?.body.text).toContain('I could not tell when "until 18:00 Paris time" ends.');
  });

  it('when Sam makes Contoso\'s admin Owner "of prod resource group rg-web", then the draft is for rg-web, not the whole subscription', async () => {
    await samSays("make Contoso's admin bob@contoso.onmicrosoft.com Owner of prod resource group rg-web", 'en-US');

    const made = await drafts();
    expect(made.map((d) => d.scope).filter((scope) => scope.toLowerCase() === CONTOSO_PROD)).toEqual([]);
    expect(made.map((d) => d.scope)).toEqual([`${CONTOSO_PROD}/resourceGroups/rg-web`]);
  });

  it('when the subscription is only misspelt ("Contoso prdo"), then the choice is still offered', async () => {
    const reply = await samSays('give Alice Reader on Contoso prdo for 2 hours', 'en-US');
    expect(buttonsOf(cardOf(reply))).toContain('Contoso Production');
  });
});
