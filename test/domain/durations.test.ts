// Durations as people write them, in English and French: every form read exactly, anything else asked back (never dropped).
import type { Duration } from '../../src/domain/durations';
import { parseMessage, type ParsedMessage } from '../../src/domain/parse-request';

const MINUTES = { minute: 1, hour: 60, day: 1440, week: 10080 } as const;

/** How long a "for …" duration lasts, in minutes; undefined for anything else. */
const minutesOf = (duration: Duration | undefined): number | undefined => (duration?.kind === 'for' ? duration.amount * MINUTES[duration.unit] : undefined);

const durationOf = (parsed: ParsedMessage): Duration | undefined => (parsed.kind === 'grant' ? parsed.duration : undefined);

const EN_WORDS = [
  'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'ten',
  'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen', 'twenty',
  'twenty-one', 'twenty-two', 'twenty-three', 'twenty-four', 'twenty-five', 'twenty-six', 'twenty-seven', 'twenty-eight', 'twenty-nine', 'thirty',
  'thirty-one', 'thirty-two', 'thirty-three', 'thirty-four', 'thirty-five', 'thirty-six', 'thirty-seven', 'thirty-eight', 'thirty-nine', 'forty',
  'forty-one', 'forty-two', 'forty-three', 'forty-four', 'forty-five', 'forty-six', 'forty-seven', 'forty-eight', 'forty-nine', 'fifty',
  'fifty-one', 'fifty-two', 'fifty-three', 'fifty-four', 'fifty-five', 'fifty-six', 'fifty-seven', 'fifty-eight', 'fifty-nine',
];

/** Feminine where it agrees with "heure(s)": une, vingt et une, … */
const FR_WORDS = [
  'une', 'deux', 'trois', 'quatre', 'cinq', 'six', 'sept', 'huit', 'neuf', 'dix',
  'onze', 'douze', 'treize', 'quatorze', 'quinze', 'seize', 'dix-sept', 'dix-huit', 'dix-neuf', 'vingt',
  'vingt et une', 'vingt-deux', 'vingt-trois', 'vingt-quatre', 'vingt-cinq', 'vingt-six', 'vingt-sept', 'vingt-huit', 'vingt-neuf', 'trente',
  'trente et une', 'trente-deux', 'trente-trois', 'trente-quatre', 'trente-cinq', 'trente-six', 'trente-sept', 'trente-huit', 'trente-neuf', 'quarante',
  'quarante et une', 'quarante-deux', 'quarante-trois', 'quarante-quatre', 'quarante-cinq', 'quarante-six', 'quarante-sept', 'quarante-huit', 'quarante-neuf', 'cinquante',
  'cinquante et une', 'cinquante-deux', 'cinquante-trois', 'cinquante-quatre', 'cinquante-cinq', 'cinquante-six', 'cinquante-sept', 'cinquante-huit', 'cinquante-neuf',
];

