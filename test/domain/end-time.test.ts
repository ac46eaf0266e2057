// When access ends, in the requester's own time zone: wall-clock ends stay on the wall clock across daylight-saving changes.
import { endOf } from '../../src/domain/end-time';
import { parseMessage } from '../../src/domain/parse-request';

const durationIn = (text: string) => {
  const parsed = parseMessage(`give Alice Reader on Contoso prod ${text}`);
  if (parsed.kind !== 'grant' || !parsed.duration) throw new Error(`no duration in ${text}`);
  return parsed.duration;
};

describe('end times in the user\'s time zone', () => {
  // The reviewer's reproduction: Paris is on summer time (UTC+2) on Wednesday, on winter time (UTC+1) from Sunday 25 Oct.
  it('when "until Monday 18:00" is sent from Paris on Wednesday 21 Oct 2026, then access ends at 18:00 Paris time, 17:00Z', () => {
    const end = endOf(durationIn('until Monday 18:00'), new Date('2026-10-21T10:00:00Z'), { timeZone: 'Europe/Paris', utcOffsetMinutes: 120 });
    expect(end?.toISOString()).toBe('2026-10-26T17:00:00.000Z');
  });

  it.each([
    // [sent at (UTC), zone, phrase, end (UTC)]
    ['2026-11-25T09:00:00Z', 'Europe/Paris', 'until 2027-03-29 18:00', '2027-03-29T16:00:00.000Z'], // winter → summer
    ['2026-03-25T12:00:00Z', 'America/New_York', 'until Monday 9am', '2026-03-30T13:00:00.000Z'],
    ['2026-10-30T12:00:00Z', 'America/New_York', 'until Monday 9am', '2026-11-02T14:00:00.000Z'], // US ends summer time on 1 Nov
    ['2026-10-24T20:00:00Z', 'Europe/Paris', 'until tomorrow', '2026-10-25T23:00:00.000Z'], // end of a 25-hour day
    ['2026-03-28T20:00:00Z', 'Europe/Paris', 'until tomorrow', '2026-03-29T22:00:00.000Z'], // end of a 23-hour day
    ['2026-03-28T12:00:00Z', 'Europe/Paris', 'until tomorrow 02:30', '2026-03-29T00:30:00.000Z'], // 02:30 does not exist that night: the earlier reading
    ['2026-10-24T12:00:00Z', 'Europe/Paris', 'until tomorrow 02:30', '2026-10-25T00:30:00.000Z'], // 02:30 happens twice: the first
    ['2026-06-01T22:30:00Z', 'Asia/Tokyo', 'until today 18:00', '2026-06-02T09:00:00.000Z'], // already Tuesday in Tokyo
    ['2026-06-01T10:00:00Z', 'Asia/Kolkata', 'until 18:00', '2026-06-01T12:30:00.000Z'],
    ['2026-06-01T10:00:00Z', 'Europe/Paris', 'until 2026-06-01T18:00Z', '2026-06-01T18:00:00.000Z'], // an explicit offset wins
  ])('when sent at %s from %s, then "%s" ends at %s', (sent, timeZone, phrase, expected) => {
    expect(endOf(durationIn(phrase), new Date(sent), { timeZone })?.toISOString()).toBe(expected);
  });

  it('when Teams sent no time zone, then the offset of the message is used, and UTC without one', () => {
    expect(endOf(durationIn('until 18:00'), new Date('2026-06-01T10:00:00Z'), { utcOffsetMinutes: 120 })?.toISOString()).toBe('2026-06-01T16:00:00.000Z');
    expect(endOf(durationIn('until 18:00'), new Date('2026-06-01T10:00:00Z'), {})?.toISOString()).toBe('2026-06-01T18:00:00.000Z');
  });

  it('when a length is asked for, then it is counted from now whatever the zone', () => {
    expect(endOf(durationIn('for eleven hours'), new Date('2026-10-24T20:00:00Z'), { timeZone: 'Europe/Paris' })?.toISOString()).toBe('2026-10-25T07:00:00.000Z');
  });

  it('when the end is past or more than a year away, then there is none (the bot asks back)', () => {
    expect(endOf(durationIn('until 2026-06-01 09:00'), new Date('2026-06-01T10:00:00Z'), { timeZone: 'Europe/Paris' })).toBeUndefined();
    expect(endOf(durationIn('until 2028-06-01'), new Date('2026-06-01T10:00:00Z'), { timeZone: 'Europe/Paris' })).toBeUndefined();
  });
});
