// When access ends, as an instant: a length counts from now; an end on the wall clock ("until Monday 18:00") is read
// in the user's own time zone (Teams' localTimezone) and stays on the wall clock across daylight-saving changes.
import type { Duration, DurationUnit } from './durations';

/** Where the user is, as Teams says it with each message. */
export interface UserClock {
  /** IANA zone ("Europe/Paris", Teams' localTimezone): the only way to know the offset on another day. */
  readonly timeZone?: string;
  /** The message's own offset from UTC (its localTimestamp), used when no zone was sent; UTC when neither was. */
  readonly utcOffsetMinutes?: number;
  /**
   * How the user writes a date in numbers (from their Teams language: en-US month first, fr and en-GB day first);
   * absent when their language does not settle it. "12/5" is then read only when one reading alone is a date.
   */
  readonly dateOrder?: 'day-first' | 'month-first';
}

/** Why no end could be given: not a limit we can place, a day or month we cannot tell, a date already passed. */
export type NoEnd = 'unreadable' | 'day_or_month' | 'past';

const UNIT_MS: Record<DurationUnit, number> = { minute: 60_000, hour: 3_600_000, day: 86_400_000, week: 604_800_000 };
const DAY_MS = UNIT_MS.day;

/** A time zone as far as ends need it: its offset from UTC, in minutes, at an instant. */
type OffsetAt = (instant: number) => number;

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Intl's formatter for `timeZone`, or undefined when the name is not a zone Intl knows. */
function formatterFor(timeZone: string): Intl.DateTimeFormat | undefined {
  const known = formatters.get(timeZone);
  if (known) return known;
  try {
    const created = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    if (formatters.size > 500) formatters.clear();
    formatters.set(timeZone, created);
    return created;
  } catch {
    return undefined;
  }
}

/** Whether `timeZone` is an IANA zone this runtime knows (Teams' value is checked before it is used or stored). */
export const isTimeZone = (timeZone: string): boolean => formatterFor(timeZone) !== undefined;

function zoneOffsets(formatter: Intl.DateTimeFormat): OffsetAt {
  return (instant) => {
    const parts: Record<string, number> = {};
    for (const part of formatter.formatToParts(new Date(instant))) if (part.type !== 'literal') parts[part.type] = Number(part.value);
    const wall = Date.UTC(parts.year ?? 1970, (parts.month ?? 1) - 1, parts.day ?? 1, parts.hour ?? 0, parts.minute ?? 0, parts.second ?? 0);
    return Math.round((wall - Math.floor(instant / 1000) * 1000) / 60_000);
  };
}

/**
 * The instant at which the wall clock reads `wall` (a wall time written as if it were UTC). A time that happens twice
 * (the hour repeated when summer time ends) is its first occurrence; a time that does not exist (the hour skipped when
 * it starts) is read with the earlier offset. Either way the end is never later than what was asked.
 */
function instantOf(wall: number, offsetAt: OffsetAt): number {
  const candidates = [...new Set([wall - DAY_MS, wall, wall + DAY_MS].map((probe) => wall - offsetAt(probe) * 60_000))].sort((a, b) => a - b);
  return candidates.find((instant) => instant + offsetAt(instant) * 60_000 === wall) ?? candidates[0] ?? wall;
}

/**
 * When access should end, as an instant; undefined when the end is not in the future or is more than a year away (the
 * bot then asks back). A day without a time means the end of that day, on the user's wall clock.
 */
export function endOf(duration: Duration, now: Date, clock: UserClock = {}): Date | undefined {
  const read = endReading(duration, now, clock);
  return read instanceof Date ? read : undefined;
}

/** The calendar date of "12/5" for this user, or why it cannot be told. */
function numericDate(numeric: { readonly first: number; readonly second: number; readonly year?: number }, order: UserClock['dateOrder']): { year?: number; month: number; day: number } | 'day_or_month' {
  const { first, second, year } = numeric;
  const dayFirst = { ...(year ? { year } : {}), month: second, day: first };
  const monthFirst = { ...(year ? { year } : {}), month: first, day: second };
  const valid = (d: { month: number; day: number }): boolean => d.month <= 12 && d.day <= 31;
  if (order) {
    const reading = order === 'day-first' ? dayFirst : monthFirst;
    // "5/13" from someone who writes the day first is not a date they wrote: asked, not turned around.
    return valid(reading) ? reading : 'day_or_month';
  }
  if (first === second) return dayFirst;
  if (valid(dayFirst) && valid(monthFirst)) return 'day_or_month';
  return valid(dayFirst) ? dayFirst : monthFirst;
}

/** A date without a year whose day this year passed this long ago or less is asked back, not moved to next year. */
const RECENTLY_PASSED_MS = 183 * DAY_MS;

/** endOf, saying why when there is no end. */
export function endReading(duration: Duration, now: Date, clock: UserClock = {}): Date | NoEnd {
  if (duration.kind === 'unreadable') return 'unreadable';
  if (duration.kind === 'for') return plausible(new Date(now.getTime() + duration.amount * UNIT_MS[duration.unit]), now) ?? 'unreadable';
  const formatter = duration.utcOffsetMinutes === undefined && clock.timeZone ? formatterFor(clock.timeZone) : undefined;
  const fixed = duration.utcOffsetMinutes ?? clock.utcOffsetMinutes ?? 0;
  const offsetAt: OffsetAt = formatter ? zoneOffsets(formatter) : () => fixed;
  // The user's wall clock now, read with getUTC*.
  const local = new Date(now.getTime() + offsetAt(now.getTime()) * 60_000);
  const hour = duration.time?.hour ?? 24;
  const minute = duration.time?.minute ?? 0;
  const at = (year: number, month: number, day: number): Date => new Date(instantOf(Date.UTC(year, month, day, hour, minute), offsetAt));
  const y = local.getUTCFullYear();
  const mo = local.getUTCMonth();
  const d = local.getUTCDate();
  const written = duration.day;
  const calendar = written && 'numeric' in written ? numericDate(written.numeric, clock.dateOrder) : undefined;
  if (calendar === 'day_or_month') return 'day_or_month';
  const day = calendar ? { date: calendar } : written;
  let end: Date;
  if (!day) {
    end = at(y, mo, d);
    if (end <= now) end = at(y, mo, d + 1);
  } else if ('inDays' in day) end = at(y, mo, d + day.inDays);
  else if ('weekday' in day) {
    let ahead = (day.weekday - local.getUTCDay() + 7) % 7;
    if (ahead === 0 && at(y, mo, d) <= now) ahead = 7;
    end = at(y, mo, d + ahead);
  } else if ('date' in day) {
    end = at(day.date.year ?? y, day.date.month - 1, day.date.day);
    // "until November 24" written on the 25th is a slip or a question, not a year of access.
    if (day.date.year === undefined && end <= now) {
      if (now.getTime() - end.getTime() <= RECENTLY_PASSED_MS) return 'past';
      end = at(y + 1, day.date.month - 1, day.date.day);
    }
  } else return 'day_or_month';
  return plausible(end, now) ?? 'unreadable';
}

const plausible = (end: Date, now: Date): Date | undefined => (end.getTime() > now.getTime() && end.getTime() - now.getTime() <= 366 * DAY_MS ? end : undefined);
