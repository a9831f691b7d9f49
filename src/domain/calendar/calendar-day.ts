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

const DAY_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

/** Midnight in Paris of `day`; throws a RangeError for anything that is not a real 'YYYY-MM-DD' day. */
export function parisMidnight(day: CalendarDay): DateTime {
  const parsed = DAY_PATTERN.test(day) ? DateTime.fromISO(day, { zone: PARIS_ZONE }) : undefined;
  if (!parsed?.isValid) throw new RangeError(`jour attendu au format AAAA-MM-JJ : ${JSON.stringify(day)}`);
  return parsed;
}

export function assertCalendarDay(day: CalendarDay): CalendarDay {
  parisMidnight(day);
  return day;
}

export function addDays(day: CalendarDay, days: number): CalendarDay {
  return parisMidnight(day).plus({ days }).toISODate()!;
}

/** 1 = Monday … 7 = Sunday (ISO). */
export function isoWeekdayOf(day: CalendarDay): number {
  return parisMidnight(day).weekday;
}

export function frenchWeekdayOf(day: CalendarDay): FrenchWeekday {
  return FRENCH_WEEKDAYS[isoWeekdayOf(day) - 1]!;
}

export function isoWeekdayNumber(weekday: FrenchWeekday): number {
  return FRENCH_WEEKDAYS.indexOf(weekday) + 1;
}
