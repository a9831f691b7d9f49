import { addDays, isoWeekdayOf, type CalendarDay, type FrenchWeekday } from './calendar/calendar-day.ts';
import type { ClosedDay, DayStatus } from './calendar/closed-days.ts';

/**
 * The attendance sheet of an activity on a day (DESIGN §8): who is expected (booked), who waits,
 * who was marked present or absent, including a child who came without a booking. Pure: the
 * service gives it the rows and `today`; refusals are codes, worded by `src/i18n`.
 */

export type AttendanceStatus = 'present' | 'absent';

/** What the sheet needs to know of each child that has a booking or a mark for the day. */
export interface SheetFacts {
  memberId: number;
  /** The child's booking for the day: null when none, or when cancelled. */
  bookingStatus: 'booked' | 'waiting' | null;
  /** 1 for the first child waiting; null unless waiting. */
  waitingRank: number | null;
  attendance: AttendanceStatus | null;
}

export interface SheetCounts {
  booked: number;
  present: number;
  absent: number;
  /** Booked children nobody has marked yet. */
  notMarked: number;
  /** Present without a booking (counted in `present` too). */
  presentWithoutBooking: number;
  waiting: number;
}

export interface Sheet<L extends SheetFacts> {
  /** The children staff mark: those booked, then those marked without a booking. */
  marked: L[];
  /** The waiting list, first in line first. */
  waiting: L[];
  counts: SheetCounts;
}

export function buildSheet<L extends SheetFacts>(lines: readonly L[]): Sheet<L> {
  const booked = lines.filter((line) => line.bookingStatus === 'booked');
  const withoutBooking = lines.filter((line) => line.bookingStatus !== 'booked' && line.attendance !== null);
  const marked = [...booked, ...withoutBooking];
  const waiting = lines
    .filter((line) => line.bookingStatus === 'waiting')
    .sort((a, b) => (a.waitingRank ?? Infinity) - (b.waitingRank ?? Infinity));
  return {
    marked,
    waiting,
    counts: {
      booked: booked.length,
      present: marked.filter((line) => line.attendance === 'present').length,
      absent: marked.filter((line) => line.attendance === 'absent').length,
      notMarked: booked.filter((line) => line.attendance === null).length,
      presentWithoutBooking: withoutBooking.filter((line) => line.attendance === 'present').length,
      waiting: waiting.length,
    },
  };
}

/** Why a day's attendance cannot be taken: the day is closed, or has not come yet. */
export type MarkingRefusal = { code: 'day_closed'; day: ClosedDay } | { code: 'not_arrived' };

/** Why a day's attendance cannot be taken; undefined when it can. */
export function markingRefusal(day: CalendarDay, today: CalendarDay, status: DayStatus): MarkingRefusal | undefined {
  if (!status.open) return { code: 'day_closed', day: status };
  if (day > today) return { code: 'not_arrived' };
  return undefined;
}

/** The days from `from` to `to`, both included. */
export function daysBetween(from: CalendarDay, to: CalendarDay): CalendarDay[] {
  const days: CalendarDay[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Why a period cannot be exported or counted: it ends before it starts, or is longer than allowed. */
export type PeriodRefusal = { code: 'ends_before_start' } | { code: 'too_long'; maxDays: number };

/** Why a period cannot be exported or counted; undefined when it can. */
export function periodRefusal(from: CalendarDay, to: CalendarDay, maxDays: number): PeriodRefusal | undefined {
  if (from > to) return { code: 'ends_before_start' };
  if (addDays(from, maxDays - 1) < to) return { code: 'too_long', maxDays };
  return undefined;
}

/**
 * The days a per-day list shows for an activity: Monday to Friday (a closed one is listed with
 * why), and Saturday or Sunday only when the activity runs on it.
 */
export function listedDays(from: CalendarDay, to: CalendarDay, activityDays: readonly FrenchWeekday[]): CalendarDay[] {
  return daysBetween(from, to).filter((day) => {
    const weekday = isoWeekdayOf(day);
    return weekday <= 5 || activityDays.includes(weekday === 6 ? 'samedi' : 'dimanche');
  });
}
