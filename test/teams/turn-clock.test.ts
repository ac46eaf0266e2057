// The viewer's clock and language tag as read from a Teams activity: only what Intl knows is used.
import type { Activity } from 'botbuilder';
import { clockOf, languageTagOf } from '../../src/teams/turn-clock';

/** As Teams posts them: localTimestamp is a string on the wire. */
const activity = (fields: Record<string, string>): Partial<Activity> => fields as Partial<Activity>;

describe('turn clock', () => {
  it('when Teams sends a language tag Intl knows, then cards write dates that way, the second time as the first', () => {
    expect(languageTagOf({ locale: 'fr-CA' })).toEqual({ languageTag: 'fr-CA' });
    expect(languageTagOf({ locale: 'fr-CA' })).toEqual({ languageTag: 'fr-CA' });
  });

  it('when the tag is malformed, overlong or absent, then no tag is used, however often it comes', () => {
    for (let i = 0; i < 2; i++) {
      expect(languageTagOf({ locale: 'not a tag!' })).toEqual({});
      expect(languageTagOf({ locale: `en-${'x'.repeat(40)}` })).toEqual({});
      expect(languageTagOf({})).toEqual({});
    }
  });

  it('when many different tags arrive, then each is still answered right (the cache starts over past its cap)', () => {
    for (let i = 0; i < 600; i++) expect(languageTagOf({ locale: `x-bad${i}!` })).toEqual({});
    expect(languageTagOf({ locale: 'en-US' })).toEqual({ languageTag: 'en-US' });
  });

  it('when Teams sends a zone and an offset, then the zone is kept only if Intl knows it', () => {
    expect(clockOf(activity({ localTimezone: 'Europe/Paris', localTimestamp: '2026-12-02T10:00:00+01:00' }))).toEqual({ timeZone: 'Europe/Paris', utcOffsetMinutes: 60 });
    expect(clockOf(activity({ localTimezone: 'Mars/Olympus', localTimestamp: '2026-12-02T10:00:00-05:30' }))).toEqual({ utcOffsetMinutes: -330 });
  });

  it('when Teams sends the language tag, then numeric dates are read as people there write them, and not at all where the tag does not settle it', () => {
    expect(clockOf(activity({ locale: 'en-US' }))).toEqual({ dateOrder: 'month-first' });
    expect(clockOf(activity({ locale: 'en-GB' }))).toEqual({ dateOrder: 'day-first' });
    expect(clockOf(activity({ locale: 'fr-FR' }))).toEqual({ dateOrder: 'day-first' });
    expect(clockOf(activity({ locale: 'en-CA' }))).toEqual({});
    expect(clockOf(activity({ locale: 'ja-JP' }))).toEqual({});
    expect(clockOf(activity({ locale: 'not a tag!' }))).toEqual({});
  });
});
