// Reading how long access should last ("for eleven hours", "pour 1h30", "until Monday 18:00", "jusqu'à vendredi 18 h", "PT8H").
// Read fully or not at all: a limit the words only half say is returned as 'unreadable', so the bot asks back.
import {
  ARTICLE_ONE, clock, FOR_MARKERS, isPlainUnit, MONTHS, readIsoDuration, readNumber, readTimeToken, tokenize, unitOf, UNTIL_MARKERS, VAGUE, WEEKDAYS,
  type TimeUnit, type Token,
} from './duration-words';

export type DurationUnit = 'minute' | 'hour' | 'day' | 'week';

export type Duration =
  /** A length of time from when the role is granted. */
  | { readonly kind: 'for'; readonly amount: number; readonly unit: DurationUnit; readonly text: string }
  /** An end point; `day` is a weekday (0 = Sunday), a relative day, or a calendar date; `time` is hours and minutes. */
  | {
      readonly kind: 'until';
      readonly day?:
        | { readonly weekday: number }
        | { readonly inDays: number }
        | { readonly date: { readonly year?: number; readonly month: number; readonly day: number } }
        /** "12/5": day/month or month/day, read by the writer's own way of writing dates (see end-time's UserClock). */
        | { readonly numeric: { readonly first: number; readonly second: number; readonly year?: number } };
      readonly time?: { readonly hour: number; readonly minute: number };
      /** An offset written with the time ("2026-10-26T18:00Z", "…+02:00"); without one the time is the user's own. */
      readonly utcOffsetMinutes?: number;
      readonly text: string;
    }
  /** Words that state a limit we cannot read exactly: better to ask than to guess, and never to drop it. */
  | { readonly kind: 'unreadable'; readonly text: string };

type Until = Omit<Extract<Duration, { kind: 'until' }>, 'text' | 'kind'>;

const UNIT_MINUTES: Record<Exclude<TimeUnit, 'month' | 'year'>, number> = { minute: 1, hour: 60, day: 1440, week: 10080, fortnight: 20160 };

/** A length read from the words: in minutes, and as written when it was one whole number of one unit. */
interface Length {
  readonly minutes: number;
  readonly single?: { readonly amount: number; readonly unit: DurationUnit };
  readonly next: number;
}
type Read<T> = T | 'unreadable' | undefined;

const w = (tokens: readonly Token[], i: number): string => tokens[i]?.word ?? '';

/** Minutes of `amount` `unit`; 'unreadable' for months, years and fractions of a minute. */
function lengthOf(amount: number, unit: TimeUnit, next: number, whole: boolean): Read<Length> {
  if (unit === 'month' || unit === 'year') return 'unreadable';
  const minutes = amount * UNIT_MINUTES[unit];
  if (!Number.isInteger(minutes) || minutes <= 0) return 'unreadable';
  const single = whole && Number.isInteger(amount) ? { amount: unit === 'fortnight' ? amount * 2 : amount, unit: unit === 'fortnight' ? 'week' : unit } : undefined;
  return { minutes, ...(single ? { single } : {}), next };
}

/** Words allowed between a number and its unit: "the next 8 hours", "8 more hours", "les 8 prochaines heures". */
const BETWEEN = new Set(['more', 'additional', 'extra', 'next', 'prochaines', 'prochains', 'supplementaires']);

