// Two requests in one message: the second is named back, never silently dropped behind a draft of the first.
import { startHarness, type Harness } from '../support/bot-harness';
import { messageFrom, SAM } from '../support/teams-users';

// From review finding second-grant-silently-dropped (h-review a5ef675).
describe('never dropping a second request', () => {
  let h: Harness;

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  it.each([
    ['give Bob Reader and Alice Owner on Contoso prod', 'en-US', 'I take one person and one role per message, and "and Alice Owner on Contoso prod" asks for more.'],
    ['give Bob Reader and Owner on Contoso prod', 'en-US', 'I take one person and one role per message, and "and Owner on Contoso prod" asks for more.'],
    ['give Alice and Bob Reader on Contoso prod', 'en-US', 'I take one person and one role per message, and "and Bob Reader on Contoso prod" asks for more.'],
    ['donne à Bob le rôle Lecteur et à Alice le rôle Propriétaire sur Contoso prod', 'fr-FR', 'Je traite une personne et un rôle par message, et « et à Alice le rôle Propriétaire sur Contoso prod » en demande davantage.'],
  ])('when Sam writes "%s", then he is told to send each request on its own and nothing is drafted', async (text, locale, said) => {
    await h.post(messageFrom(SAM, text, { serviceUrl: h.connector.serviceUrl, locale }));
    const answer = h.connector.to(SAM.conversationId).at(-1)?.body.text ?? '';

    expect(await h.bot.store.requests.listByState(['draft'])).toEqual([]);
    expect(answer.replace(/[\u202f\u00a0]/g, ' ')).toContain(said);
  });
});
