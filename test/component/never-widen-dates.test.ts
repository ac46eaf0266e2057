// A written end date is read the writer's way, or asked back: never months or a year more than was meant.
import { conversation } from '../support/conversation';
import { startHarness, type Harness } from '../support/bot-harness';

describe('never widening an end date', () => {
  let h: Harness;
  const said = conversation(() => h);
  const { samReads: samSays, drafts } = said;

  beforeEach(async () => {
    // The harness clock reads Wednesday 2026-11-25 09:00 UTC.
    h = await startHarness();
  });
  afterEach(async () => h.stop());

  // From review finding us-date-read-day-first (h-review 9cc20b0).
  it('when Sam (en-US) writes "until 12/5", then the draft ends with December 5, not in May', async () => {
    await samSays('give Alice Reader on Contoso prod until 12/5', 'en-US');

    const made = await drafts();
    expect(made.map((d) => d.expiresAt).filter((end) => end !== undefined && end > '2026-12-06T23:59:59Z')).toEqual([]);
    expect(made.map((d) => d.expiresAt)).toEqual(['2026-12-06T00:00:00.000Z']);
  });

  it('when Sam (fr-FR) writes "jusqu\'au 5/12", then the draft ends with December 5 (day first)', async () => {
    await samSays("donne à Alice le rôle Lecteur sur Contoso prod jusqu'au 5/12", 'fr-FR');
    expect((await drafts()).map((d) => d.expiresAt)).toEqual(['2026-12-06T00:00:00.000Z']);
  });

  it('when Sam writes "until 12/5" from a language that writes the year first (en-CA), then he is asked which he meant', async () => {
    const answer = await samSays('give Alice Reader on Contoso prod until 12/5', 'en-CA');

    expect(await drafts()).toEqual([]);
    expect(answer).toBe('I cannot tell whether "until 12/5" gives the day or the month first. Write the month in words, for example "until 5 December".');
  });

  // From review finding past-date-becomes-next-year (h-review 3b16b9c).
  it.each([
    ['give Alice Reader on Contoso prod until November 24', 'en-US', 'The end you asked for ("until November 24") has already passed this year'],
    ["donne à Alice le rôle Lecteur sur Contoso prod jusqu'au 24 novembre", 'fr-FR', "La fin demandée (« jusqu'au 24 novembre ») est déjà passée cette année"],
  ])('when Sam writes "%s" on November 25, then no draft lasts into next year: he is asked back', async (text, locale, said) => {
    const answer = await samSays(text, locale);

    const made = await drafts();
    expect(made.map((d) => d.expiresAt).filter((end) => end !== undefined && end >= '2027-01-01')).toEqual([]);
    expect(made).toEqual([]);
    expect(answer.replace(/\u202f|\u00a0/g, ' ')).toContain(said.replace(/\u202f|\u00a0/g, ' '));
  });

  it('when Sam writes "until January 5" on November 25, then it is next January', async () => {
    await samSays('give Alice Reader on Contoso prod until January 5', 'en-US');
    expect((await drafts()).map((d) => d.expiresAt)).toEqual(['2027-01-06T00:00:00.000Z']);
  });
});
