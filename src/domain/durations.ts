// Reading how long access should last ("for 8 hours", "until Friday 18:00", "pour 4 heures", "jusqu'à vendredi").

export type DurationUnit = 'minute' | 'hour' | 'day' | 'week';

export type Duration =
  /** A length of time from when the role is granted. */
  | { readonly kind: 'for'; readonly amount: number; readonly unit: DurationUnit; readonly text: string }
  /** An end point; `day` is a weekday (0 = Sunday), a relative day, or a calendar date; `time` is hours and minutes. */
  | {
      readonly kind: 'until';
      readonly day?: { readonly weekday: number } | { readonly inDays: number } | { readonly date: { readonly year?: number; readonly month: number; readonly day: number } };
      readonly time?: { readonly hour: number; readonly minute: number };
      readonly text: string;
    }
  /** "until …" / "jusqu'à …" followed by something we cannot read as a time: better to ask than to guess. */
  | { readonly kind: 'unreadable'; readonly text: string };

const UNIT_MS: Record<DurationUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };

const NUMBER_WORDS: Readonly<Record<string, number>> = {
  a: 1, an: 1, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10, twelve: 12,
  un: 1, une: 1, deux: 2, trois: 3, quatre: 4, cinq: 5, sept: 7, huit: 8, neuf: 9, dix: 10, douze: 12,
};

const UNITS: readonly [RegExp, DurationUnit][] = [
  [/^(?:minutes?|mins?|m)$/i, 'minute'],
  [/^(?:hours?|hrs?|h|heures?)$/i, 'hour'],
  [/^(?:days?|d|jours?|j|journ[ée]es?)$/i, 'day'],
  [/^(?:weeks?|wks?|w|semaines?|sem)$/i, 'week'],
];

const WEEKDAYS: Readonly<Record<string, number>> = {
  sunday: 0, monday: 1, tuesday: 2, wednesday: 3, thursday: 4, friday: 5, saturday: 6,
  sun: 0, mon: 1, tue: 2, tues: 2, wed: 3, thu: 4, thur: 4, thurs: 4, fri: 5, sat: 6,
  dimanche: 0, lundi: 1, mardi: 2, mercredi: 3, jeudi: 4, vendredi: 5, samedi: 6,
};

const AMOUNT = '(\\d{1,3}|an?|one|two|three|four|five|six|seven|eight|nine|ten|twelve|une?|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|douze)';
const UNIT = '(minutes?|mins?|hours?|hrs?|h|days?|d|weeks?|wks?|heures?|jours?|j|journ[ée]es?|semaines?|sem)';
const FOR_PHRASE = new RegExp(`(?:^|\\s)(?:for|during|pour|pendant|durant)\\s+(?:the\\s+next\\s+|les\\s+|the\\s+)?${AMOUNT}\\s*${UNIT}(?=$|[\\s,.;!?])`, 'i');
const UNTIL_PHRASE = /(?:^|\s)((?:until|till|til|through|thru|jusqu'?\s*(?:à|a|au)|jusque\s+(?:à|a|au)))\s+(.+?)(?=$|[,;]|\s+(?:because|parce|car|for\s+(?:incident|ticket)|pour\s+l'incident|ticket)\b)/i;

/** Reads "18:00", "18h", "18h30", "6pm", "6:30 pm", "noon", "midi", "midnight", "minuit". */
function readTime(text: string): { hour: number; minute: number } | undefined {
  const t = text.trim().toLowerCase();
  if (t === 'noon' || t === 'midi') return { hour: 12, minute: 0 };
  if (t === 'midnight' || t === 'minuit') return { hour: 24, minute: 0 };
  const m = /^(\d{1,2})(?:(?::|h)(\d{2})?)?\s*(am|pm)?$/.exec(t);
  if (!m?.[1] || (!m[3] && !/[:h]/.test(t))) return undefined;
  let hour = Number(m[1]);
  const minute = m[2] ? Number(m[2]) : 0;
  if (m[3] === 'pm' && hour < 12) hour += 12;
  if (m[3] === 'am' && hour === 12) hour = 0;
  return hour <= 24 && minute < 60 ? { hour, minute } : undefined;
}

const FILLERS = new Set(['at', 'à', 'a', 'vers', 'around', 'the', 'le', 'la', 'this', 'ce', 'cette', 'next', 'prochain', 'prochaine', 'end', 'of', 'fin', 'de', 'du', 'on']);

type Until = Omit<Extract<Duration, { kind: 'until' }>, 'text' | 'kind'>;

