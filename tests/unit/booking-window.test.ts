import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommuneFile } from '../../src/config/commune-file.ts';
import {
  changeWindow,
  deadlineFor,
  opensAtFor,
  windowState,
  type BookingHorizon,
  type BookingRule,
} from '../../src/domain/booking-window.ts';
import {
  deadlineWords,
  opensAtWords,
  timeLeftWords,
  windowStateWords,
} from '../../src/i18n/deadline-words.ts';
import { parseSchoolHolidays, schoolCalendar } from '../../src/domain/calendar/school-holidays.ts';

const paris = (local: string, offset: '+01:00' | '+02:00') => new Date(`${local}${offset}`);
const second = 1_000;
const before = (instant: Date, ms = second) => new Date(instant.getTime() - ms);

const data = parseSchoolHolidays(
  JSON.parse(fs.readFileSync(path.resolve('seeds/calendar/school-holidays.json'), 'utf8')),
);
const zoneA = schoolCalendar(data, 'A');

const echirolles: BookingRule = { type: 'weekly', weekday: 'jeudi', time: '11:00', weeksBefore: 1 };
const mesnil: BookingRule = { type: 'days_before', days: 2, dayKind: 'working', time: '12:00' };
const villennes: BookingRule = { type: 'days_before', days: 3, dayKind: 'working', time: '12:00' };
const fortnight: BookingRule = { type: 'days_before', days: 14, dayKind: 'calendar', time: '12:00' };