describe('durations', () => {
  it('when the reviewer\'s sentence is sent ("… pour onze heures"), then the request keeps its 11-hour limit and its target', () => {
    const parsed = parseMessage("donne à Alice le rôle Lecteur sur l'abonnement prod de Contoso pour onze heures");
    expect(parsed).toMatchObject({ kind: 'grant', principal: 'Alice', role: 'Reader', duration: { kind: 'for', amount: 11, unit: 'hour' } });
    expect(parsed.kind === 'grant' && parsed.targets[0]).toEqual({ customer: 'Contoso', subscription: 'prod' });
  });

  it.each(EN_WORDS.map((word, i) => [word, i + 1] as const))('when an agent writes "for %s hours", then it lasts %i hours', (word, n) => {
    const parsed = parseMessage(`give Alice Reader on Contoso prod for ${word} ${n === 1 ? 'hour' : 'hours'}`);
    expect(parsed.kind === 'grant' && parsed.targets[0]).toEqual({ customer: 'Contoso', subscription: 'prod' });
    expect(minutesOf(durationOf(parsed))).toBe(n * 60);
  });

  it.each(FR_WORDS.map((word, i) => [word, i + 1] as const))('when an agent writes "pour %s heures", then it lasts %i heures', (word, n) => {
    const parsed = parseMessage(`donne à Alice le rôle Lecteur sur Contoso prod pour ${word} ${n === 1 ? 'heure' : 'heures'}`);
    expect(parsed.kind === 'grant' && parsed.targets[0]).toEqual({ customer: 'Contoso', subscription: 'prod' });
    expect(minutesOf(durationOf(parsed))).toBe(n * 60);
  });

  it.each([
    ['for eleven hours', 11 * 60],
    ['for twenty four hours', 24 * 60],
    ['pour vingt-et-un jours', 21 * 1440],
    ['for a dozen hours', 12 * 60],
    ["pour une douzaine d'heures", 12 * 60],
    ['for half an hour', 30],
    ['for a half hour', 30],
    ['pour une demi-heure', 30],
    ['pour une demi heure', 30],
    ['for half a day', 720],
    ['pour une demi-journée', 720],
    ['for an hour and a half', 90],
    ['pour une heure et demie', 90],
    ['for two and a half hours', 150],
    ['pour deux heures et demie', 150],
    ['for 1h30', 90],
    ['pour 1h30', 90],
    ['for 1 h 30', 90],
    ['pour 2h15', 135],
    ['for 90 min', 90],
    ['for 90min', 90],
    ['pendant 90 minutes', 90],
    ['for 1.5 hours', 90],
    ['pour 1,5 heure', 90],
    ['for 2 hours 30 minutes', 150],
    ['for 2 hours and 30 minutes', 150],
    ['for 1 day and 6 hours', 1440 + 360],
    ['pour 2 heures 30', 150],
    ['for 48h', 48 * 60],
    ['for 8 hrs', 8 * 60],
    ['for PT8H', 8 * 60],
    ['for P2D', 2 * 1440],
    ['pour PT1H30M', 90],
    ['for P1DT12H', 36 * 60],
    ['for P1W', 10080],
    ['for the next eight hours', 8 * 60],
    ['pendant les 8 prochaines heures', 8 * 60],
    ['pour 2 jours', 2 * 1440],
    ['for a week', 10080],
    ['pour une semaine', 10080],
    ['for a fortnight', 2 * 10080],
    ['for a couple of hours', 120],
    ['for up to 4 hours', 240],
    ['pour au plus 4 heures', 240],
  ] as const)('when an agent writes "%s", then it lasts exactly %i minutes and nothing of it is left in the target', (phrase, minutes) => {
    const fr = /^(?:pour|pendant)/.test(phrase);
    const parsed = parseMessage(fr ? `donne à Alice le rôle Lecteur sur Contoso prod ${phrase}` : `give Alice Reader on Contoso prod ${phrase}`);
    expect(parsed.kind === 'grant' && parsed.targets[0]).toEqual({ customer: 'Contoso', subscription: 'prod' });
    expect(minutesOf(durationOf(parsed))).toBe(minutes);
  });

  it.each([
    ['until Monday 18:00', { day: { weekday: 1 }, time: { hour: 18, minute: 0 } }],
    ['until Monday 6 pm', { day: { weekday: 1 }, time: { hour: 18, minute: 0 } }],
    ['until monday 6:30pm', { day: { weekday: 1 }, time: { hour: 18, minute: 30 } }],
    ["jusqu'à vendredi 18 h", { day: { weekday: 5 }, time: { hour: 18, minute: 0 } }],
    ["jusqu'à vendredi 18 h 30", { day: { weekday: 5 }, time: { hour: 18, minute: 30 } }],
    ["jusqu'à vendredi 18 heures", { day: { weekday: 5 }, time: { hour: 18, minute: 0 } }],
    ["jusqu'à vendredi 18h30", { day: { weekday: 5 }, time: { hour: 18, minute: 30 } }],
    ["jusqu'à demain midi", { day: { inDays: 1 }, time: { hour: 12, minute: 0 } }],
    ['until 2026-10-26T18:00', { day: { date: { year: 2026, month: 10, day: 26 } }, time: { hour: 18, minute: 0 } }],
    ['until 2026-10-26 18:00', { day: { date: { year: 2026, month: 10, day: 26 } }, time: { hour: 18, minute: 0 } }],
    ["jusqu'au 26 octobre 18h", { day: { date: { month: 10, day: 26 } }, time: { hour: 18, minute: 0 } }],
    ['until October 26', { day: { date: { month: 10, day: 26 } } }],
    ['until 26 October 2026', { day: { date: { year: 2026, month: 10, day: 26 } } }],
  ] as const)('when an agent writes "%s", then the end is read fully and nothing of it is left in the target', (phrase, until) => {
    const fr = /^jusqu/.test(phrase);
    const parsed = parseMessage(fr ? `donne à Alice le rôle Lecteur sur Contoso prod ${phrase}` : `give Alice Reader on Contoso prod ${phrase}`);
    expect(parsed.kind === 'grant' && parsed.targets[0]).toEqual({ customer: 'Contoso', subscription: 'prod' });
    expect(durationOf(parsed)).toEqual({ kind: 'until', ...until, text: phrase });
  });

  it.each([
    'give Alice Reader on Contoso prod for eleventy hours',
    'give Alice Reader on Contoso prod for some hours',
    'give Alice Reader on Contoso prod for a few hours',
    'donne à Alice le rôle Lecteur sur Contoso prod pour quelques heures',
    'give Alice Reader on Contoso prod for a while',
    'give Alice Reader on Contoso prod for 2 months',
    'donne à Alice le rôle Lecteur sur Contoso prod pour 2 mois',
    'give Alice Reader on Contoso prod for 8 or 9 hours',
    'give Alice Reader on Contoso prod for about 8 hours',
    'give Alice Reader on Contoso prod for twenty-something hours',
    'donne à Alice le rôle Lecteur sur Contoso prod pendant onze heures et quelques',
    'give Alice Reader on Contoso prod for 8 hours tomorrow',
    'give Alice Reader on Contoso prod for 8 hours until Friday',
    'give Alice Reader on Contoso prod until Friday 18',
    'give Alice Reader on Contoso prod until the end of the week',
    "donne à Alice le rôle Lecteur sur Contoso prod jusqu'à la fin du mois",
    'give Alice Reader on Contoso prod 8 hours',
    'give Alice Reader on Contoso prod temporarily',
    'give Alice Reader on Contoso prod for P1M',
    'give Alice Reader on Contoso prod for 1h30 more or less',
  ])('when the time limit in %j cannot be read fully, then the bot asks back instead of dropping it', (text) => {
    expect(parseMessage(text).kind).toBe('unclear_duration');
  });

  it.each([
    ['give Alice Day Reader on Contoso prod', 'Alice Day'],
    ['give Reader on Contoso prod to Alice', 'Alice'],
    ['add Alice as Reader to Contoso prod for INC123', 'Alice'],
  ])('when %j has no time limit, then none is read and nothing is asked back', (text, principal) => {
    const parsed = parseMessage(text);
    expect(parsed).toMatchObject({ kind: 'grant', principal });
    expect(durationOf(parsed)).toBeUndefined();
  });

  it('when a half request states a limit, then the limit is kept for the answer that completes it', () => {
    const parsed = parseMessage('give Alice Reader for eleven hours');
    expect(parsed).toMatchObject({ kind: 'missing', missing: 'target', partial: { duration: { kind: 'for', amount: 11, unit: 'hour' } } });
  });

  it('when the limit is written inside the reasons, then it still limits the request and the reasons keep their words', () => {
    const parsed = parseMessage('give Alice Reader on Contoso prod because the migration runs until Friday 18:00');
    expect(parsed).toMatchObject({ kind: 'grant', justification: 'the migration runs until Friday 18:00', duration: { kind: 'until', day: { weekday: 5 }, time: { hour: 18, minute: 0 } } });
  });

  it('when the reasons state a limit that cannot be read, then the bot asks back; a mere time in the reasons is not a limit', () => {
    expect(parseMessage('give Alice Reader on Contoso prod because she is here for a while').kind).toBe('unclear_duration');
    expect(parseMessage('give Alice Reader on Contoso prod because of the incident at 18:00 yesterday')).toMatchObject({ kind: 'grant', justification: 'the incident at 18:00 yesterday' });
    expect(parseMessage('give Alice Reader on Contoso prod because 0h for 8 hours')).toMatchObject({ kind: 'grant', duration: { amount: 8, unit: 'hour' } });
  });

  it('when a limit is written between angle brackets, then it is words to read, not a tag to drop', () => {
    expect(parseMessage('give Alice Reader on Contoso prod <for 8 hours>')).toMatchObject({ kind: 'grant', duration: { amount: 8, unit: 'hour' } });
    expect(parseMessage('<p>give Alice Reader on Contoso prod <b>for 8 hours</b></p>')).toMatchObject({ kind: 'grant', duration: { amount: 8, unit: 'hour' } });
  });

  it('when an extension says more than its length, then the bot asks back', () => {
    expect(parseMessage("extend Alice's access by eleven hours")).toMatchObject({ kind: 'extend', duration: { amount: 11, unit: 'hour' } });
    expect(parseMessage("extend Alice's access by 4 hours tomorrow").kind).toBe('unclear_duration');
  });

  it('when the customer manages their own subscription for a while, then the limit is kept or asked back, never dropped', () => {
    expect(parseMessage('let Contoso manage their own prod subscription for eleven hours')).toMatchObject({ kind: 'missing', partial: { duration: { amount: 11, unit: 'hour' } } });
    expect(parseMessage("make Contoso's admin bob@contoso.com Owner of prod for eleven hours")).toMatchObject({ kind: 'grant', duration: { amount: 11, unit: 'hour' } });
  });
});
