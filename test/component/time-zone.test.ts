// The end of time-bound access is computed and shown in the requester's time zone (Teams' localTimezone), in their language.
import { cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { messageFrom, SAM } from '../support/teams-users';

describe('time-bound access in the requester\'s time zone', () => {
  let h: Harness;
  /** A message as Teams sends it from Paris in winter (UTC+1). */
  const fromParis = (text: string, locale: string) => ({ ...messageFrom(SAM, text, { serviceUrl: h.connector.serviceUrl, locale }), localTimezone: 'Europe/Paris', localTimestamp: '2026-11-25T10:00:00.000+01:00' });

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  it('when Sam in Paris asks "until 2027-03-29 18:00" in winter, then access ends at 18:00 Paris summer time (16:00Z), shown in Paris time', async () => {
    // Arrange: the clock says 2026-11-25 09:00Z (10:00 in Paris, UTC+1); on 29 March 2027 Paris is on UTC+2.
    // Act
    await h.post(fromParis('give Alice Reader on Contoso prod until 2027-03-29 18:00', 'en-GB'));

    // Assert
    expect((await h.bot.store.requests.listByState(['draft']))).toMatchObject([{ expiresAt: '2027-03-29T16:00:00.000Z' }]);
    expect(cardText(cardOf(h.connector.to(SAM.conversationId).at(-1)))).toContain('Until: Monday, 29 March 2027 at 18:00 (Europe/Paris) — then I remove it');
  });

  it('when the request is in French, then the end is written the French way, in Paris time', async () => {
    await h.post(fromParis("donne à Alice le rôle Lecteur sur l'abonnement prod de Contoso jusqu'à lundi 18 h", 'fr-FR'));
    expect((await h.bot.store.requests.listByState(['draft']))).toMatchObject([{ expiresAt: '2026-11-30T17:00:00.000Z' }]);
    expect(cardText(cardOf(h.connector.to(SAM.conversationId).at(-1)))).toContain("lundi 30 novembre 2026 à 18:00 (Europe/Paris)");
  });
});
