// A stated time limit survives everything between the message and the draft: parsing, "did you mean" choices, French.
import { buttonsOf, cardOf, type CardJson } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { actionFrom, messageFrom, SAM } from '../support/teams-users';

describe('never widening a request', () => {
  let h: Harness;

  const samSays = async (text: string, locale = 'fr-FR') => {
    const response = await h.post(messageFrom(SAM, text, { serviceUrl: h.connector.serviceUrl, locale }));
    expect(response.status).toBe(200);
    return cardOf(h.connector.to(SAM.conversationId).at(-1));
  };
  const samClicks = async (card: CardJson | undefined, title: string) => {
    const button = card?.actions?.find((a) => a.title === title);
    expect(Object.keys(button?.data ?? {})).toEqual(['requestId']);
    const clicked = await h.post(actionFrom(SAM, button?.verb ?? '', button?.data ?? {}, { serviceUrl: h.connector.serviceUrl, locale: 'fr-FR' }));
    expect(clicked.status).toBe(200);
  };
  const drafts = async () => (await h.bot.store.requests.listByState(['draft']));

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  it('when Sam asks "… pour onze heures" (the reviewer\'s sentence), then the draft ends 11 hours from now', async () => {
    // Arrange: the harness clock says 2026-11-25 09:00 UTC.
    // Act
    await samSays("donne à Alice le rôle Lecteur sur l'abonnement prod de Contoso pour onze heures");

    // Assert: one draft, Alice's Reader on Contoso Production, ending at 20:00 UTC.
    expect((await drafts())).toHaveLength(1);
    expect((await drafts())[0]).toMatchObject({ principal: { displayName: 'Alice Martin' }, role: { name: 'Reader' }, subscription: { name: 'Contoso Production' }, expiresAt: '2026-11-25T20:00:00.000Z' });
  });

  it('when the customer name has a typo and Sam picks the suggestion, then the chosen draft keeps the 11-hour limit', async () => {
    // Act: a typo in the customer, so the answer is "did you mean …?", then the click.
    const question = await samSays("donne à Alice le rôle Lecteur sur l'abonnement prod de Contso pour onze heures");
    expect(buttonsOf(question)).toContain('Contoso');
    expect((await drafts())).toHaveLength(0);
    await samClicks(question, 'Contoso');

    // Assert: the draft the choice produced ends when the message said, not never.
    expect((await drafts())).toHaveLength(1);
    expect((await drafts())[0]).toMatchObject({ subscription: { name: 'Contoso Production' }, expiresAt: '2026-11-25T20:00:00.000Z' });
  });

  it('when the user name fits two people and Sam picks one, then the limit, the resource group and the justification are all kept', async () => {
    const question = await samSays('give Alice Reader on resource group rg-web in Fabrikam Production for 1h30 because of INC4242', 'en-US');
    await samClicks(question, 'Alice Smith');
    expect((await drafts())).toHaveLength(1);
    expect((await drafts())[0]).toMatchObject({
      principal: { displayName: 'Alice Smith' },
      scope: '/subscriptions/c0000003-5b50-4000-8000-000000000001/resourceGroups/rg-web',
      justification: 'INC4242',
      expiresAt: '2026-11-25T10:30:00.000Z',
    });
  });
});

describe('decomposed accents through the endpoint', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  it('when Sam writes "Chloe\\u0301" with a combining accent, then the draft is for Chloé Lefèvre', async () => {
    await h.post(messageFrom(SAM, 'give Chloe\u0301 Reader on Contoso prod', { serviceUrl: h.connector.serviceUrl }));
    expect((await h.bot.store.requests.listByState(['draft']))).toMatchObject([{ principal: { displayName: 'Chlo\u00e9 Lef\u00e8vre' } }]);
  });
});