describe('deadlineFor', () => {
  describe('Échirolles: « jeudi 11h au plus tard pour toute la semaine suivante »', () => {
    it.each([
      ['Monday 30 November 2026', '2026-11-30', paris('2026-11-26T11:00', '+01:00')],
      ['Friday of the same week', '2026-12-04', paris('2026-11-26T11:00', '+01:00')],
      ['Sunday of the same week', '2026-12-06', paris('2026-11-26T11:00', '+01:00')],
      ['Monday 23 November 2026', '2026-11-23', paris('2026-11-19T11:00', '+01:00')],
      ['the week ending on the spring change (Sunday 29 March)', '2026-03-29', paris('2026-03-19T11:00', '+01:00')],
      ['the week after the spring change (winter time on Thursday)', '2026-03-30', paris('2026-03-26T11:00', '+01:00')],
      ['Thursday 2 April, same week', '2026-04-02', paris('2026-03-26T11:00', '+01:00')],
      ['the week of Easter Monday (summer time on Thursday)', '2026-04-07', paris('2026-04-02T11:00', '+02:00')],
      ['the week of the autumn change (summer time on Thursday)', '2026-10-26', paris('2026-10-22T11:00', '+02:00')],
      ['the week after the autumn change (winter time on Thursday)', '2026-11-02', paris('2026-10-29T11:00', '+01:00')],
      ['the week of Whit Monday', '2026-05-26', paris('2026-05-21T11:00', '+02:00')],
      ['the week after Ascension: the deadline stays on the holiday Thursday', '2026-05-18', paris('2026-05-14T11:00', '+02:00')],
      ['the first week of the school year', '2026-09-01', paris('2026-08-27T11:00', '+02:00')],
      ['across New Year', '2027-01-04', paris('2026-12-31T11:00', '+01:00')],
    ])('%s (%s)', (_label, target, expected) => {
      const deadline = deadlineFor(echirolles, target);
      expect(deadline).toEqual(expected);
      expect(windowState(echirolles, undefined, target, before(deadline))).toEqual({ open: true, deadline });
      expect(windowState(echirolles, undefined, target, deadline)).toEqual({ open: false, reason: 'past_deadline', deadline });
    });

    it('goes back more weeks when told to', () => {
      const twoWeeks: BookingRule = { ...echirolles, weeksBefore: 2 };
      expect(deadlineFor(twoWeeks, '2026-11-30')).toEqual(paris('2026-11-19T11:00', '+01:00'));
    });
  });

  describe('Le Mesnil: « J-2 à 12h, week-ends non comptés »', () => {
    it.each([
      ['Monday → previous Thursday', '2026-11-23', paris('2026-11-19T12:00', '+01:00')],
      ['Tuesday → previous Friday', '2026-11-24', paris('2026-11-20T12:00', '+01:00')],
      ['Wednesday → Monday', '2026-11-25', paris('2026-11-23T12:00', '+01:00')],
      ['Thursday → Tuesday', '2026-11-26', paris('2026-11-24T12:00', '+01:00')],
      ['Friday → Wednesday', '2026-11-27', paris('2026-11-25T12:00', '+01:00')],
      ['Thursday after Armistice (Wednesday 11 November) → Monday', '2026-11-12', paris('2026-11-09T12:00', '+01:00')],
      ['Monday after the spring change → Thursday, winter time', '2026-03-30', paris('2026-03-26T12:00', '+01:00')],
      ['Wednesday after the spring change → Monday, summer time', '2026-04-01', paris('2026-03-30T12:00', '+02:00')],
      ['Tuesday after Whit Monday → Thursday', '2026-05-26', paris('2026-05-21T12:00', '+02:00')],
      ['Wednesday after Whit Monday → Friday', '2026-05-27', paris('2026-05-22T12:00', '+02:00')],
    ])('%s (%s)', (_label, target, expected) => {
      const deadline = deadlineFor(mesnil, target);
      expect(deadline).toEqual(expected);
      expect(windowState(mesnil, undefined, target, before(deadline)).open).toBe(true);
      expect(windowState(mesnil, undefined, target, deadline).open).toBe(false);
    });
  });

  describe('Villennes: « 3 jours ouvrés avant à 12h »', () => {
    it.each([
      ['Monday → previous Wednesday', '2026-11-23', paris('2026-11-18T12:00', '+01:00')],
      ['Tuesday → previous Thursday', '2026-11-24', paris('2026-11-19T12:00', '+01:00')],
      ['Wednesday → previous Friday', '2026-11-25', paris('2026-11-20T12:00', '+01:00')],
      ['Thursday → Monday', '2026-11-26', paris('2026-11-23T12:00', '+01:00')],
      ['Friday → Tuesday', '2026-11-27', paris('2026-11-24T12:00', '+01:00')],
      ['Tuesday after Easter Monday → Wednesday of the week before', '2026-04-07', paris('2026-04-01T12:00', '+02:00')],
      ['Wednesday after Easter Monday → Thursday of the week before', '2026-04-08', paris('2026-04-02T12:00', '+02:00')],
    ])('%s (%s)', (_label, target, expected) => {
      expect(deadlineFor(villennes, target)).toEqual(expected);
    });

    it('skips Good Friday too in Alsace-Moselle', () => {
      expect(deadlineFor(villennes, '2026-04-07', { publicHolidays: { alsaceMoselle: true } })).toEqual(
        paris('2026-03-31T12:00', '+02:00'),
      );
    });
  });

  describe('working days across Ascension 2026 (Thursday 14 May a holiday, Friday 15 a working day)', () => {
    it.each([
      ['J-2', mesnil, 'Wednesday 13', '2026-05-13', paris('2026-05-11T12:00', '+02:00')],
      ['J-2', mesnil, 'Friday 15', '2026-05-15', paris('2026-05-12T12:00', '+02:00')],
      ['J-2', mesnil, 'Monday 18', '2026-05-18', paris('2026-05-13T12:00', '+02:00')],
      ['J-2', mesnil, 'Tuesday 19', '2026-05-19', paris('2026-05-15T12:00', '+02:00')],
      ['3 working days', villennes, 'Friday 15', '2026-05-15', paris('2026-05-11T12:00', '+02:00')],
      ['3 working days', villennes, 'Monday 18', '2026-05-18', paris('2026-05-12T12:00', '+02:00')],
      ['3 working days', villennes, 'Tuesday 19', '2026-05-19', paris('2026-05-13T12:00', '+02:00')],
      ['3 working days', villennes, 'Wednesday 20', '2026-05-20', paris('2026-05-15T12:00', '+02:00')],
    ])('%s before %s', (_rule, rule, _label, target, expected) => {
      expect(deadlineFor(rule, target)).toEqual(expected);
    });
  });

  describe('a target day that is not itself a working day counts like any other', () => {
    it.each([
      ['J-2 of a Saturday → Thursday', mesnil, '2026-11-28', paris('2026-11-26T12:00', '+01:00')],
      ['J-2 of a Sunday → Thursday', mesnil, '2026-11-29', paris('2026-11-26T12:00', '+01:00')],
      ['J-2 of Ascension Thursday → Tuesday', mesnil, '2026-05-14', paris('2026-05-12T12:00', '+02:00')],
      ['J-2 of Armistice day → Monday', mesnil, '2026-11-11', paris('2026-11-09T12:00', '+01:00')],
      ['0 working days: the target day itself, even a Saturday', { ...mesnil, days: 0 }, '2026-11-28', paris('2026-11-28T12:00', '+01:00')],
    ])('%s', (_label, rule, target, expected) => {
      expect(deadlineFor(rule, target)).toEqual(expected);
    });
  });

  describe('calendar days: 14 days before at 12:00 (holiday centre)', () => {
    it.each([
      ['a summer Monday', '2026-07-06', paris('2026-06-22T12:00', '+02:00')],
      ['across the spring change', '2026-04-08', paris('2026-03-25T12:00', '+01:00')],
      ['after the spring change', '2026-04-13', paris('2026-03-30T12:00', '+02:00')],
      ['across the autumn change', '2026-11-04', paris('2026-10-21T12:00', '+02:00')],
    ])('%s (%s)', (_label, target, expected) => {
      expect(deadlineFor(fortnight, target)).toEqual(expected);
    });

    it('closes on the day itself with 0 days', () => {
      expect(deadlineFor({ type: 'days_before', days: 0, dayKind: 'calendar', time: '09:00' }, '2026-11-24')).toEqual(
        paris('2026-11-24T09:00', '+01:00'),
      );
    });
  });

  it('refuses a malformed day or time', () => {
    expect(() => deadlineFor(echirolles, '2026-11-31')).toThrow(RangeError);
    expect(() => deadlineFor({ ...echirolles, time: '11h00' }, '2026-11-30')).toThrow(RangeError);
  });
});

