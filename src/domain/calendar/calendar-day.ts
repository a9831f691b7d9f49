import { DateTime } from 'luxon';
import { PARIS_ZONE } from './paris-time.ts';

/**
 * A calendar day, 'YYYY-MM-DD', as the seed files and the database (`date`) hold it. Rules compare
 * days as strings (the format sorts lexicographically), so every day entering a rule is checked
 * first: a malformed string would otherwise compare "successfully" and give a wrong answer.
 */
export type CalendarDay = string;

export const FRENCH_WEEKDAYS = ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi', 'samedi', 'dimanche'] as const;
export type FrenchWeekday = (typeof FRENCH_WEEKDAYS)[number];

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** `Date.UTC` reads years 0–99 as 1900–1999: the time of a day of any four-digit year, without that trap. */
function utcTime(year: number, monthIndex: number, date: number): number {
  const time = new Date(0);
  time.setUTCFullYear(year, monthIndex, date);
  return time.getTime();
}

/**
 * A calendar day has no time zone: its arithmetic (adding days, the weekday, the ISO week) is done
 * on the UTC calendar, which is the same proleptic Gregorian calendar, without luxon's zone work.
 * Only the instants of a day (its Paris midnight, a deadline at 11:00) need Europe/Paris.
 * Returns the day's number since 1970-01-01; throws a RangeError for anything that is not a real
 * 'YYYY-MM-DD' day.
 */
export function dayNumber(day: CalendarDay): number {
  const match = DAY_PATTERN.exec(day);
  if (match) {
    const [year, month, date] = [Number(match[1]), Number(match[2]), Number(match[3])];
    const time = utcTime(year, month - 1, date);
    const check = new Date(time);
    if (check.getUTCFullYear() === year && check.getUTCMonth() === month - 1 && check.getUTCDate() === date) return time / DAY_MS;
  }
  throw new RangeError(`jour attendu au format AAAA-MM-JJ : ${JSON.stringify(day)}`);
}

/** The day of a number given by `dayNumber`. */
export function dayOfNumber(number: number): CalendarDay {
  return new Date(number * DAY_MS).toISOString().slice(0, 10);
}

/** Midnight in Paris of `day`; throws a RangeError for anything that is not a real 'YYYY-MM-DD' day. */
export function parisMidnight(day: CalendarDay): DateTime {
  dayNumber(day);
  return DateTime.fromISO(day, { zone: PARIS_ZONE });
}

export function assertCalendarDay(day: CalendarDay): CalendarDay {
  dayNumber(day);
  return day;
}

export function addDays(day: CalendarDay, days: number): CalendarDay {
  return dayOfNumber(dayNumber(day) + days);
}

/** 1 = Monday … 7 = Sunday (ISO). 1970-01-01 was a Thursday. */
export function isoWeekdayOf(day: CalendarDay): number {
  return ((((dayNumber(day) + 3) % 7) + 7) % 7) + 1;
}

/** The ISO week-year and week number of a day (2027-01-01 is in week 53 of 2026). */
export function isoWeekParts(day: CalendarDay): { weekYear: number; weekNumber: number } {
  const number = dayNumber(day);
  // The ISO week belongs to the year of its Thursday.
  const thursday = number - isoWeekdayOf(day) + 4;
  const weekYear = new Date(thursday * DAY_MS).getUTCFullYear();
  const firstOfYear = utcTime(weekYear, 0, 1) / DAY_MS;
  return { weekYear, weekNumber: Math.floor((thursday - firstOfYear) / 7) + 1 };
}

/** Monday of ISO week `weekNumber` of `weekYear` (week 1 holds 4 January). */
export function mondayOfIsoWeek(weekYear: number, weekNumber: number): CalendarDay {
  const fourthOfJanuary = utcTime(weekYear, 0, 4) / DAY_MS;
  const weekday = ((((fourthOfJanuary + 3) % 7) + 7) % 7) + 1;
  return dayOfNumber(fourthOfJanuary - (weekday - 1) + 7 * (weekNumber - 1));
}

export function frenchWeekdayOf(day: CalendarDay): FrenchWeekday {
  return FRENCH_WEEKDAYS[isoWeekdayOf(day) - 1]!;
}

export function isoWeekdayNumber(weekday: FrenchWeekday): number {
  return FRENCH_WEEKDAYS.indexOf(weekday) + 1;
}
