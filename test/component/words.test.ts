// What Sam reads through the real endpoint when a service is down, and when his requests are listed: services by the
// names people use, dates in his zone and language.
import { cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { messageFrom, SAM } from '../support/teams-users';

describe('words Sam reads', () => {
  let h: Harness;
  const lastTo = () => h.connector.to(SAM.conversationId).at(-1);
  /** A message as Teams sends it from Paris in winter (UTC+1), in `locale`. */
  const fromParis = (text: string, locale: string) => ({ ...messageFrom(SAM, text, { serviceUrl: h.connector.serviceUrl, locale }), localTimezone: 'Europe/Paris', localTimestamp: '2026-11-25T10:00:00.000+01:00' });

  beforeAll(async () => {
    // No retries: the outage is answered at once (the pipeline's backoff is not what is tested here).
    h = await startHarness({}, { retryOptions: { maxRetries: 0 } });
  });
  afterAll(async () => h.stop());
  afterEach(() => h.sandbox.faults.clear());

  it.each([
    ['en-GB', "give Alice Reader on Contoso's prod subscription", 'Partner Center did not answer just now. Nothing was changed; please try again in a minute.'],
    ['fr-FR', "donne à Alice le rôle Lecteur sur l'abonnement prod de Contoso", "L'Espace partenaires ne répond pas pour le moment. Rien n'a été modifié\u00a0; réessayez dans une minute."],
  ])('when Partner Center is down and Sam writes in %s, then he is told so by its name in his language, never "PartnerCenter"', async (locale, text, answer) => {
    // Arrange: Partner Center answers 503 to every customer lookup
    h.sandbox.faults.add({ operation: 'partnerCenter.customers', kind: 'unavailable', times: 100 });

    // Act
    await h.post(fromParis(text, locale));

    // Assert
    expect(lastTo()?.body.text).toBe(answer);
  });

  it('when Sam in Paris lists his requests in French, then each is dated in Paris time, the French way, not as a UTC ISO string', async () => {
    // Arrange: the clock says 2026-11-25 09:00Z, 10:00 in Paris
    await h.post(fromParis("donne à Alice le rôle Lecteur sur l'abonnement prod de Contoso pour 8 heures", 'fr-FR'));

    // Act
    await h.post(fromParis('mes demandes', 'fr-FR'));

    // Assert
    const text = cardText(cardOf(lastTo()));
    expect(text).toContain('faite par Sam Seller le 25 novembre 2026 à 10:00 UTC+1');
    expect(text).not.toContain('2026-11-25 09:00');
  });
});
