// Where and how a person reads dates, from their activity: time zone and offset, and a language tag Intl knows.
import type { Activity } from 'botbuilder';
import { isTimeZone, type UserClock } from '../domain/end-time';

/**
 * Where the user is: Teams' localTimezone (IANA, checked against what Intl knows) and the message's own offset from
 * its local timestamp ("…+02:00"). The zone is what makes "until Monday 18:00" right across a daylight-saving change.
 */
export function clockOf(activity: Partial<Activity>): UserClock {
  const { localTimestamp, localTimezone } = activity as { localTimestamp?: unknown; localTimezone?: unknown };
  const match = /([+-])(\d{2}):?(\d{2})$/.exec(String(localTimestamp ?? ''));
  const timeZone = typeof localTimezone === 'string' && localTimezone.length <= 64 && isTimeZone(localTimezone) ? localTimezone : undefined;
  const { languageTag } = languageTagOf(activity);
  const dateOrder = languageTag ? dateOrderOf(languageTag) : undefined;
  return {
    ...(match ? { utcOffsetMinutes: (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) } : {}),
    ...(timeZone ? { timeZone } : {}),
    ...(dateOrder ? { dateOrder } : {}),
  };
}

const dateOrders = new Map<string, UserClock['dateOrder'] | null>();

/**
 * How people with this language tag write a date in numbers, as Intl writes one: en-US month first, fr-FR and en-GB
 * day first; a year-first tag (en-CA, ja, sv) does not settle "12/5", so none. Asked once per tag (bounded as above).
 */
function dateOrderOf(tag: string): UserClock['dateOrder'] {
  let order = dateOrders.get(tag);
  if (order === undefined) {
    const parts = new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'numeric', day: 'numeric', timeZone: 'UTC' }).formatToParts(new Date(Date.UTC(2026, 11, 5)));
    const at = (type: string): number => parts.findIndex((p) => p.type === type);
    const [year, month, day] = [at('year'), at('month'), at('day')];
    order = year < month && year < day ? null : day < month ? 'day-first' : 'month-first';
    if (dateOrders.size >= KNOWN_TAGS_CAP) dateOrders.clear();
    dateOrders.set(tag, order);
  }
  return order ?? undefined;
}

/**
 * Whether Intl knows each language tag seen: asking costs a locale lookup on every turn (1.5 % of a give turn in a
 * profile), and a partner's users send a handful of tags, so each is asked once. Bounded, since the tag is the
 * sender's to choose: past the cap the cache starts over.
 */
const knownTags = new Map<string, boolean>();
const KNOWN_TAGS_CAP = 500;

/** The viewer's own language tag ("en-US", "fr-CA") for dates on their card, when Teams sent one Intl knows. */
export function languageTagOf(activity: Partial<Activity>): { languageTag?: string } {
  const tag = activity.locale;
  if (!tag || tag.length > 35) return {};
  let known = knownTags.get(tag);
  if (known === undefined) {
    try {
      known = Intl.DateTimeFormat.supportedLocalesOf([tag]).length === 1;
    } catch {
      known = false;
    }
    if (knownTags.size >= KNOWN_TAGS_CAP) knownTags.clear();
    knownTags.set(tag, known);
  }
  return known ? { languageTag: tag } : {};
}