/** One "amount unit" part at tokens[i]: "eleven hours", "1h30", "PT8H", "half an hour", "une douzaine d'heures". */
function readPart(tokens: readonly Token[], i: number): Read<Length> {
  const first = w(tokens, i);
  const iso = readIsoDuration(first);
  if (iso === 'calendar') return 'unreadable';
  if (iso !== undefined) return lengthOf(iso, 'minute', i + 1, false);
  const hm = /^(\d{1,3})h(\d{2})(?:m|min)?$/.exec(first);
  if (hm) return lengthOf(Number(hm[1]) * 60 + Number(hm[2]), 'minute', i + 1, false);
  const compact = /^(\d{1,4}(?:[.,]\d{1,2})?)([a-z]+)$/.exec(first);
  const compactUnit = compact?.[2] ? unitOf(compact[2]) : undefined;
  if (compact && compactUnit) return withMinutesAfter(tokens, lengthOf(Number((compact[1] ?? '').replace(',', '.')), compactUnit, i + 1, true), compactUnit);

  let j = ARTICLE_ONE.has(first) ? i + 1 : i;
  // "half an hour", "a half hour", "une demi-heure", "a quarter of an hour", "un quart d'heure"
  const fraction = { half: 0.5, demi: 0.5, demie: 0.5, quarter: 0.25, quart: 0.25 }[w(tokens, j)];
  if (fraction !== undefined) {
    j++;
    if (w(tokens, j) === 'of' || w(tokens, j) === 'de') j++;
    if (ARTICLE_ONE.has(w(tokens, j))) j++;
    const unit = unitOf(w(tokens, j));
    return unit ? lengthOf(fraction, unit, j + 1, false) : undefined;
  }
  // "a dozen hours", "une douzaine d'heures", "a couple of hours"
  const group = { dozen: 12, douzaine: 12, couple: 2 }[w(tokens, j)];
  if (group !== undefined) {
    j++;
    if (w(tokens, j) === 'of' || w(tokens, j) === 'de') j++;
    const unit = unitOf(w(tokens, j));
    return unit ? lengthOf(group, unit, j + 1, true) : undefined;
  }

  const number = readNumber(tokens, i);
  if (!number) return undefined;
  let amount = number.value;
  j = i + number.used;
  // "two and a half hours"
  if (w(tokens, j) === 'and' && w(tokens, j + 1) === 'a' && w(tokens, j + 2) === 'half') {
    amount += 0.5;
    j += 3;
  }
  while (BETWEEN.has(w(tokens, j)) && !unitOf(w(tokens, j))) j++;
  const unit = unitOf(w(tokens, j));
  if (!unit) return undefined;
  j++;
  // "an hour and a half", "une heure et demie"
  if (w(tokens, j) === 'and' && w(tokens, j + 1) === 'a' && w(tokens, j + 2) === 'half') return lengthOf(amount + 0.5, unit, j + 3, false);
  if (w(tokens, j) === 'et' && (w(tokens, j + 1) === 'demie' || w(tokens, j + 1) === 'demi')) return lengthOf(amount + 0.5, unit, j + 2, false);
  return withMinutesAfter(tokens, lengthOf(amount, unit, j, amount === number.value), unit);
}

/** "2 heures 30", "1 h 30": minutes written after hours without their unit. */
function withMinutesAfter(tokens: readonly Token[], length: Read<Length>, unit: TimeUnit): Read<Length> {
  if (unit !== 'hour' || length === undefined || length === 'unreadable') return length;
  const minutes = /^\d{2}$/.exec(w(tokens, length.next)) ? Number(w(tokens, length.next)) : undefined;
  if (minutes === undefined || minutes >= 60 || unitOf(w(tokens, length.next + 1))) return length;
  return { minutes: length.minutes + minutes, next: length.next + 1 };
}

/** A length, possibly in several parts ("1 day and 6 hours", "2 hours 30 minutes"). */
function readLength(tokens: readonly Token[], i: number): Read<Length> {
  const first = readPart(tokens, i);
  if (first === undefined || first === 'unreadable') return first;
  let total = first;
  for (;;) {
    const joined = w(tokens, total.next) === 'and' || w(tokens, total.next) === 'et' ? total.next + 1 : total.next;
    const more = readPart(tokens, joined);
    if (more === 'unreadable') return more;
    if (!more) return total;
    total = { minutes: total.minutes + more.minutes, next: more.next };
  }
}

/** Words after "for" that only frame the length: "the next", "up to", "at most", "au plus", "another". */
const LEADS = new Set(['the', 'next', 'les', 'up', 'to', 'at', 'most', 'au', 'plus', 'maximum', 'max', 'tout', 'another', 'a', 'total', 'of']);

function readFor(tokens: readonly Token[], marker: number): Read<Length> {
  let i = marker + 1;
  // Lead words are skipped only when a length follows them ("for a week" keeps its "a").
  while (LEADS.has(w(tokens, i)) && readPart(tokens, i) === undefined) i++;
  const length = readLength(tokens, i);
  if (length === undefined || length === 'unreadable') return length;
  return trailsOff(tokens, length.next) ? 'unreadable' : length;
}

