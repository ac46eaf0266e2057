// A removal keeps what the requester wrote: the reason reaches the approvers' card, a time limit is refused by name.
import { buttonsOf, cardOf, cardText } from '../support/fake-connector';
import { conversation } from '../support/conversation';
import { startHarness, type Harness } from '../support/bot-harness';

// From review finding revoke-drops-reason-and-limit (h-review 29c50f1).
describe('never widening a removal', () => {
  let h: Harness;
  const { samSays, drafts } = conversation(() => h);

  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  it('when Sam asks to remove Bob\'s Reader "because he left the company", then the card shows that reason', async () => {
    const card = cardOf(await samSays("remove Bob's Reader on Contoso prod because he left the company"));

    expect(cardText(card)).toContain('Azure access removal');
    expect(cardText(card)).toContain('he left the company');
    expect(buttonsOf(card)).toEqual(['Confirm', 'Cancel']);
    expect((await drafts()).map((d) => [d.action, d.justification])).toEqual([['revoke', 'he left the company']]);
  });

  it('when Sam asks in French with a ticket, then the draft carries it', async () => {
    await samSays("retire à Bob le rôle Lecteur sur l'abonnement prod de Contoso pour le ticket INC4567", 'fr-FR');
    expect((await drafts()).map((d) => [d.action, d.justification])).toEqual([['revoke', 'INC4567']]);
  });

  it.each([
    ["remove Bob's Reader on Contoso prod for 2 hours", 'en-US', 'I can only remove a role for good, not "for 2 hours".'],
    ["retire à Bob le rôle Lecteur sur l'abonnement prod de Contoso jusqu'à vendredi", 'fr-FR', 'Je ne peux retirer un rôle que définitivement, pas « jusqu'],
  ])('when Sam writes "%s", then the bot says it cannot remove for a while and makes no draft', async (text, locale, said) => {
    const reply = await samSays(text, locale);

    const made = await drafts();
    expect(made.filter((d) => d.action === 'revoke' && d.expiresAt === undefined)).toEqual([]);
    expect(made).toEqual([]);
    expect((reply?.body.text ?? '').replace(/[\u202f\u00a0]/g, ' ')).toContain(said);
    expect(cardText(cardOf(reply))).not.toContain('Confirm to send the removal for approval');
  });
});
