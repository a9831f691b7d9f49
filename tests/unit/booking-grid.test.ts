import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  cellOf,
  changeFor,
  firstOpenWindow,
  gridColumns,
  isoWeekOf,
  mondayOf,
  nextDeadline,
  parseIsoWeek,
  shiftWeek,
  weekDays,
  weekDeadline,
  weekFromInput,
  windowsOf,
  type CellFacts,
  type Holding,
} from '../../src/domain/booking-grid.ts';
import { changeWindow, type BookingRule, type WindowState } from '../../src/domain/booking-window.ts';
import { addDays } from '../../src/domain/calendar/calendar-day.ts';
import { communeCalendar, dayStatus, type ActivityDays } from '../../src/domain/calendar/closed-days.ts';
import { parseSchoolHolidays } from '../../src/domain/calendar/school-holidays.ts';
import { NOT_REGISTERED, obstacleWords, refusalWords, weekWords } from '../../src/i18n/booking-words.ts';

const data = parseSchoolHolidays(JSON.parse(fs.readFileSync(path.resolve('seeds/calendar/school-holidays.json'), 'utf8')));
const echirolles = communeCalendar(data, { holidayZone: 'A', closureDays: [{ date: '2026-12-04', reason: 'journée pédagogique' }] });
const options = { schoolCalendar: echirolles.school };
const weekly: BookingRule = { type: 'weekly', weekday: 'jeudi', time: '11:00', weeksBefore: 1 };
const rules = { booking: weekly, horizon: { until: 'end_of_school_year' as const } };
const canteen: ActivityDays = { kind: 'school_day', days: ['lundi', 'mardi', 'jeudi', 'vendredi'] };

// Thursday 26 November 2026: next week (30 Nov – 6 Dec) closes at 11:00 Paris time.
const BEFORE = new Date('2026-11-26T10:59:00+01:00');
const AT = new Date('2026-11-26T11:00:00+01:00');

function facts(day: string, now: Date, overrides: Partial<CellFacts> = {}): CellFacts {
  return {
    day,
    registered: true,
    dayStatus: dayStatus(day, canteen, echirolles),
    holding: null,
    full: false,
    ...windowsOf(rules, day, now, options),
    ...overrides,
  };
}

const booked: Holding = { status: 'booked' };
const waiting: Holding = { status: 'waiting', rank: 3 };

describe('ISO weeks', () => {
  it.each([
    ['2026-11-26', '2026-W48'],
    ['2026-11-30', '2026-W49'],
    ['2027-01-01', '2026-W53'],
    ['2027-01-04', '2027-W01'],
    ['2026-03-29', '2026-W13'],
  ])('%s is in %s', (day, week) => {
    expect(isoWeekOf(day)).toBe(week);
  });

  it.each([
    ['2026-W48', '2026-W48'],
    ['2026-w5', '2026-W05'],
    ['2026W49', '2026-W49'],
    [' 2026-W53 ', '2026-W53'],
    ['2027-W53', undefined],
    ['2026-W00', undefined],
    ['2026-48', undefined],
    ['semaine', undefined],
  ])('reads %j as %s', (input, week) => {
    expect(parseIsoWeek(input)).toBe(week);
  });

  it.each([
    ['2026-W48', '2026-W48'],
    ['2026-11-26', '2026-W48'],
    ['26/11/2026', '2026-W48'],
    ['03/01/2027', '2026-W53'],
    ['31/02/2027', undefined],
    ['', undefined],
  ])('the week picker sends %j: week %s', (input, week) => {
    expect(weekFromInput(input)).toBe(week);
  });

  it('gives the days, the Monday, the neighbours and the words of a week', () => {
    expect(weekDays('2026-W49')).toEqual(['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04', '2026-12-05', '2026-12-06']);
    expect(mondayOf('2026-W53')).toBe('2026-12-28');
    expect(shiftWeek('2026-W53', 1)).toBe('2027-W01');
    expect(shiftWeek('2027-W01', -1)).toBe('2026-W53');
    expect(weekWords('2026-W49')).toBe('du lundi 30 novembre au dimanche 6 décembre 2026');
    expect(weekWords('2026-W53')).toBe('du lundi 28 décembre 2026 au dimanche 3 janvier 2027');
    expect(() => mondayOf('2026-W54')).toThrow(RangeError);
  });

  it.each([
    ['school-day activities only', [canteen], 5],
    ['an activity on Saturdays', [canteen, { kind: 'holidays', days: ['samedi'] } as ActivityDays], 6],
    ['an activity on Sundays', [{ kind: 'holidays', days: ['dimanche'] } as ActivityDays], 6],
    ['activities on both weekend days', [{ kind: 'holidays', days: ['samedi', 'dimanche'] } as ActivityDays], 7],
    ['no activity', [], 5],
  ])('shows Monday to Friday, and the weekend only when an activity runs then: %s', (_label, activities, columns) => {
    const days = gridColumns('2026-W49', activities);
    expect(days).toHaveLength(columns);
    expect(days.slice(0, 5)).toEqual(weekDays('2026-W49').slice(0, 5));
  });
});

