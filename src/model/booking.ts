import type { ChangeRefusal, DoneAction, BookingObstacle } from '../domain/booking-grid.ts';
import type { CalendarDay } from '../domain/calendar/calendar-day.ts';

export interface DoneChange {
  day: CalendarDay;
  activityId: number;
  activityName: string;
  action: DoneAction;
  /** For `waiting`: 1 = first in the waiting list. */
  waitingRank?: number;
}

export interface RefusedChange {
  day: CalendarDay;
  activityId: number;
  /** Null when the form named an activity that does not exist. */
  activityName: string | null;
  reason: ChangeRefusal;
}

/** One date of a semaine type: booked (or to book), on the waiting list, already held, or refused and why. */
export type RecurringLine =
  | { day: CalendarDay; kind: 'booked' }
  | { day: CalendarDay; kind: 'waiting'; waitingRank?: number }
  | { day: CalendarDay; kind: 'held'; holding: 'booked' | 'waiting' }
  | { day: CalendarDay; kind: 'refused'; reason: BookingObstacle };

