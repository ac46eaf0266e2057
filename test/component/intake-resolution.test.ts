// Understanding and resolving requests through the real HTTP endpoint: choices, suggestions, French, help, follow-ups.
import { buttonsOf, cardOf, cardText, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, ADA, messageFrom, SAM } from '../support/teams-users';

describe('understanding and resolving a request', () => {
  let h: Harness;

  /** Sam writes `text`; returns what the bot answered (the last activity to Sam). */
  const samSays = async (text: string, locale = 'en-US') => {
    const response = await h.post(messageFrom(SAM, text, { serviceUrl: h.connector.serviceUrl, locale }));
    expect(response.status).toBe(200);
    const last = h.connector.to(SAM.conversationId).at(-1);
    return { text: last?.body.text ?? '', card: cardOf(last) };
  };
  /** Clicking a choice button: an Action.Execute carrying only the choice's id; the answer comes as a new message. */
  const samClicks = async (card: CardJson | undefined, title: string) => {
    const button = card?.actions?.find((a) => a.title === title);
    expect(button?.type).toBe('Action.Execute');
    expect(Object.keys(button?.data ?? {})).toEqual(['requestId']);
    const clicked = await h.post(actionFrom(SAM, button?.verb ?? '', button?.data ?? {}, { serviceUrl: h.connector.serviceUrl }));
    expect(clicked.status).toBe(200);
    const last = h.connector.to(SAM.conversationId).at(-1);
    return { text: last?.body.text ?? '', card: cardOf(last), clicked: clicked.body as { value?: CardJson } };
  };

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  it('when the user name fits two people, then a choice card lists both with their UPNs, and choosing one leads to the confirmation card for that person', async () => {
    // Act: an ambiguous first name.
    const choice = await samSays('give Alice Reader on Fabrikam Production');

    // Assert: a question, both Alices with their UPNs, one button each; no request was stored.
    expect(cardText(choice.card)).toContain('"Alice" matches more than one user in Fabrikam');
    expect(cardText(choice.card)).toContain('Alice Smith: alice.smith@fabrikam.onmicrosoft.com');
    expect(cardText(choice.card)).toContain('Alice Johnson: alice.johnson@fabrikam.onmicrosoft.com');
    expect(buttonsOf(choice.card).sort()).toEqual(['Alice Johnson', 'Alice Smith']);
    expect((await h.bot.store.requests.listByState(['draft']))).toHaveLength(0);

    // Act: Sam picks Alice Johnson.
    const confirmation = await samClicks(choice.card, 'Alice Johnson');

    // Assert: the confirmation card is for that Alice, with the role and subscription asked for.
    expect(cardText(confirmation.card)).toContain('Alice Johnson (alice.johnson@fabrikam.onmicrosoft.com)');
    expect(cardText(confirmation.card)).toContain('Role: Reader');
    expect(cardText(confirmation.card)).toContain('Fabrikam Production (c0000003-5b50-4000-8000-000000000001)');
    expect(buttonsOf(confirmation.card)).toEqual(['Confirm', 'Cancel']);
  });

  it('when the customer name has a typo, then nothing is guessed: the answer names it and suggests the closest customers, and a suggestion completes the request', async () => {
    const answer = await samSays('give Alice Reader on Contso prod');

    expect(cardText(answer.card)).toContain('I found no customer named "Contso" in Partner Center. Did you mean one of these?');
    expect(buttonsOf(answer.card)).toContain('Contoso');
    expect(cardText(answer.card)).toContain('Contoso: contoso.onmicrosoft.com');
    expect((await h.bot.store.requests.listByState(['draft']))).toHaveLength(0);

    const confirmation = await samClicks(answer.card, 'Contoso');
    expect(cardText(confirmation.card)).toContain('Alice Martin (alice@contoso.onmicrosoft.com)');
    expect(cardText(confirmation.card)).toContain('Contoso Production');
  });

  it('when the customer has two subscriptions and none is named, then the choice card shows each subscription id', async () => {
    const answer = await samSays('give Bob Reader on Contoso');
    expect(cardText(answer.card)).toContain('Contoso has more than one Azure subscription. Which one?');
    expect(cardText(answer.card)).toContain('Contoso Dev: Contoso · c0000001-5b50-4000-8000-000000000002');
    const confirmation = await samClicks(answer.card, 'Contoso Dev');
    expect(cardText(confirmation.card)).toContain('Bob Durand (bob@contoso.onmicrosoft.com)');
    expect(cardText(confirmation.card)).toContain('Contoso Dev (c0000001-5b50-4000-8000-000000000002)');
  });

  it('when the request is written in French, then the bot answers in French, even from an English Teams client', async () => {
    const confirmation = await samSays("donne à Alice le rôle Contributeur sur l'abonnement prod de Contoso", 'en-US');
    expect(cardText(confirmation.card)).toContain('Utilisateur: Alice Martin (alice@contoso.onmicrosoft.com)');
    expect(cardText(confirmation.card)).toContain('Rôle: Contributeur (Contributor)');
    expect(buttonsOf(confirmation.card)).toEqual(['Confirmer', 'Annuler']);

    const suggestion = await samSays('accorde Lecteur à bob@contoso.com sur Contoso Dev');
    expect(cardText(suggestion.card)).toContain("Je ne trouve aucun utilisateur «\u00a0bob@contoso.com\u00a0» dans l'annuaire de Contoso. Vouliez-vous dire l'un de ceux-ci\u00a0?");
    expect(cardText(suggestion.card)).toContain('Bob Durand: bob@contoso.onmicrosoft.com');
  });

  it('when someone asks for help in English or French, then a help card with examples comes back in that language', async () => {
    const en = await samSays('help');
    expect(cardText(en.card)).toContain('What I can do');
    expect(JSON.stringify(en.card)).toContain("give Alice Contributor on Contoso's prod subscription");
    const fr = await samSays('aide');
    expect(cardText(fr.card)).toContain('Ce que je sais faire');
    expect(JSON.stringify(fr.card)).toContain("donne à Alice le rôle Contributeur sur l'abonnement prod de Contoso");
  });

  it('when a piece is missing, then the bot asks only for it and the short answer completes the request', async () => {
    const question = await samSays('give Alice Contributor');
    expect(question.text).toBe('On which customer and subscription? For example: "… on Contoso\'s prod subscription".');
    const confirmation = await samSays('on Contoso prod');
    expect(cardText(confirmation.card)).toContain('Alice Martin (alice@contoso.onmicrosoft.com)');
    expect(cardText(confirmation.card)).toContain('Role: Contributor');
  });

  it('when the customer gave us no delegated access, then the draft says a relationship comes first, and nothing goes to approval', async () => {
    // Since issue 6 the request is kept and waits for the customer's relationship (test/component/relationship-flow.test.ts).
    const answer = await samSays('give Nina Reader on Northwind Traders Main');
    expect(cardText(answer.card)).toContain('Northwind Traders has not given us access to their tenant yet');
    expect((await h.bot.store.requests.listByState(['draft']))).toHaveLength(1);
    expect((await h.bot.store.requests.listByState(['pending_approval']))).toHaveLength(0);
  });

  it('when a removal is asked for, then the answer is a removal card naming exactly what would be removed', async () => {
    const answer = await samSays("remove Bob's Reader role on Contoso prod");
    expect(cardText(answer.card)).toContain('Azure access removal');
    expect(cardText(answer.card)).toContain('Bob Durand (bob@contoso.onmicrosoft.com)');
    expect(cardText(answer.card)).toContain('Role: Reader');
  });

  it('when a choice is clicked, then the choice card records it; a copy of the button clicked by someone else does nothing', async () => {
    const choice = await samSays('give Alice Reader on Fabrikam Production');
    const button = choice.card?.actions?.find((a) => a.title === 'Alice Smith');
    const byAda = await h.post(actionFrom(ADA, 'choose', button?.data ?? {}, { serviceUrl: h.connector.serviceUrl }));
    expect((byAda.body as { value?: unknown }).value).toBe('This button is not valid any more.');
    const clicked = await samClicks(choice.card, 'Alice Smith');
    expect(cardText(clicked.clicked.value)).toContain('✓ Alice Smith (alice.smith@fabrikam.onmicrosoft.com)');
    expect(buttonsOf(clicked.clicked.value)).toEqual([]);
    expect(cardText(clicked.card)).toContain('Alice Smith (alice.smith@fabrikam.onmicrosoft.com)');
    const again = await h.post(actionFrom(SAM, 'choose', button?.data ?? {}, { serviceUrl: h.connector.serviceUrl }));
    expect((again.body as { value?: unknown }).value).toBe('This button is not valid any more.');
  });
});
