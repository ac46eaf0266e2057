// The words of time in English and French: tokens with their place in the text, numbers written out, units, days, months.
import { foldText } from './text';

export interface Token {
  /** Folded (lower case, no accents), without the punctuation around it. */
  readonly word: string;
  /** Where the token's own characters are in the text (punctuation around it excluded). */
  readonly start: number;
  readonly end: number;
}

/**
 * Splits on spaces, and on hyphens between letters ("vingt-quatre", "demi-heure"); "d'heures" becomes "de" + "heures";
 * punctuation around a token is left out of it ("hours," → "hours"), punctuation inside is kept ("1,5", "18:00").
 */
export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  const push = (start: number, end: number): void => {
    let s = start;
    let e = end;
    while (s < e && /["«»()[\]{}<>]/.test(text[s] ?? '')) s++;
    while (e > s && /[.,;:!?"«»()[\]{}<>]/.test(text[e - 1] ?? '')) e--;
    if (s >= e) return;
    const word = foldText(text.slice(s, e));
    const elided = /^([dl])'(.+)$/.exec(word);
    if (elided?.[1] && elided[2]) {
      tokens.push({ word: elided[1] === 'd' ? 'de' : 'le', start: s, end: s + 2 });
      tokens.push({ word: elided[2], start: s + 2, end: e });
      return;
    }
    tokens.push({ word, start: s, end: e });
  };
  for (const m of text.matchAll(/\S+/g)) {
    // A hyphen between letters joins the parts of one number or word ("vingt-quatre"); between digits it is a date's.
    let from = m.index;
    for (const h of m[0].matchAll(/(?<=\p{L})[-‐–](?=\p{L})/gu)) {
      push(from, m.index + h.index);
      from = m.index + h.index + 1;
    }
    push(from, m.index + m[0].length);
  }
  return tokens;
}

const EN_ONES: Readonly<Record<string, number>> = {
  one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, eleven: 11, twelve: 12,
  thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17, eighteen: 18, nineteen: 19,
};
const EN_TENS: Readonly<Record<string, number>> = { twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90 };
const FR_SMALL: Readonly<Record<string, number>> = {
  un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, six: 6, sept: 7, huit: 8, neuf: 9, dix: 10, onze: 11, douze: 12,
  treize: 13, quatorze: 14, quinze: 15, seize: 16,
};
/** Tens, with the Belgian and Swiss forms (septante, huitante, octante, nonante). */
const FR_TENS: Readonly<Record<string, number>> = { vingt: 20, trente: 30, quarante: 40, cinquante: 50, soixante: 60, septante: 70, huitante: 80, octante: 80, nonante: 90 };

/** The articles that mean "one" only when a unit follows ("a week", "une heure"). */
export const ARTICLE_ONE: ReadonlySet<string> = new Set(['a', 'an', 'un', 'une']);

const word = (tokens: readonly Token[], i: number): string => tokens[i]?.word ?? '';

/** 1–19 in French ("dix-sept" arrives as "dix", "sept"); used after a tens word too. */
function frUpTo19(tokens: readonly Token[], i: number): { value: number; used: number } | undefined {
  const w = word(tokens, i);
  if (w === 'dix' && ['sept', 'huit', 'neuf'].includes(word(tokens, i + 1))) return { value: 10 + (FR_SMALL[word(tokens, i + 1)] ?? 0), used: 2 };
  const small = FR_SMALL[w];
  return small === undefined ? undefined : { value: small, used: 1 };
}

/**
 * A whole number written in words or digits at `tokens[i]` (1–99 in words, EN and FR), or a decimal ("1.5", "1,5").
 * `used` is how many tokens it took. Articles ("a", "une") count as 1; the caller decides whether a unit follows.
 */
export function readNumber(tokens: readonly Token[], i: number): { value: number; used: number } | undefined {
  const w = word(tokens, i);
  if (/^\d{1,4}(?:[.,]\d{1,2})?$/.test(w)) return { value: Number(w.replace(',', '.')), used: 1 };
  if (w === 'a' || w === 'an') return { value: 1, used: 1 };
  const ones = EN_ONES[w];
  if (ones !== undefined) return { value: ones, used: 1 };
  const enTens = EN_TENS[w];
  if (enTens !== undefined) {
    const unit = EN_ONES[word(tokens, i + 1)];
    return unit !== undefined && unit < 10 ? { value: enTens + unit, used: 2 } : { value: enTens, used: 1 };
  }
  // "quatre-vingt(s)" = 80, then 1–19: "quatre-vingt-un(e)" = 81 (no "et", unlike "vingt et un"), "quatre-vingt-dix-neuf" = 99.
  if (w === 'quatre' && (word(tokens, i + 1) === 'vingt' || word(tokens, i + 1) === 'vingts')) {
    const rest = frUpTo19(tokens, i + 2);
    return rest ? { value: 80 + rest.value, used: 2 + rest.used } : { value: 80, used: 2 };
  }
  const frTens = FR_TENS[w];
  if (frTens !== undefined) {
    // "vingt et un(e)", "vingt-et-un", "soixante et onze"; "vingt-deux"; soixante takes 10–19 too ("soixante-dix").
    const hasEt = word(tokens, i + 1) === 'et';
    const rest = frUpTo19(tokens, i + (hasEt ? 2 : 1));
    const fits = rest && (hasEt ? rest.value === 1 || (frTens === 60 && rest.value === 11) : rest.value > 1 && (rest.value < 10 || frTens === 60));
    return fits && rest ? { value: frTens + rest.value, used: (hasEt ? 2 : 1) + rest.used } : { value: frTens, used: 1 };
  }
  return frUpTo19(tokens, i);
}

/** Units a duration can be counted in; months and years are refused (their length depends on the calendar). */
export type TimeUnit = 'minute' | 'hour' | 'day' | 'week' | 'fortnight' | 'month' | 'year';

const UNIT_WORDS: Readonly<Record<string, TimeUnit>> = {
  minute: 'minute', minutes: 'minute', min: 'minute', mins: 'minute', mn: 'minute', m: 'minute',
  hour: 'hour', hours: 'hour', hr: 'hour', hrs: 'hour', h: 'hour', heure: 'hour', heures: 'hour',
  day: 'day', days: 'day', d: 'day', jour: 'day', jours: 'day', j: 'day', journee: 'day', journees: 'day',
  week: 'week', weeks: 'week', wk: 'week', wks: 'week', w: 'week', semaine: 'week', semaines: 'week', sem: 'week',
  fortnight: 'fortnight', fortnights: 'fortnight',
  month: 'month', months: 'month', mois: 'month',
  year: 'year', years: 'year', yr: 'year', yrs: 'year', an: 'year', ans: 'year', annee: 'year', annees: 'year',
};

export const unitOf = (w: string): TimeUnit | undefined => (Object.hasOwn(UNIT_WORDS, w) ? UNIT_WORDS[w] : undefined);

/** Unit words that are also ordinary words or names ("an", "Day", "m"): counted as units only next to a number. */
const AMBIGUOUS_UNITS: ReadonlySet<string> = new Set(['an', 'm', 'd', 'j', 'w', 'h', 'min', 'sem', 'day', 'hour', 'week', 'month', 'year', 'jour', 'heure', 'semaine', 'mois', 'yr']);

/** A unit word that means time wherever it stands ("hours", "jours", "semaines"). */
export const isPlainUnit = (w: string): boolean => unitOf(w) !== undefined && !AMBIGUOUS_UNITS.has(w);

export const WEEKDAYS: Readonly<Record<string, number>> = {
  sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6,
  sun: 0, mon: 1, tue: 2, tues: 2, wed: 3, thu: 4, thur: 4, thurs: 4, fri: 5, sat: 6,
  dimanche: 0, lundi: 1, mardi: 2, mercredi: 3, jeudi: 4, vendredi: 5, samedi: 6,
};

export const MONTHS: Readonly<Record<string, number>> = {
  january: 1, february: 2, march: 3, april: 4, may: 5, june: 6, july: 7, august: 8, september: 9, october: 10, november: 11, december: 12,
  jan: 1, feb: 2, mar: 3, apr: 4, jun: 6, jul: 7, aug: 8, sep: 9, sept: 9, oct: 10, nov: 11, dec: 12,
  janvier: 1, fevrier: 2, mars: 3, avril: 4, mai: 5, juin: 6, juillet: 7, aout: 8, septembre: 9, octobre: 10, novembre: 11, decembre: 12,
  janv: 1, fevr: 2, avr: 4, juil: 7,
};

/** Words that say "for a while" without saying how long: a limit was meant, so the bot asks for it. */
export const VAGUE: ReadonlySet<string> = new Set([
  'while', 'bit', 'moment', 'time', 'temps', 'longtemps', 'now', 'maintenant', 'some', 'few', 'several', 'quelques', 'plusieurs', 'peu', 'instant',
  'temporarily', 'temporary', 'temporairement', 'temporaire', 'provisoirement', 'briefly', 'brievement', 'awhile', 'being',
]);

/** Markers before an end point or a length ("for", "pour", "until", "jusqu'à"). */
export const FOR_MARKERS: ReadonlySet<string> = new Set(['for', 'pour', 'pendant', 'durant', 'during']);
export const UNTIL_MARKERS: ReadonlySet<string> = new Set(['until', 'till', 'til', 'through', 'thru', 'jusqu', 'jusque', "jusqu'a", "jusqu'au", "jusqu'aux", "jusqu'en"]);

/** Times written in one token: "18:00", "18h", "18h30", "6pm", "6:30pm", "18h00". */
export function readTimeToken(w: string): { hour: number; minute: number } | undefined {
  if (w === 'noon' || w === 'midi') return { hour: 12, minute: 0 };
  if (w === 'midnight' || w === 'minuit') return { hour: 24, minute: 0 };
  const m = /^(\d{1,2})(?:(:|h)(\d{2})?)?(am|pm|a\.m\.|p\.m\.)?$/.exec(w);
  if (!m?.[1] || (!m[2] && !m[4])) return undefined;
  return clock(Number(m[1]), m[3] ? Number(m[3]) : 0, m[4]?.replace(/\./g, ''));
}

/** An hour and minute on a 24-hour (or am/pm) clock, when they make sense. */
export function clock(hour: number, minute: number, meridiem?: string): { hour: number; minute: number } | undefined {
  let h = hour;
  if (meridiem) {
    if (h < 1 || h > 12) return undefined;
    if (meridiem === 'pm' && h < 12) h += 12;
    if (meridiem === 'am' && h === 12) h = 0;
  }
  return h <= 24 && minute < 60 && !(h === 24 && minute > 0) ? { hour: h, minute } : undefined;
}

/** ISO 8601 durations ("PT8H", "P2D", "P1DT12H", "P1W"): minutes, or 'calendar' for months and years. */
export function readIsoDuration(w: string): number | 'calendar' | undefined {
  const m = /^p(?=\d|t\d)(?:(\d+)y)?(?:(\d+)m)?(?:(\d+)w)?(?:(\d+)d)?(?:t(?=\d)(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?)?$/.exec(w);
  if (!m) return undefined;
  if (m[1] || m[2]) return 'calendar';
  const seconds = Number(m[7] ?? 0);
  if (seconds % 60 !== 0) return undefined;
  return Number(m[3] ?? 0) * 10080 + Number(m[4] ?? 0) * 1440 + Number(m[5] ?? 0) * 60 + Number(m[6] ?? 0) + seconds / 60;
}