describe('windowState with an opening horizon', () => {
  const weeksAhead: BookingHorizon = { weeksAhead: 12 };

  describe('{ weeksAhead: 12 } (holiday centre, 14 calendar days)', () => {
    const now = paris('2026-03-02T09:00', '+01:00');

    it('opens a target within 12 ISO weeks of the current week', () => {
      expect(windowState(fortnight, weeksAhead, '2026-05-29', now)).toEqual({
        open: true,
        deadline: paris('2026-05-15T12:00', '+02:00'),
      });
    });

    it('keeps a later target closed until the Monday 12 weeks before its week', () => {
      const opensAt = paris('2026-03-09T00:00', '+01:00');
      expect(windowState(fortnight, weeksAhead, '2026-06-01', now)).toEqual({
        open: false,
        reason: 'not_open_yet',
        deadline: paris('2026-05-18T12:00', '+02:00'),
        opensAt,
      });
      expect(windowState(fortnight, weeksAhead, '2026-06-01', before(opensAt)).open).toBe(false);
      expect(windowState(fortnight, weeksAhead, '2026-06-01', opensAt).open).toBe(true);
    });
  });

  describe("{ from: '2026-05-04' }", () => {
    const horizon: BookingHorizon = { from: '2026-05-04' };
    const opensAt = paris('2026-05-04T00:00', '+02:00');

    it('opens at midnight, Paris time, on that day', () => {
      expect(windowState(fortnight, horizon, '2026-07-06', before(opensAt))).toMatchObject({ open: false, reason: 'not_open_yet', opensAt });
      expect(windowState(fortnight, horizon, '2026-07-06', opensAt)).toMatchObject({ open: true });
    });
  });

  describe("{ until: 'end_of_school_year' } (Échirolles, zone A)", () => {
    const horizon: BookingHorizon = { until: 'end_of_school_year' };
    const options = { schoolCalendar: zoneA };
    const summerStart = paris('2026-07-04T00:00', '+02:00');

    it.each([
      ['a June day of the current year', paris('2026-06-15T09:00', '+02:00'), '2026-06-30', true],
      ['the rentrée, before the summer', paris('2026-06-15T09:00', '+02:00'), '2026-09-01', false],
      ['the rentrée, on the first day of the summer', summerStart, '2026-09-01', true],
      ['the end of the next year, from the summer', paris('2026-07-10T09:00', '+02:00'), '2027-06-29', true],
      ['next year, in the autumn', paris('2026-11-24T09:00', '+01:00'), '2027-06-29', true],
    ])('%s', (_label, now, target, isOpen) => {
      expect(windowState(echirolles, horizon, target, now, options).open).toBe(isOpen);
    });

    it('says when booking the next school year opens: the first day of the summer', () => {
      expect(windowState(echirolles, horizon, '2026-09-01', before(summerStart), options)).toEqual({
        open: false,
        reason: 'not_open_yet',
        deadline: paris('2026-08-27T11:00', '+02:00'),
        opensAt: summerStart,
      });
    });

    it('keeps a day beyond the data closed, with no date to promise', () => {
      expect(opensAtFor(horizon, '2027-09-06', options)).toBeNull();
      expect(windowState(echirolles, horizon, '2027-09-06', paris('2027-06-01T09:00', '+02:00'), options)).toEqual({
        open: false,
        reason: 'not_open_yet',
        deadline: paris('2027-09-02T11:00', '+02:00'),
      });
    });

    it('opens the first year of the data whatever the date', () => {
      expect(opensAtFor(horizon, '2025-11-03', options)).toBeUndefined();
    });

    it('needs the school calendar', () => {
      expect(() => windowState(echirolles, horizon, '2026-11-30', paris('2026-11-24T09:00', '+01:00'))).toThrow(/calendrier scolaire/);
    });
  });

  it('reports a passed deadline before a horizon not reached', () => {
    const tooFar: BookingRule = { ...echirolles, weeksBefore: 3 };
    const state = windowState(tooFar, { weeksAhead: 1 }, '2026-11-30', paris('2026-11-23T09:00', '+01:00'));
    expect(state).toMatchObject({ open: false, reason: 'past_deadline' });
  });
});