const RELATIVE_DAYS: Readonly<Record<string, number>> = { today: 0, "aujourd'hui": 0, tonight: 0, soir: 0, day: 0, journee: 0, tomorrow: 1, demain: 1 };
const UNTIL_FILLERS = new Set(['at', 'a', 'vers', 'the', 'le', 'la', 'this', 'ce', 'cette', 'next', 'prochain', 'prochaine', 'end', 'of', 'fin', 'de', 'du', 'on', 'au']);

/** The end point after "until" / "jusqu'à", as far as it goes; `next` is the first token not read. */
function readUntil(tokens: readonly Token[], marker: number): { until: Until; next: number } | undefined {
  let day: Until['day'];
  let time: { hour: number; minute: number } | undefined;
  let utcOffsetMinutes: number | undefined;
  let next = marker + 1;
  const setDate = (year: number | undefined, month: number, d: number): boolean => {
    if (day || month < 1 || month > 12 || d < 1 || d > 31) return false;
    day = { date: { ...(year ? { year } : {}), month, day: d } };
    return true;
  };
  for (let i = marker + 1; i < tokens.length; i++) {
    const t = w(tokens, i);
    const after = w(tokens, i + 1);
    let used = 1;
    const dayNumber = /^(\d{1,2})(?:st|nd|rd|th|er)?$/.exec(t);
    const iso = /^(\d{4})-(\d{2})-(\d{2})(?:t(\d{2}):(\d{2})(?::00)?(z|[+-]\d{2}:?\d{2})?)?$/.exec(t);
    if (UNTIL_FILLERS.has(t) && !(t === 'a' && unitOf(after))) continue;
    if (Object.hasOwn(WEEKDAYS, t) && !day) day = { weekday: WEEKDAYS[t] ?? 0 };
    else if (t === 'apres' && after === 'demain' && !day) [day, used] = [{ inDays: 2 }, 2];
    else if (Object.hasOwn(RELATIVE_DAYS, t) && !day) {
      day = { inDays: RELATIVE_DAYS[t] ?? 0 };
      if ((t === 'tonight' || t === 'soir') && !time) time = { hour: 20, minute: 0 };
    } else if (iso && !day) {
      if (!setDate(Number(iso[1]), Number(iso[2]), Number(iso[3]))) return undefined;
      if (iso[4] && iso[5]) time = clock(Number(iso[4]), Number(iso[5]));
      if (iso[6]) utcOffsetMinutes = iso[6] === 'z' ? 0 : offsetMinutes(iso[6]);
    } else if (/^\d{1,2}\/\d{1,2}(?:\/\d{4})?$/.test(t) && !day) {
      // Which number is the day depends on who wrote it (en-US month first, fr and en-GB day first): kept as written.
      const [first = 0, second = 0, year] = t.split('/').map(Number);
      if (first < 1 || second < 1 || (first > 12 && second > 12) || first > 31 || second > 31) return undefined;
      day = { numeric: { first, second, ...(year ? { year } : {}) } };
    } else if (dayNumber && Object.hasOwn(MONTHS, after) && !day) {
      const year = /^\d{4}$/.test(w(tokens, i + 2)) ? Number(w(tokens, i + 2)) : undefined;
      if (!setDate(year, MONTHS[after] ?? 0, Number(dayNumber[1]))) return undefined;
      used = year ? 3 : 2;
    } else if (Object.hasOwn(MONTHS, t) && /^\d{1,2}(?:st|nd|rd|th)?$/.test(after) && !day) {
      const year = /^\d{4}$/.test(w(tokens, i + 2)) ? Number(w(tokens, i + 2)) : undefined;
      if (!setDate(year, MONTHS[t] ?? 0, Number(/^\d+/.exec(after)?.[0]))) return undefined;
      used = year ? 3 : 2;
    } else if (!time && readSpacedTime(tokens, i)) {
      const spaced = readSpacedTime(tokens, i);
      time = spaced?.time;
      used = spaced?.used ?? 1;
    } else if ((t === 'eod' || t === 'cob') && !time) {
      day ??= { inDays: 0 };
      time = { hour: 18, minute: 0 };
    } else break;
    i += used - 1;
    next = i + 1;
  }
  if (!day && !time) return undefined;
  return { until: { ...(day ? { day } : {}), ...(time ? { time } : {}), ...(utcOffsetMinutes !== undefined ? { utcOffsetMinutes } : {}) }, next };
}

