import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { bookingFactsCache, firstBookableDay, type BookableActivity } from '../../src/domain/booking-deadlines.ts';
import { firstOpenWindow } from '../../src/domain/booking-grid.ts';
import { changeWindow, type BookingRule } from '../../src/domain/booking-window.ts';
import { addDays, dayNumber, dayOfNumber } from '../../src/domain/calendar/calendar-day.ts';
import { communeCalendar, dayStatus } from '../../src/domain/calendar/closed-days.ts';
import { parisDay } from '../../src/domain/calendar/paris-time.ts';
import { parseSchoolHolidays } from '../../src/domain/calendar/school-holidays.ts';

const data = parseSchoolHolidays(JSON.parse(fs.readFileSync(path.resolve('seeds/calendar/school-holidays.json'), 'utf8')));
// Zone A (Échirolles), with a closure day on Friday 4 December 2026.
const calendar = communeCalendar(data, { holidayZone: 'A', closureDays: [{ date: '2026-12-04', reason: 'journée pédagogique' }] });
const options = { schoolCalendar: calendar.school };

const thursday11: BookingRule = { type: 'weekly', weekday: 'jeudi', time: '11:00', weeksBefore: 1 };
const canteen: BookableActivity = {
  kind: 'school_day',
  days: ['lundi', 'mardi', 'jeudi', 'vendredi'],
  rules: { booking: thursday11, horizon: { until: 'end_of_school_year' } },
};
const wednesday: BookableActivity = { kind: 'wednesday', days: ['mercredi'], rules: { booking: thursday11, horizon: { until: 'end_of_school_year' } } };
const holidays: BookableActivity = {
  kind: 'holidays',
  days: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'],
  rules: { booking: { type: 'days_before', days: 14, dayKind: 'calendar', time: '12:00' }, horizon: { weeksAhead: 12 } },
};
const holidaysOneWeekAhead: BookableActivity = { ...holidays, rules: { ...holidays.rules, horizon: { weeksAhead: 1 } } };
const twoWorkingDays: BookableActivity = {
  kind: 'school_day',
  days: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'],
  rules: { booking: { type: 'days_before', days: 2, dayKind: 'working', time: '12:00' }, horizon: { until: 'end_of_school_year' } },
};
const fromDate: BookableActivity = {
  kind: 'school_day',
  days: ['lundi', 'mardi', 'jeudi', 'vendredi', 'samedi'],
  rules: { booking: { type: 'days_before', days: 3, dayKind: 'calendar', time: '09:30' }, horizon: { from: '2027-01-11' } },
};
const noHorizon: BookableActivity = { ...wednesday, rules: { booking: { type: 'days_before', days: 0, dayKind: 'working', time: '08:00' } } };

/** The dashboard's 28 days from `now`'s Paris day, through the cache as the service uses it. */
function nextBookable(activity: BookableActivity, now: Date, cache = bookingFactsCache(), span = { from: 0, to: 27 }) {
  const today = dayNumber(parisDay(now));
  const first = firstBookableDay(today + span.from, today + span.to, now.getTime(), cache(calendar, options, activity));
  return first && { deadline: new Date(first.deadline), firstDay: dayOfNumber(first.day) };
}

/** The computation it replaces: every open day's `changeWindow`, on calendar-day strings. */
function reference(activity: BookableActivity, now: Date, span = { from: 0, to: 27 }) {
  const today = parisDay(now);
  const first = firstOpenWindow(addDays(today, span.from), addDays(today, span.to), (day) =>
    dayStatus(day, activity, calendar).open ? changeWindow(activity.rules, 'booking', day, now, options) : undefined,
  );
  return first && { deadline: first.window.deadline, firstDay: first.day };
}

