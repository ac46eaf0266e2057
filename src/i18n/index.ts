// Picks the words for a locale.
import type { Locale } from '../domain/access-request';
import { en, type Messages } from './en';
import { fr } from './fr';

export type { Messages };
export const messagesFor = (locale: Locale): Messages => (locale === 'fr' ? fr : en);

/** A Teams locale such as "fr-FR" or "en-US" → the bot's locale. */
export const localeOf = (teamsLocale: string | undefined): Locale => (teamsLocale?.toLowerCase().startsWith('fr') ? 'fr' : 'en');

/** The usual way each language writes dates when the viewer's own tag is not known. */
const DEFAULT_TAG: Record<Locale, string> = { en: 'en-GB', fr: 'fr-FR' };

/** Formatters made once per language tag, zone and style: building one costs more than a turn's other formatting. */
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Tags and zones come from users' activities: the cache is bounded (cleared when full, then refilled by use). */
const MAX_FORMATTERS = 500;

function formatter(tag: string, options: Intl.DateTimeFormatOptions & { timeZone: string }, style: string): Intl.DateTimeFormat {
  const key = `${style}|${tag}|${options.timeZone}`;
  let made = formatters.get(key);
  if (!made) {
    // Throws (RangeError) for a tag or zone Intl does not know: nothing is cached then.
    made = new Intl.DateTimeFormat(tag, options);
    if (formatters.size >= MAX_FORMATTERS) formatters.clear();
    formatters.set(key, made);
  }
  return made;
}

const END: Intl.DateTimeFormatOptions = { weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit' };
const WHEN: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'long', year: 'numeric', hour: 'numeric', minute: '2-digit', timeZoneName: 'short' };

/**
 * An instant as the viewer reads dates, in the time zone the request was made in, named after it:
 * "Monday, 29 March 2027 at 18:00 (Europe/Paris)", « lundi 29 mars 2027 à 18:00 (Europe/Paris) »; UTC when no zone is known.
 */
export function formatEnd(at: Date, locale: Locale, timeZone?: string, languageTag?: string): string {
  const zone = timeZone ?? 'UTC';
  let written: string;
  try {
    written = formatter(languageTag ?? DEFAULT_TAG[locale], { ...END, timeZone: zone }, 'end').format(at);
  } catch {
    written = formatter(DEFAULT_TAG[locale], { ...END, timeZone: 'UTC' }, 'end').format(at);
    return `${written} (UTC)`;
  }
  return `${written} (${zone})`;
}

/**
 * When something happened, for a line in a list: the date and time as the viewer reads them, in `timeZone` (UTC when
 * none is known or Intl does not know it), with the zone's short name: "21 October 2026 at 16:05 CEST",
 * « 21 octobre 2026 à 16:05 UTC+2 ».
 */
export function formatWhen(at: Date, locale: Locale, timeZone?: string, languageTag?: string): string {
  const write = (tag: string, zone: string): string => formatter(tag, { ...WHEN, timeZone: zone }, 'when').format(at);
  try {
    return write(languageTag ?? DEFAULT_TAG[locale], timeZone ?? 'UTC');
  } catch {
    return write(DEFAULT_TAG[locale], 'UTC');
  }
}
