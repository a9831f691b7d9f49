import { addDays, frenchWeekdayOf, parisMidnight, type CalendarDay, type FrenchWeekday } from './calendar/calendar-day.ts';

/**
 * The semaine type (DESIGN §7 Recurring booking): the dates a weekly pattern gives. Pure.
 *
 * Weeks are counted from the ISO week of the period's first day: with a rhythm of 2, that week,
 * the week two weeks later, and so on, whatever weekday the period starts on.
 */

export const RHYTHMS = [1, 2, 3, 4] as const;
export type Rhythm = (typeof RHYTHMS)[number];

export interface RecurringPattern {
  weekdays: readonly FrenchWeekday[];
  /** Every week (1), one week in 2, 3 or 4. */
  every: Rhythm;
  from: CalendarDay;
  until: CalendarDay;
}

/** The number of whole weeks between the ISO weeks of two days (b after a). */
function weeksBetween(a: CalendarDay, b: CalendarDay): number {
  const mondayA = parisMidnight(a).startOf('week');
  const mondayB = parisMidnight(b).startOf('week');
  return Math.round(mondayB.diff(mondayA, 'days').days / 7);
}

/** The dates of the pattern, in order; none when `until` is before `from` or no weekday is chosen. */
export function recurringDates(pattern: RecurringPattern): CalendarDay[] {
  parisMidnight(pattern.from);
  parisMidnight(pattern.until);
  const weekdays = new Set(pattern.weekdays);
  const dates: CalendarDay[] = [];
  if (!weekdays.size) return dates;
  for (let day = pattern.from; day <= pattern.until; day = addDays(day, 1)) {
    if (weekdays.has(frenchWeekdayOf(day)) && weeksBetween(pattern.from, day) % pattern.every === 0) dates.push(day);
  }
  return dates;
}
