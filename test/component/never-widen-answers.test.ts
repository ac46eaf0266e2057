// The answer to "which role?" keeps whatever else it says (a limit, a resource group), and names back what it cannot read.
import { conversation } from '../support/conversation';
import { startHarness, type Harness } from '../support/bot-harness';

const CONTOSO_PROD = '/subscriptions/c0000001-5b50-4000-8000-000000000001';

// From review finding answer-to-question-drops-limit (h-review 095c655).
describe('never widening through an answer', () => {
  let h: Harness;
  const said = conversation(() => h);
  const { samReads: samSays, drafts } = said;

  beforeEach(async () => {
    // The harness clock reads Wednesday 2026-11-25 09:00 UTC.
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  it.each([
    ['give Alice access on Contoso prod', 'Reader for 2 hours', 'en-US', '2026-11-25T11:00:00.000Z'],
    ['donne à Alice un accès sur Contoso prod', "Lecteur jusqu'à vendredi", 'fr-FR', '2026-11-28T00:00:00.000Z'],
  ])('when Sam writes "%s" and answers the role question with "%s", then the draft keeps the limit', async (ask, answer, locale, end) => {
    await samSays(ask, locale);
    expect(await drafts()).toHaveLength(0);
    await samSays(answer, locale);

    const made = await drafts();
    expect(made.filter((d) => d.expiresAt === undefined)).toEqual([]);
    expect(made.map((d) => [d.role.name, d.expiresAt])).toEqual([['Reader', end]]);
  });

  it('when Sam answers the role question with "Reader on resource group rg-web", then the draft is for rg-web, not the whole subscription', async () => {
    await samSays('give Alice access on Contoso prod', 'en-US');
    expect(await drafts()).toHaveLength(0);
    await samSays('Reader on resource group rg-web', 'en-US');

    const made = await drafts();
    expect(made.filter((d) => d.scope.toLowerCase() === CONTOSO_PROD)).toEqual([]);
    expect(made.map((d) => d.scope)).toEqual([`${CONTOSO_PROD}/resourceGroups/rg-web`]);
  });

  it('when Sam answers the role question with "Reader but only rg-web", then he is told what was not understood and no draft is made', async () => {
    await samSays('give Alice access on Contoso prod', 'en-US');
    const reply = await samSays('Reader but only rg-web', 'en-US');

    expect(await drafts()).toEqual([]);
    expect(reply).toContain('I did not understand "but only rg-web" in "Reader but only rg-web"');
  });
});