const offsetMinutes = (text: string): number => {
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(text);
  return m ? (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3])) : 0;
};

/** "18:00", "6pm", "6 pm", "18 h", "18 h 30", "18 heures", "18 heures 30". */
function readSpacedTime(tokens: readonly Token[], i: number): { time: { hour: number; minute: number }; used: number } | undefined {
  const t = w(tokens, i);
  const one = readTimeToken(t);
  if (one) return { time: one, used: 1 };
  if (!/^\d{1,2}$/.test(t)) return undefined;
  const after = w(tokens, i + 1);
  if (['am', 'pm', 'a.m', 'p.m'].includes(after.replace(/\.$/, ''))) {
    const time = clock(Number(t), 0, after.replace(/\./g, ''));
    return time ? { time, used: 2 } : undefined;
  }
  if (after !== 'h' && after !== 'heure' && after !== 'heures') return undefined;
  const minutes = /^\d{2}$/.test(w(tokens, i + 2)) ? Number(w(tokens, i + 2)) : undefined;
  const time = clock(Number(t), minutes ?? 0);
  return time ? { time, used: minutes === undefined ? 2 : 3 } : undefined;
}

/** Time words right after what was read: the limit goes on beyond what we understood ("8 hours tomorrow", "Friday 18"). */
const TRAILING = new Set(['and', 'et', 'or', 'ou', 'more', 'plus', 'environ', 'about', 'approximately', 'roughly', 'ish', 'from', 'starting', 'after', 'apres', 'des', 'demain', 'tomorrow', 'today', 'tonight', 'until', 'till', 'jusqu', "jusqu'a", "jusqu'au"]);
function trailsOff(tokens: readonly Token[], i: number): boolean {
  const t = w(tokens, i);
  if (t === '') return false;
  return TRAILING.has(t) || /^\d/.test(t) || (readNumber(tokens, i) !== undefined && !ARTICLE_ONE.has(t)) || unitOf(t) !== undefined || Object.hasOwn(WEEKDAYS, t) || Object.hasOwn(MONTHS, t) || VAGUE.has(t);
}

/** Zones written after an end ("18:00 Paris time", "6pm EST"): the bot reads ends in the user's own zone, so it asks. */
const ZONES = new Set(['utc', 'gmt', 'cet', 'cest', 'wet', 'west', 'eet', 'eest', 'est', 'edt', 'cst', 'cdt', 'mst', 'mdt', 'pst', 'pdt', 'bst', 'ist', 'jst', 'aest', 'local', 'timezone']);
function zoneAfter(tokens: readonly Token[], i: number): boolean {
  return ZONES.has(w(tokens, i)) || [i, i + 1, i + 2].some((k) => w(tokens, k) === 'time' || w(tokens, k) === 'zone');
}

/** Words that may stand between a marker and the words of time: "for the next", "for about", "pour quelques". */
const SOFT = new Set(['the', 'a', 'an', 'le', 'la', 'les', 'un', 'une', 'next', 'about', 'around', 'environ', 'approximately', 'roughly', 'de', 'ces', 'these']);

/**
 * Whether the words at `i` state a time limit we did not read (so the request must not go on without it). Words
 * already read as a limit (`read`) do not count: "for for 8 hours" holds one limit, not a half-read one.
 */
function looksLikeTime(tokens: readonly Token[], i: number, read: ReadonlySet<number> = new Set()): boolean {
  const t = w(tokens, i);
  if (readIsoDuration(t) !== undefined || readTimeToken(t) || /^\d+(?:[.,]\d+)?(?:h|hrs?|mins?|mn)$/.test(t) || /^\d+h\d{2}$/.test(t) || /^\d{4}-\d{2}-\d{2}t/.test(t)) return true;
  if (['temporarily', 'temporary', 'temporairement', 'temporaire', 'provisoirement', 'briefly', 'brievement'].includes(t)) return true;
  const number = readNumber(tokens, i);
  if (number && !ARTICLE_ONE.has(t)) {
    const unit = w(tokens, i + number.used);
    if (unitOf(unit) && !['m', 'd', 'j', 'w'].includes(unit)) return true;
  }
  if (!FOR_MARKERS.has(t) && !isUntilMarker(t)) return false;
  let j = i + 1;
  while (SOFT.has(w(tokens, j))) j++;
  const first = read.has(j) ? '' : w(tokens, j);
  if (/^\d/.test(first) || readTimeToken(first) || Object.hasOwn(WEEKDAYS, first) || Object.hasOwn(RELATIVE_DAYS, first) || VAGUE.has(first)) return true;
  for (let k = i + 1; k <= i + 4 && k < tokens.length; k++) if (!read.has(k) && (isPlainUnit(w(tokens, k)) || VAGUE.has(w(tokens, k)))) return true;
  return false;
}