describe('cellOf: the state of one (activity, day) of the grid', () => {
  it.each<[string, CellFacts, Date, { state: string; changeable: boolean; held: string | null; reason?: RegExp }]>([
    ['a free day before the deadline', facts('2026-11-30', BEFORE), BEFORE, { state: 'available', changeable: true, held: null }],
    ['a booked day before the deadline', facts('2026-11-30', BEFORE, { holding: booked }), BEFORE, { state: 'booked', changeable: true, held: 'booked' }],
    ['a full day before the deadline', facts('2026-11-30', BEFORE, { full: true }), BEFORE, { state: 'full', changeable: true, held: null }],
    ['a day the child waits for', facts('2026-11-30', BEFORE, { holding: waiting, full: true }), BEFORE, { state: 'waiting', changeable: true, held: 'waiting' }],
    ['a Wednesday, without canteen', facts('2026-12-02', BEFORE), BEFORE, { state: 'closed', changeable: false, held: null, reason: /Pas d'accueil ce jour-là/ }],
    ['a Saturday', facts('2026-12-05', BEFORE), BEFORE, { state: 'closed', changeable: false, held: null, reason: /Week-end/ }],
    ['a commune closure day', facts('2026-12-04', BEFORE), BEFORE, { state: 'closed', changeable: false, held: null, reason: /Fermeture : journée pédagogique/ }],
    ['Christmas Day', facts('2026-12-25', BEFORE), BEFORE, { state: 'closed', changeable: false, held: null, reason: /Jour férié/ }],
    ['a day of the Christmas holidays', facts('2026-12-22', BEFORE), BEFORE, { state: 'closed', changeable: false, held: null, reason: /Vacances de Noël/ }],
    ['a day without a validated registration', facts('2026-11-30', BEFORE, { registered: false }), BEFORE, { state: 'closed', changeable: false, held: null, reason: /inscription validée/ }],
    ['a free day at the deadline', facts('2026-11-30', AT), AT, { state: 'locked', changeable: false, held: null, reason: /non modifiable depuis le jeudi 26 novembre 2026 à 11h00/ }],
    ['a booked day at the deadline', facts('2026-11-30', AT, { holding: booked }), AT, { state: 'locked', changeable: false, held: 'booked', reason: /^non modifiable depuis le jeudi 26 novembre 2026 à 11h00$/ }],
    ['a waited-for day at the deadline', facts('2026-11-30', AT, { holding: waiting }), AT, { state: 'locked', changeable: false, held: 'waiting', reason: /^non modifiable depuis le jeudi 26 novembre 2026 à 11h00$/ }],
    ['a full day at the deadline', facts('2026-11-30', AT, { full: true }), AT, { state: 'locked', changeable: false, held: null, reason: /^non modifiable depuis le jeudi 26 novembre 2026 à 11h00$/ }],
    ['a booked day that closed since: can still be given back', facts('2026-12-04', BEFORE, { holding: booked }), BEFORE, { state: 'booked', changeable: true, held: 'booked', reason: /Fermeture/ }],
    ['a booked day whose registration ended: can still be given back', facts('2026-11-30', BEFORE, { holding: booked, registered: false }), BEFORE, { state: 'booked', changeable: true, held: 'booked', reason: /inscription/ }],
    [
      'a day beyond the booking horizon',
      { ...facts('2027-09-06', BEFORE), dayStatus: { open: true }, ...windowsOf({ booking: weekly, horizon: { weeksAhead: 4 } }, '2027-09-06', BEFORE, options) },
      BEFORE,
      { state: 'locked', changeable: false, held: null, reason: /réservable à partir du lundi/ },
    ],
  ])('%s', (_label, input, _now, expected) => {
    const cell = cellOf(input);
    const reason = cell.why && obstacleWords(cell.why);
    expect({ state: cell.state, changeable: cell.changeable, held: cell.held }).toEqual({
      state: expected.state,
      changeable: expected.changeable,
      held: expected.held,
    });
    if (expected.reason) expect(reason).toMatch(expected.reason);
    else expect(reason).toBeUndefined();
  });

  it('keeps the rank of a waiting child and the booking deadline of the day', () => {
    const cell = cellOf(facts('2026-11-30', BEFORE, { holding: waiting }));
    expect(cell.waitingRank).toBe(3);
    expect(cell.deadline).toEqual(AT);
  });
});

describe('changeFor: what the server does with a changed cell, whatever the form sent', () => {
  it.each<[string, CellFacts, boolean, Date, string, RegExp?]>([
    ['ticks a free day before the deadline', facts('2026-11-30', BEFORE), true, BEFORE, 'book'],
    ['ticks a full day: the database decides between a place and the waiting list', facts('2026-11-30', BEFORE, { full: true }), true, BEFORE, 'book'],
    ['unticks a booked day', facts('2026-11-30', BEFORE, { holding: booked }), false, BEFORE, 'cancel'],
    ['unticks a waited-for day', facts('2026-11-30', BEFORE, { holding: waiting }), false, BEFORE, 'leave_waiting'],
    ['keeps a booked day booked', facts('2026-11-30', BEFORE, { holding: booked }), true, BEFORE, 'none'],
    ['keeps a free day free, even after the deadline', facts('2026-11-30', AT), false, AT, 'none'],
    ['ticks a free day at 11:00', facts('2026-11-30', AT), true, AT, 'refuse', /^délai dépassé : non modifiable depuis le jeudi 26 novembre 2026 à 11h00$/],
    ['unticks a booked day at 11:00', facts('2026-11-30', AT, { holding: booked }), false, AT, 'refuse', /^délai dépassé/],
    ['ticks a Wednesday without canteen', facts('2026-12-02', BEFORE), true, BEFORE, 'refuse', /^fermé \(Pas d'accueil ce jour-là\)$/],
    ['ticks a holiday', facts('2026-12-25', BEFORE), true, BEFORE, 'refuse', /^fermé \(Jour férié/],
    ['ticks an activity the child is not registered to', facts('2026-11-30', BEFORE, { registered: false }), true, BEFORE, 'refuse', new RegExp(`^${NOT_REGISTERED}$`)],
    ['unticks a booked day that closed since', facts('2026-12-04', BEFORE, { holding: booked }), false, BEFORE, 'cancel'],
  ])('%s', (_label, input, wanted, _now, kind, reason) => {
    const change = changeFor(input, wanted);
    expect(change.kind).toBe(kind);
    if (reason) expect(change.kind === 'refuse' && refusalWords(change.reason)).toMatch(reason);
  });
});

describe('the deadlines in words', () => {
  const open = (deadline: string): WindowState => ({ open: true, deadline: new Date(deadline) });
  const past = (deadline: string): WindowState => ({ open: false, reason: 'past_deadline', deadline: new Date(deadline) });
  const now = new Date('2026-11-26T10:00:00+01:00');

  it.each<[string, WindowState[], unknown]>([
    ['one deadline for the whole week (weekly rule)', [open('2026-11-26T11:00:00+01:00'), open('2026-11-26T11:00:00+01:00')], { kind: 'open', deadline: new Date('2026-11-26T11:00:00+01:00'), sameForAllDays: true }],
    ['a deadline per day (« J-2 »): the next one', [past('2026-11-25T12:00:00+01:00'), open('2026-11-27T12:00:00+01:00'), open('2026-11-26T12:00:00+01:00')], { kind: 'open', deadline: new Date('2026-11-26T12:00:00+01:00'), sameForAllDays: false }],
    ['every day past: since the last deadline', [past('2026-11-19T11:00:00+01:00'), past('2026-11-20T11:00:00+01:00')], { kind: 'closed', since: new Date('2026-11-20T11:00:00+01:00') }],
    ['no open day in the week', [], { kind: 'none' }],
    ['not open yet', [{ open: false, reason: 'not_open_yet', deadline: new Date('2027-09-02T11:00:00+02:00'), opensAt: new Date('2027-07-03T00:00:00+02:00') }], { kind: 'not_open_yet', opensAt: new Date('2027-07-03T00:00:00+02:00') }],
  ])('weekDeadline: %s', (_label, windows, expected) => {
    expect(weekDeadline(windows, now)).toEqual(expected);
  });

  it('nextDeadline: the earliest deadline still ahead, and the first day it governs', () => {
    expect(
      nextDeadline([
        { day: '2026-11-27', window: past('2026-11-19T11:00:00+01:00') },
        { day: '2026-12-01', window: open('2026-11-26T11:00:00+01:00') },
        { day: '2026-11-30', window: open('2026-11-26T11:00:00+01:00') },
        { day: '2026-12-07', window: open('2026-12-03T11:00:00+01:00') },
      ]),
    ).toEqual({ deadline: new Date('2026-11-26T11:00:00+01:00'), firstDay: '2026-11-30' });
    expect(nextDeadline([{ day: '2026-11-27', window: past('2026-11-19T11:00:00+01:00') }])).toBeUndefined();
  });
});

describe('firstOpenWindow', () => {
  // The full scan it replaces on the dashboard: every day of the range, then the earliest deadline.
  const fullScan = (from: string, to: string, windowOf: (day: string) => WindowState | undefined) => {
    const candidates: { day: string; window: WindowState }[] = [];
    for (let day = from; day <= to; day = addDays(day, 1)) {
      const window = windowOf(day);
      if (window) candidates.push({ day, window });
    }
    return nextDeadline(candidates);
  };
  const summer: BookingRule = { type: 'days_before', days: 2, dayKind: 'working', time: '18:00' };
  const calendarDays: BookingRule = { type: 'days_before', days: 3, dayKind: 'calendar', time: '09:30' };
  const wednesday: ActivityDays = { kind: 'school_day', days: ['mercredi'] };

  it.each([
    ['weekly, Thursday 10:59 before the cutoff', weekly, canteen, '2026-11-26T10:59:00+01:00'],
    ['weekly, Thursday 11:00 at the cutoff', weekly, canteen, '2026-11-26T11:00:00+01:00'],
    ['weekly, over the Christmas holidays', weekly, canteen, '2026-12-17T12:00:00+01:00'],
    ['weekly, the autumn daylight-saving week', weekly, canteen, '2026-10-22T10:00:00+02:00'],
    ['weekly, the spring daylight-saving week', weekly, wednesday, '2027-03-25T11:30:00+01:00'],
    ['working days, over Ascension', summer, canteen, '2027-05-04T19:00:00+02:00'],
    ['calendar days, on a Sunday', calendarDays, wednesday, '2026-11-29T08:00:00+01:00'],
    ['near the end of the data', weekly, canteen, '2027-06-24T10:00:00+02:00'],
  ] as const)('finds what the full scan finds: %s', (_label, rule, days, at) => {
    const now = new Date(at);
    const today = at.slice(0, 10);
    const windowOf = (day: string) =>
      dayStatus(day, days, echirolles).open ? changeWindow({ booking: rule, horizon: { weeksAhead: 3 } }, 'booking', day, now, options) : undefined;
    const to = addDays(today, 27);
    const first = firstOpenWindow(today, to, windowOf);
    const expected = fullScan(today, to, windowOf);
    expect(expected).toBeDefined();
    expect(first ? { deadline: first.window.deadline, firstDay: first.day } : undefined).toEqual(expected);
  });
});