describe('changeWindow: booking and cancelling', () => {
  const withOwnCancelling = {
    booking: echirolles,
    cancelling: { type: 'days_before', days: 1, dayKind: 'calendar', time: '18:00' } as BookingRule,
    horizon: { weeksAhead: 2 } as BookingHorizon,
  };
  const bookingOnly = { booking: echirolles, horizon: { weeksAhead: 2 } as BookingHorizon };
  const now = paris('2026-11-23T17:59', '+01:00');

  it('applies the cancelling rule when the commune set one', () => {
    expect(changeWindow(withOwnCancelling, 'cancelling', '2026-11-24', now)).toEqual({
      open: true,
      deadline: paris('2026-11-23T18:00', '+01:00'),
    });
    expect(changeWindow(withOwnCancelling, 'booking', '2026-11-24', now)).toMatchObject({ open: false, reason: 'past_deadline' });
  });

  it('falls back to the booking rule otherwise', () => {
    expect(changeWindow(bookingOnly, 'cancelling', '2026-11-24', now)).toEqual({
      open: false,
      reason: 'past_deadline',
      deadline: paris('2026-11-19T11:00', '+01:00'),
    });
  });

  it('lets a far-ahead day be cancelled although it could not be booked now', () => {
    expect(changeWindow(bookingOnly, 'booking', '2027-03-02', now)).toMatchObject({ open: false, reason: 'not_open_yet' });
    expect(changeWindow(bookingOnly, 'cancelling', '2027-03-02', now)).toMatchObject({ open: true });
  });
});

describe('the rules of the shipped commune files', () => {
  const commune = (slug: string) =>
    parseCommuneFile(`${slug}.json`, JSON.parse(fs.readFileSync(path.resolve(`seeds/communes/${slug}.json`), 'utf8')));
  const now = paris('2026-11-24T09:00', '+01:00');

  it.each([
    ['echirolles', 'restauration', { open: true, deadline: paris('2026-11-26T11:00', '+01:00') }],
    ['lemesnilsaintdenis', 'restauration', { open: true, deadline: paris('2026-11-26T12:00', '+01:00') }],
    ['villennes', 'restauration', { open: true, deadline: paris('2026-11-25T12:00', '+01:00') }],
    ['echirolles', 'vacances', { open: false, reason: 'past_deadline', deadline: paris('2026-11-16T12:00', '+01:00') }],
  ])('%s, %s: booking Monday 30 November 2026 on Tuesday 24', (slug, code, expected) => {
    const file = commune(slug);
    const activity = file.activities.find((candidate) => candidate.code === code)!;
    const options = { schoolCalendar: schoolCalendar(data, file.holidayZone, file.holidayCorrections) };
    expect(changeWindow(activity, 'booking', '2026-11-30', now, options)).toEqual(expected);
  });
});