const isUntilMarker = (t: string): boolean => UNTIL_MARKERS.has(t) || /^jusqu'/.test(t);

/** "jusqu'" / "jusque" written apart from its "à": skip the "à". */
const afterUntilMarker = (tokens: readonly Token[], i: number): number => (/^(?:jusqu'?|jusque)$/.test(w(tokens, i)) && ['a', 'au', 'aux'].includes(w(tokens, i + 1)) ? i + 1 : i);

/** The words from `i` a person would recognise as the limit they wrote (for the question back). */
function phraseFrom(text: string, tokens: readonly Token[], i: number): string {
  const stop = new Set(['on', 'sur', 'in', 'dans', 'chez', 'to', 'because', 'parce', 'car']);
  let end = i;
  while (end + 1 < tokens.length && end - i < 5 && !stop.has(w(tokens, end + 1))) end++;
  return text.slice(tokens[i]?.start ?? 0, tokens[end]?.end ?? text.length).trim();
}

/**
 * Finds the time limit in `text`; returns it and the text without it. Two limits, or one half read, are 'unreadable';
 * so are words of time left outside it ("8 hours" without "for") unless `leftovers` is false: then only a marker
 * followed by words of time ("for a while") counts (in reasons, "the incident at 18:00" is not a limit).
 */
export function extractDuration(text: string, options: { readonly leftovers?: boolean } = {}): { rest: string; duration?: Duration } {
  const tokens = tokenize(text);
  const found: { start: number; end: number; duration: Duration }[] = [];
  const unreadable = (i: number) => ({ rest: text, duration: { kind: 'unreadable' as const, text: phraseFrom(text, tokens, i) } });
  const consumed = new Set<number>();
  for (let i = 0; i < tokens.length; i++) {
    const t = w(tokens, i);
    const start = tokens[i]?.start ?? 0;
    if (FOR_MARKERS.has(t)) {
      const length = readFor(tokens, i);
      if (length === 'unreadable') return unreadable(i);
      if (!length) continue;
      const end = tokens[length.next - 1]?.end ?? text.length;
      const phrase = text.slice(start, end);
      const single = length.single ?? { amount: length.minutes, unit: 'minute' as const };
      found.push({ start, end, duration: { kind: 'for', amount: single.amount, unit: single.unit, text: phrase } });
      for (let k = i; k < length.next; k++) consumed.add(k);
      i = length.next - 1;
    } else if (isUntilMarker(t)) {
      const read = readUntil(tokens, afterUntilMarker(tokens, i));
      const soft = t === 'through' || t === 'thru';
      if (!read || trailsOff(tokens, read.next) || zoneAfter(tokens, read.next)) {
        if (soft && !looksLikeTime(tokens, i)) continue;
        return unreadable(i);
      }
      const end = tokens[read.next - 1]?.end ?? text.length;
      found.push({ start, end, duration: { kind: 'until', ...read.until, text: text.slice(start, end) } });
      for (let k = i; k < read.next; k++) consumed.add(k);
      i = read.next - 1;
    }
  }
  if (found.length > 1) return { rest: text, duration: { kind: 'unreadable', text: found.map((f) => f.duration.text).join(', ') } };
  for (let i = 0; i < tokens.length; i++) {
    const counted = options.leftovers !== false || FOR_MARKERS.has(w(tokens, i)) || isUntilMarker(w(tokens, i));
    if (counted && !consumed.has(i) && looksLikeTime(tokens, i, consumed)) return unreadable(i);
  }
  const [one] = found;
  if (!one) return { rest: text };
  return { rest: `${text.slice(0, one.start)} ${text.slice(one.end)}`.replace(/\s+/g, ' ').trim(), duration: one.duration };
}
