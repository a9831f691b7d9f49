import { describe, expect, it } from 'vitest';
import { recurringDates, type RecurringPattern } from '../../src/domain/recurring-booking.ts';
import { rhythmWords } from '../../src/i18n/booking-words.ts';

describe('recurringDates', () => {
  it.each<[string, RecurringPattern, string[]]>([
    ['every week, Monday and Thursday', { weekdays: ['lundi', 'jeudi'], every: 1, from: '2026-11-30', until: '2026-12-13' }, ['2026-11-30', '2026-12-03', '2026-12-07', '2026-12-10']],
    ['one week in 2, counted from the first week', { weekdays: ['mercredi'], every: 2, from: '2026-11-30', until: '2027-01-15' }, ['2026-12-02', '2026-12-16', '2026-12-30', '2027-01-13']],
    [
      'one week in 2 starting mid-week: the first week counts even if its earlier days are outside the period',
      { weekdays: ['lundi', 'vendredi'], every: 2, from: '2026-12-03', until: '2026-12-21' },
      ['2026-12-04', '2026-12-14', '2026-12-18'],
    ],
    ['one week in 3', { weekdays: ['mardi'], every: 3, from: '2026-11-30', until: '2027-01-31' }, ['2026-12-01', '2026-12-22', '2027-01-12']],
    ['one week in 4, across the ISO week 53 of 2026', { weekdays: ['lundi'], every: 4, from: '2026-11-30', until: '2027-02-28' }, ['2026-11-30', '2026-12-28', '2027-01-25', '2027-02-22']],
    ['a one-day period on the weekday', { weekdays: ['jeudi'], every: 1, from: '2026-12-03', until: '2026-12-03' }, ['2026-12-03']],
    ['a one-day period on another weekday', { weekdays: ['jeudi'], every: 1, from: '2026-12-02', until: '2026-12-02' }, []],
    ['until before from', { weekdays: ['lundi'], every: 1, from: '2026-12-14', until: '2026-12-01' }, []],
    ['no weekday', { weekdays: [], every: 1, from: '2026-11-30', until: '2026-12-31' }, []],
    [
      'across the daylight-saving change of March 2027',
      { weekdays: ['dimanche', 'lundi'], every: 1, from: '2027-03-27', until: '2027-04-05' },
      ['2027-03-28', '2027-03-29', '2027-04-04', '2027-04-05'],
    ],
  ])('%s', (_, pattern, expected) => {
    expect(recurringDates(pattern)).toEqual(expected);
  });

  it('refuses a malformed day', () => {
    expect(() => recurringDates({ weekdays: ['lundi'], every: 1, from: '2026-13-01', until: '2026-12-31' })).toThrow(RangeError);
  });
});

describe('rhythmWords', () => {
  it.each([
    [1, 'chaque semaine'],
    [2, 'une semaine sur 2'],
    [4, 'une semaine sur 4'],
  ] as const)('%i → %s', (every, words) => expect(rhythmWords(every)).toBe(words));
});
