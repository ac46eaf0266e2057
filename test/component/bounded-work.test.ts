// One hostile message does not freeze the bot: it gets a clear answer in the sender's language, and others are served.
import { cardOf, cardText } from '../support/fake-connector';
import { startHarness, type Harness } from '../support/bot-harness';
import { messageFrom, PAT, SAM } from '../support/teams-users';

const hostileWord = (length: number): string => Array.from({ length }, (_, i) => 'abcdefghijklmnopqrstuvwxyz'[(i * 7 + (i >> 3)) % 26]).join('');

describe('bounded work per message', () => {
  let h: Harness;
  const opts = (locale = 'en-US') => ({ serviceUrl: h.connector.serviceUrl, locale });

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  // The reviewer's reproduction: this message was never answered, and every other user timed out behind it.
  it('when Sam sends "give Morgan Lee Reader on " + a 10,000-letter word, then he is told the message is too long, and Pat is still answered', async () => {
    // Act
    const response = await h.post(messageFrom(SAM, `give Morgan Lee Reader on ${hostileWord(10_000)}`, opts()));
    const next = await h.post(messageFrom(PAT, 'help', opts()));

    // Assert
    expect(response.status).toBe(200);
    expect(h.connector.to(SAM.conversationId).at(-1)?.body.text).toBe('That message is too long for me (more than 1,000 characters). Please send the request in a shorter message.');
    expect(next.status).toBe(200);
    expect(cardText(cardOf(h.connector.to(PAT.conversationId).at(-1)))).toContain('What I can do');
    expect((await h.bot.store.requests.listRequests({}))).toHaveLength(0);
  }, 15_000);

  it('when the long message is in French, then the answer is in French', async () => {
    await h.post(messageFrom(SAM, `donne à Morgan Lee le rôle Lecteur sur ${hostileWord(5_000)}`, opts('fr-FR')));
    expect(h.connector.to(SAM.conversationId).at(-1)?.body.text).toBe('Ce message est trop long pour moi (plus de 1\u202f000\u00a0caractères). Envoyez la demande en un message plus court.');
  }, 15_000);
});