/** Reads the end point after "until" / "jusqu'à" as far as it goes; `used` is how many words it took. */
function readUntil(phrase: string): { until: Until; used: number } | undefined {
  const tokens = phrase.split(' ');
  let day: Until['day'];
  let time: { hour: number; minute: number } | undefined;
  let used = 0;
  for (let i = 0; i < tokens.length; i++) {
    const token = (tokens[i] ?? '').toLowerCase().replace(/[.!?]+$/, '');
    const next = tokens[i + 1]?.toLowerCase();
    if (FILLERS.has(token)) continue;
    if (token in WEEKDAYS && !day) day = { weekday: WEEKDAYS[token] ?? 0 };
    else if ((token === 'tomorrow' || token === 'demain') && !day) day = { inDays: 1 };
    else if (['today', "aujourd'hui", 'tonight', 'soir', 'day', 'journée', 'journee'].includes(token) && !day) {
      day = { inDays: 0 };
      if ((token === 'tonight' || token === 'soir') && !time) time = { hour: 20, minute: 0 };
    } else if (/^\d{4}-\d{2}-\d{2}$/.test(token) && !day) {
      const [y, mo, d] = token.split('-').map(Number);
      if (!y || !mo || !d) break;
      day = { date: { year: y, month: mo, day: d } };
    } else if (/^\d{1,2}\/\d{1,2}(?:\/\d{4})?$/.test(token) && !day) {
      // Day first, as in France and most of Europe; write month-first dates in ISO (2025-06-30) instead.
      const [d, mo, y] = token.split('/').map(Number);
      if (!d || !mo) break;
      day = { date: { ...(y ? { year: y } : {}), month: mo, day: d } };
    } else if (next && (next === 'am' || next === 'pm') && readTime(`${token}${next}`) && !time) {
      time = readTime(`${token}${next}`);
      i++;
    } else if (readTime(token) && !time) time = readTime(token);
    else if ((token === 'eod' || token === 'cob') && !time) {
      day ??= { inDays: 0 };
      time = { hour: 18, minute: 0 };
    } else break;
    used = i + 1;
  }
  if ((!day && !time) || (day && 'date' in day && (day.date.month > 12 || day.date.day > 31))) return undefined;
  return { until: { ...(day ? { day } : {}), ...(time ? { time } : {}) }, used };
}

/** Finds a duration phrase in `text`; returns it and the text without it. */
export function extractDuration(text: string): { rest: string; duration?: Duration } {
  const forMatch = FOR_PHRASE.exec(text);
  if (forMatch?.[1] && forMatch[2]) {
    const word = forMatch[1].toLowerCase();
    const amount = /^\d+$/.test(word) ? Number(word) : (NUMBER_WORDS[word] ?? 0);
    const unit = UNITS.find(([pattern]) => pattern.test(forMatch[2] ?? ''))?.[1];
    const phrase = forMatch[0].trim();
    const rest = cut(text, forMatch.index, forMatch[0].length);
    if (!unit || amount <= 0) return { rest, duration: { kind: 'unreadable', text: phrase } };
    return { rest, duration: { kind: 'for', amount, unit, text: phrase } };
  }
  const untilMatch = UNTIL_PHRASE.exec(text);
  if (untilMatch?.[1] && untilMatch[2]) {
    const read = readUntil(untilMatch[2]);
    if (!read) return { rest: cut(text, untilMatch.index, untilMatch[0].length), duration: { kind: 'unreadable', text: untilMatch[0].trim() } };
    const words = untilMatch[2].split(' ');
    const phrase = `${untilMatch[1]} ${words.slice(0, read.used).join(' ')}`.trim();
    const remainder = words.slice(read.used).join(' ');
    const rest = `${text.slice(0, untilMatch.index)} ${remainder} ${text.slice(untilMatch.index + untilMatch[0].length)}`.replace(/\s+/g, ' ').trim();
    return { rest, duration: { kind: 'until', ...read.until, text: phrase } };
  }
  return { rest: text };
}

const cut = (text: string, index: number, length: number): string => `${text.slice(0, index)} ${text.slice(index + length)}`.replace(/\s+/g, ' ').trim();

/**
 * When access should end, as an instant. `utcOffsetMinutes` is the user's offset (Teams sends it with each message),
 * so "until Friday 18:00" means 18:00 where the user is. A day without a time means the end of that day.
 * undefined when the end is not in the future or is more than a year away.
 */
export function endOf(duration: Duration, now: Date, utcOffsetMinutes = 0): Date | undefined {
  if (duration.kind === 'unreadable') return undefined;
  if (duration.kind === 'for') {
    const end = new Date(now.getTime() + duration.amount * UNIT_MS[duration.unit]);
    return plausible(end, now);
  }
  const offsetMs = utcOffsetMinutes * 60_000;
  const local = new Date(now.getTime() + offsetMs); // read with getUTC* as the user's wall clock
  const hour = duration.time?.hour ?? 24;
  const minute = duration.time?.minute ?? 0;
  const at = (year: number, month: number, day: number): Date => new Date(Date.UTC(year, month, day, hour, minute) - offsetMs);
  const y = local.getUTCFullYear();
  const mo = local.getUTCMonth();
  const d = local.getUTCDate();
  const day = duration.day;
  let end: Date;
  if (!day) {
    end = at(y, mo, d);
    if (end <= now) end = at(y, mo, d + 1);
  } else if ('inDays' in day) end = at(y, mo, d + day.inDays);
  else if ('weekday' in day) {
    let ahead = (day.weekday - local.getUTCDay() + 7) % 7;
    if (ahead === 0 && at(y, mo, d) <= now) ahead = 7;
    end = at(y, mo, d + ahead);
  } else {
    end = at(day.date.year ?? y, day.date.month - 1, day.date.day);
    if (day.date.year === undefined && end <= now) end = at(y + 1, day.date.month - 1, day.date.day);
  }
  return plausible(end, now);
}

const plausible = (end: Date, now: Date): Date | undefined =>
  end.getTime() > now.getTime() && end.getTime() - now.getTime() <= 366 * UNIT_MS.day ? end : undefined;