describe('deadline words', () => {
  const deadline = paris('2026-11-26T11:00', '+01:00');

  it('writes the deadline in French, Paris time', () => {
    expect(deadlineWords(deadline)).toBe("modifiable jusqu'au jeudi 26 novembre 2026 à 11h00");
    expect(deadlineWords(paris('2026-10-01T11:00', '+02:00'))).toBe("modifiable jusqu'au jeudi 1er octobre 2026 à 11h00");
    expect(deadlineWords(paris('2026-05-21T12:00', '+02:00'))).toBe("modifiable jusqu'au jeudi 21 mai 2026 à 12h00");
  });

  it.each([
    ['two days and three hours', paris('2026-11-24T08:00', '+01:00'), 'encore 2 jours et 3 heures'],
    ['exactly one day', paris('2026-11-25T11:00', '+01:00'), 'encore 1 jour'],
    ['hours and minutes', paris('2026-11-26T05:40', '+01:00'), 'encore 5 heures et 20 minutes'],
    ['whole hours', paris('2026-11-26T08:00', '+01:00'), 'encore 3 heures'],
    ['one hour', paris('2026-11-26T10:00', '+01:00'), 'encore 1 heure'],
    ['minutes', paris('2026-11-26T10:15', '+01:00'), 'encore 45 minutes'],
    ['minutes, rounded down', paris('2026-11-26T10:58:01', '+01:00'), 'encore 1 minute'],
    ['seconds', paris('2026-11-26T10:59:30', '+01:00'), "encore moins d'une minute"],
    ['at the deadline', deadline, 'délai dépassé'],
  ])('says how long is left: %s', (_label, now, expected) => {
    expect(timeLeftWords(deadline, now)).toBe(expected);
  });

  it('counts calendar days across the daylight-saving changes', () => {
    expect(timeLeftWords(paris('2026-03-30T11:00', '+02:00'), paris('2026-03-28T11:00', '+01:00'))).toBe('encore 2 jours');
    expect(timeLeftWords(paris('2026-10-26T11:00', '+01:00'), paris('2026-10-24T11:00', '+02:00'))).toBe('encore 2 jours');
  });

  it('words each window state', () => {
    const now = paris('2026-11-24T08:00', '+01:00');
    expect(windowStateWords({ open: true, deadline }, now)).toEqual({
      status: "modifiable jusqu'au jeudi 26 novembre 2026 à 11h00",
      timeLeft: 'encore 2 jours et 3 heures',
    });
    expect(windowStateWords({ open: false, reason: 'past_deadline', deadline }, now)).toEqual({
      status: 'non modifiable depuis le jeudi 26 novembre 2026 à 11h00',
    });
    expect(
      windowStateWords({ open: false, reason: 'not_open_yet', deadline, opensAt: paris('2026-03-09T00:00', '+01:00') }, now),
    ).toEqual({ status: 'réservable à partir du lundi 9 mars 2026' });
    expect(windowStateWords({ open: false, reason: 'not_open_yet', deadline }, now)).toEqual({ status: 'pas encore réservable' });
    expect(opensAtWords(paris('2026-05-04T08:30', '+02:00'))).toBe('à partir du lundi 4 mai 2026 à 08h30');
  });
});

describe('whatever the time zone of the server', () => {
  it('gives the same deadlines, states and words', () => {
    const answers = (): string => {
      const now = paris('2026-10-22T10:59:59', '+02:00');
      return JSON.stringify([
        deadlineFor(echirolles, '2026-10-26'),
        deadlineFor(echirolles, '2026-11-02'),
        deadlineFor(echirolles, '2026-03-30'),
        deadlineFor(echirolles, '2026-04-07'),
        deadlineFor(mesnil, '2026-11-23'),
        deadlineFor(mesnil, '2026-05-18'),
        deadlineFor(villennes, '2026-05-19'),
        deadlineFor(villennes, '2026-04-07'),
        deadlineFor(fortnight, '2026-11-04'),
        windowState(echirolles, undefined, '2026-10-26', now),
        windowState(echirolles, undefined, '2026-10-26', paris('2026-10-22T11:00', '+02:00')),
        windowState(fortnight, { weeksAhead: 12 }, '2026-06-01', paris('2026-03-08T23:59:59', '+01:00')),
        windowState(echirolles, { until: 'end_of_school_year' }, '2026-09-01', paris('2026-07-03T23:59:59', '+02:00'), { schoolCalendar: zoneA }),
        zoneA.dayInfo('2026-07-04'),
        deadlineWords(deadlineFor(echirolles, '2026-11-30')),
        timeLeftWords(deadlineFor(echirolles, '2026-10-26'), paris('2026-10-20T08:00', '+02:00')),
      ]);
    };
    const original = process.env.TZ;
    try {
      const results = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Europe/Paris'].map((zone) => {
        process.env.TZ = zone;
        return answers();
      });
      expect(new Set(results).size).toBe(1);
      expect(JSON.parse(results[0]!).slice(0, 2)).toEqual(['2026-10-22T09:00:00.000Z', '2026-10-29T10:00:00.000Z']);
    } finally {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    }
  });
});
