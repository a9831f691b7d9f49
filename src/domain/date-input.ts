import { isoWeekParts, type CalendarDay } from './calendar/calendar-day.ts';

/**
 * Every date, month and week a person types or a URL carries is read here, and nowhere else: the
 * shape (« 2026-11-26 » or « 26/11/2026 », « 2026-11 », « 2026-W48 » or a day of that week), a real
 * day (no 30 February, no month 13, no week 53 in a year of 52), and a span of years. The rules
 * downstream do day arithmetic (`calendar-day.ts`) and compare days as strings: a year of one, two
 * or three digits, or 9999, would give them wrong answers or a RangeError (a 500), so it stops here
 * with a code that `src/i18n/input-words.ts` says in French.
 *
 * The spans, decided once:
 * - `CALENDAR_YEARS` (1900–2199): any day the portal stores or computes with at all; the floor of
 *   every other span.
 * - `birthYears(today)`: 1900 through this year, for a date of birth.
 * - `schoolYears(today)`: five years back (invoices, direct debits, history and quotient
 *   attestations of earlier school years) through ten years ahead, for the months, weeks and days
 *   of the portal's pages and of the back-office. Ahead, the rules themselves say what is too far
 *   (the booking horizon, a quotient's start, a month not yet over): the span only stops what no
 *   rule was written for — a year of the wrong century, 0001 or 9999 — and leaves room for the
 *   back-office's far months (the direct-debit tests run on 2031–2033 to stay clear of the demo's).
 */

export interface YearSpan {
  fromYear: number;
  toYear: number;
}

export type DateKind = 'day' | 'month' | 'week';

/** Why an input is not taken: nothing typed, not a real date of that shape, or a year outside the span. */
export interface DateRefusal {
  kind: DateKind;
  code: 'missing' | 'malformed' | 'out_of_range';
  span: YearSpan;
}

export type DateInput<T> = { ok: true; value: T } | { ok: false; refusal: DateRefusal };

export const CALENDAR_YEARS: YearSpan = { fromYear: 1900, toYear: 2199 };

const yearOf = (today: CalendarDay) => Number(today.slice(0, 4));

export function birthYears(today: CalendarDay): YearSpan {
  return { fromYear: CALENDAR_YEARS.fromYear, toYear: yearOf(today) };
}

export function schoolYears(today: CalendarDay): YearSpan {
  return { fromYear: yearOf(today) - 5, toYear: yearOf(today) + 10 };
}

const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const FRENCH_DAY = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const WEEK = /^(\d{4})-?W(\d{1,2})$/i;

const isLeap = (year: number) => (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;

function daysInMonth(year: number, month: number): number {
  return month === 2 ? (isLeap(year) ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
}

/** ISO weeks in a week-year: 28 December is always in its last week. Years of `CALENDAR_YEARS` only. */
export function isoWeeksIn(year: number): number {
  return isoWeekParts(`${year}-12-28`).weekNumber;
}

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

function refuse<T>(kind: DateKind, code: DateRefusal['code'], span: YearSpan): DateInput<T> {
  return { ok: false, refusal: { kind, code, span } };
}

const textOf = (input: unknown) => (typeof input === 'string' ? input.trim() : '');

/** A day typed as 2026-11-26 (date picker) or 26/11/2026 (by hand), a real one within `span`. */
export function parseDayInput(input: unknown, span: YearSpan): DateInput<CalendarDay> {
  const text = textOf(input);
  if (!text) return refuse('day', 'missing', span);
  const iso = ISO_DAY.exec(text);
  const french = iso ? null : FRENCH_DAY.exec(text);
  if (!iso && !french) return refuse('day', 'malformed', span);
  const [year, month, day] = iso ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : [Number(french![3]), Number(french![2]), Number(french![1])];
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return refuse('day', 'malformed', span);
  if (year < span.fromYear || year > span.toYear) return refuse('day', 'out_of_range', span);
  return { ok: true, value: `${pad(year, 4)}-${pad(month)}-${pad(day)}` };
}

/** A month typed as 2026-11 (month picker, `?mois=`), within `span`. */
export function parseMonthInput(input: unknown, span: YearSpan): DateInput<string> {
  const text = textOf(input);
  if (!text) return refuse('month', 'missing', span);
  const match = MONTH.exec(text);
  if (!match) return refuse('month', 'malformed', span);
  const [year, month] = [Number(match[1]), Number(match[2])];
  if (month < 1 || month > 12) return refuse('month', 'malformed', span);
  if (year < span.fromYear || year > span.toYear) return refuse('month', 'out_of_range', span);
  return { ok: true, value: `${match[1]}-${match[2]}` };
}

/**
 * A week as the week picker and the URL write it ('2026-W48', also '2026W48', '2026-w5'), or a day
 * of that week where the browser has no week picker; the week-year within `span`.
 */
export function parseWeekInput(input: unknown, span: YearSpan): DateInput<string> {
  const text = textOf(input);
  if (!text) return refuse('week', 'missing', span);
  const match = WEEK.exec(text);
  if (!match) {
    const day = parseDayInput(text, span);
    if (!day.ok) return refuse('week', day.refusal.code, span);
    const { weekYear, weekNumber } = isoWeekParts(day.value);
    return { ok: true, value: `${pad(weekYear, 4)}-W${pad(weekNumber)}` };
  }
  const [year, week] = [Number(match[1]), Number(match[2])];
  if (week < 1 || week > 53) return refuse('week', 'malformed', span);
  if (year < span.fromYear || year > span.toYear) return refuse('week', 'out_of_range', span);
  // Week 53 exists only in long years.
  if (week > isoWeeksIn(year)) return refuse('week', 'malformed', span);
  return { ok: true, value: `${match[1]}-W${pad(week)}` };
}
