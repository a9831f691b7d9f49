import { describe, expect, it } from 'vitest';
import { dayNumber, isoWeekParts, mondayOfIsoWeek } from '../../src/domain/calendar/calendar-day.ts';
import { birthYears, CALENDAR_YEARS, isoWeeksIn, parseDayInput, parseMonthInput, parseWeekInput, schoolYears } from '../../src/domain/date-input.ts';
import { dateRefusalWords } from '../../src/i18n/input-words.ts';

const TODAY = '2026-11-23';
const SCHOOL = schoolYears(TODAY);

describe('the spans of years', () => {
  it('takes five school years back and two ahead around today, and birth dates from 1900 to this year', () => {
    expect(SCHOOL).toEqual({ fromYear: 2021, toYear: 2036 });
    expect(birthYears(TODAY)).toEqual({ fromYear: 1900, toYear: 2026 });
    expect(CALENDAR_YEARS).toEqual({ fromYear: 1900, toYear: 2199 });
  });
});

describe('parseDayInput', () => {
  it.each([
    ['2026-11-26', SCHOOL, '2026-11-26'],
    ['26/11/2026', SCHOOL, '2026-11-26'],
    [' 1/3/2027 ', SCHOOL, '2027-03-01'],
    ['2028-02-29', SCHOOL, '2028-02-29'],
    ['1900-01-01', birthYears(TODAY), '1900-01-01'],
  ])('reads %j as a day', (input, span, day) => {
    expect(parseDayInput(input, span)).toEqual({ ok: true, value: day });
  });

  it.each([
    ['', 'missing'],
    ['   ', 'missing'],
    [undefined, 'missing'],
    [['2026-11-26'], 'missing'],
    ['2026-02-30', 'malformed'],
    ['2027-02-29', 'malformed'],
    ['2026-13-01', 'malformed'],
    ['2026-00-10', 'malformed'],
    ['31/04/2026', 'malformed'],
    ['26-11-2026', 'malformed'],
    ['2026-11-26T00:00', 'malformed'],
    ['+02026-11-26', 'malformed'],
    ['0001-01-01', 'out_of_range'],
    ['0099-12-31', 'out_of_range'],
    ['1999-12-31', 'out_of_range'],
    ['2037-01-01', 'out_of_range'],
    ['9999-12-31', 'out_of_range'],
  ])('refuses %j as %s', (input, code) => {
    expect(parseDayInput(input, SCHOOL)).toEqual({ ok: false, refusal: { kind: 'day', code, span: SCHOOL } });
  });
});

describe('parseMonthInput', () => {
  it.each([
    ['2026-11', '2026-11'],
    ['2021-01', '2021-01'],
    ['2036-12', '2036-12'],
  ])('reads %j', (input, month) => {
    expect(parseMonthInput(input, SCHOOL)).toEqual({ ok: true, value: month });
  });

  it.each([
    ['', 'missing'],
    ['2026-13', 'malformed'],
    ['2026-00', 'malformed'],
    ['2026-1', 'malformed'],
    ['11/2026', 'malformed'],
    ['2026-11-01', 'malformed'],
    ['0001-01', 'out_of_range'],
    ['0099-12', 'out_of_range'],
    ['9999-12', 'out_of_range'],
    ['2020-12', 'out_of_range'],
  ])('refuses %j as %s', (input, code) => {
    expect(parseMonthInput(input, SCHOOL)).toEqual({ ok: false, refusal: { kind: 'month', code, span: SCHOOL } });
  });
});

describe('parseWeekInput', () => {
  it.each([
    ['2026-W48', '2026-W48'],
    ['2026w5', '2026-W05'],
    // 2026 begins on a Thursday: it has a week 53, which holds 1 January 2027.
    ['2026-W53', '2026-W53'],
    ['2027-01-01', '2026-W53'],
    ['26/11/2026', '2026-W48'],
  ])('reads %j', (input, week) => {
    expect(parseWeekInput(input, SCHOOL)).toEqual({ ok: true, value: week });
  });

  it.each([
    ['', 'missing'],
    // 2027 begins on a Friday: 52 weeks only.
    ['2027-W53', 'malformed'],
    ['2026-W00', 'malformed'],
    ['2026-W54', 'malformed'],
    ['2026-02-30', 'malformed'],
    ['0001-W01', 'out_of_range'],
    ['9999-W52', 'out_of_range'],
    ['0001-01-01', 'out_of_range'],
  ])('refuses %j as %s', (input, code) => {
    expect(parseWeekInput(input, SCHOOL)).toEqual({ ok: false, refusal: { kind: 'week', code, span: SCHOOL } });
  });

  it.each([
    [2015, 53],
    [2020, 53],
    [2026, 53],
    [2027, 52],
    [2032, 53],
    [2100, 52],
  ])('knows that %i has %i ISO weeks', (year, weeks) => {
    expect(isoWeeksIn(year)).toBe(weeks);
  });
});

describe('dateRefusalWords', () => {
  it.each([
    [{ kind: 'day', code: 'missing' }, 'Saisissez une date, par exemple 14/03/2026'],
    [{ kind: 'month', code: 'malformed' }, 'Saisissez un mois valide, par exemple 2026-11'],
    [{ kind: 'week', code: 'out_of_range' }, 'Saisissez une semaine entre 2021 et 2036'],
    [{ kind: 'day', code: 'out_of_range' }, 'Saisissez une date entre 2021 et 2036'],
  ] as const)('says %j in French', (refusal, words) => {
    expect(dateRefusalWords({ ...refusal, span: SCHOOL })).toBe(words);
  });
});

describe('the day arithmetic, whatever year reaches it', () => {
  it('counts days of years 0–99 as those years, not as 1900–1999 (Date.UTC)', () => {
    expect(dayNumber('0001-01-01')).toBe(-719_162);
    expect(dayNumber('0099-12-31')).toBeLessThan(dayNumber('1900-01-01'));
    expect(isoWeekParts('0099-12-31').weekYear).toBe(99);
    expect(mondayOfIsoWeek(50, 1).startsWith('0050-')).toBe(true);
  });
});