describe('the next booking deadline of an activity (dashboard)', () => {
  it.each<[string, BookableActivity, string, { deadline: string; firstDay: string } | undefined]>([
    // Daylight saving: 25 October 2026 (Sunday) and 28 March 2027 (Easter Sunday) change the offset.
    ['autumn change in the cutoff week, asked the Thursday before it (+02:00)', canteen, '2026-10-22T10:00:00+02:00', { deadline: '2026-10-29T11:00:00+01:00', firstDay: '2026-11-02' }],
    ['autumn change in the cutoff week, asked after it (+01:00)', canteen, '2026-10-26T09:00:00+01:00', { deadline: '2026-10-29T11:00:00+01:00', firstDay: '2026-11-02' }],
    ['spring change, Easter Monday closed, this week past its cutoff', canteen, '2027-03-25T11:30:00+01:00', { deadline: '2027-04-01T11:00:00+02:00', firstDay: '2027-04-05' }],
    ['spring change, Wednesday activity', wednesday, '2027-03-25T11:30:00+01:00', { deadline: '2027-04-01T11:00:00+02:00', firstDay: '2027-04-07' }],
    ['spring change, asked in the night of the change', canteen, '2027-03-28T02:30:00+02:00', { deadline: '2027-04-01T11:00:00+02:00', firstDay: '2027-04-05' }],
    // Public holiday on the cutoff day: Ascension, Thursday 6 May 2027.
    ['Ascension Thursday is still the weekly cutoff', canteen, '2027-05-04T19:00:00+02:00', { deadline: '2027-05-06T11:00:00+02:00', firstDay: '2027-05-10' }],
    ['working days skip Ascension', twoWorkingDays, '2027-05-04T19:00:00+02:00', { deadline: '2027-05-05T12:00:00+02:00', firstDay: '2027-05-10' }],
    // School holidays and closures.
    ['over the Christmas holidays', canteen, '2026-12-17T12:00:00+01:00', { deadline: '2026-12-31T11:00:00+01:00', firstDay: '2027-01-04' }],
    ['a holiday activity, before the holidays', holidays, '2026-12-07T09:00:00+01:00', { deadline: '2026-12-07T12:00:00+01:00', firstDay: '2026-12-21' }],
    ['a holiday activity, past every holiday deadline', holidays, '2026-12-17T12:00:00+01:00', undefined],
    ['a holiday activity whose horizon is not open yet', holidaysOneWeekAhead, '2026-12-07T09:00:00+01:00', undefined],
    ['a holiday activity outside holidays', holidays, '2026-10-22T10:00:00+02:00', undefined],
    ['Thursday 10:59, before the cutoff', canteen, '2026-11-26T10:59:00+01:00', { deadline: '2026-11-26T11:00:00+01:00', firstDay: '2026-11-30' }],
    ['Thursday 11:00, past the cutoff: the next week (the closure day changes nothing)', canteen, '2026-11-26T11:00:00+01:00', { deadline: '2026-12-03T11:00:00+01:00', firstDay: '2026-12-07' }],
    ['a horizon from a date', fromDate, '2026-12-28T08:00:00+01:00', undefined],
    ['a horizon from a date, reached', fromDate, '2027-01-11T08:00:00+01:00', { deadline: '2027-01-11T09:30:00+01:00', firstDay: '2027-01-14' }],
    ['no horizon, the day itself at 08:00', noHorizon, '2026-11-25T07:59:00+01:00', { deadline: '2026-11-25T08:00:00+01:00', firstDay: '2026-11-25' }],
    // The end of the data: the next school year is unknown, so no day of it can be booked.
    ['near the end of the data', canteen, '2027-06-24T10:00:00+02:00', { deadline: '2027-06-24T11:00:00+02:00', firstDay: '2027-06-28' }],
    ['past the last deadline of the data', canteen, '2027-06-25T12:00:00+02:00', undefined],
  ])('%s', (_label, activity, at, expected) => {
    const now = new Date(at);
    const found = nextBookable(activity, now);
    expect(found).toEqual(expected && { deadline: new Date(expected.deadline), firstDay: expected.firstDay });
    expect(found).toEqual(reference(activity, now));
  });

  it('gives what the per-day computation gives, at every few hours of a school year (both DST changes) and for registrations starting late', () => {
    // One cache for the whole run, as for every family of a commune: what it keeps must not depend on `now`.
    const cache = bookingFactsCache();
    const activities = [canteen, wednesday, holidays, holidaysOneWeekAhead, twoWorkingDays, fromDate, noHorizon];
    const mismatches: string[] = [];
    let compared = 0;
    let found = 0;
    // Every 13 h 17 min from 25 August 2026 to 10 July 2027: all hours of the day, both DST changes.
    for (let at = Date.parse('2026-08-25T00:00:00Z'); at < Date.parse('2027-07-10T00:00:00Z'); at += (13 * 60 + 17) * 60_000) {
      const now = new Date(at);
      for (const activity of activities) {
        for (const span of [{ from: 0, to: 27 }, { from: 9, to: 20 }]) {
          const expected = reference(activity, now, span);
          const actual = nextBookable(activity, now, cache, span);
          if (JSON.stringify(actual) !== JSON.stringify(expected)) {
            mismatches.push(`${JSON.stringify(activity.rules)} at ${now.toISOString()}: ${JSON.stringify(actual)} ≠ ${JSON.stringify(expected)}`);
          }
          compared += 1;
          if (expected) found += 1;
        }
      }
    }
    expect(mismatches.slice(0, 5)).toEqual([]);
    expect(compared).toBeGreaterThan(5_000);
    // Both answers are exercised: a deadline found, and none.
    expect(found).toBeGreaterThan(compared / 3);
    expect(found).toBeLessThan(compared);
  }, 30_000);

  it('keeps what it reckoned apart per calendar and per rule', () => {
    const cache = bookingFactsCache();
    const now = new Date('2026-11-30T09:00:00+01:00');
    const zoneC = communeCalendar(data, { holidayZone: 'C' });
    const first = (activity: BookableActivity, on = calendar) =>
      firstBookableDay(dayNumber('2026-11-30'), dayNumber('2026-12-27'), now.getTime(), cache(on, { schoolCalendar: on.school }, activity));
    const at = (day: string, deadline: string) => ({ day: dayNumber(day), deadline: Date.parse(deadline) });

    expect(first(canteen)).toEqual(at('2026-12-07', '2026-12-03T11:00:00+01:00'));
    expect(first({ ...canteen, rules: { ...canteen.rules, booking: { ...thursday11, time: '18:00' } } })).toEqual(at('2026-12-07', '2026-12-03T18:00:00+01:00'));
    // Friday 4 December is a closure day of the first commune only.
    const fridays: BookableActivity = { ...twoWorkingDays, days: ['vendredi'] };
    expect(first(fridays)).toEqual(at('2026-12-11', '2026-12-09T12:00:00+01:00'));
    expect(first(fridays, zoneC)).toEqual(at('2026-12-04', '2026-12-02T12:00:00+01:00'));
  });
});
