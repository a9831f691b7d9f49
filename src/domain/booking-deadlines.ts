import { deadlineFor, opensAtFor, type BookingHorizon, type BookingRule, type WindowOptions } from './booking-window.ts';
import { dayOfNumber } from './calendar/calendar-day.ts';
import { dayStatus, type ActivityDays, type CommuneCalendar } from './calendar/closed-days.ts';

/**
 * The next booking deadline of the dashboard, reckoned for many families at little cost (DESIGN
 * « Read models apart from commands »: convert a day to its Paris instants once, then compare
 * numbers).
 *
 * What a day is for an activity — open or closed, when booking it closes, when it opens — depends
 * on the commune's calendar and the activity's rules, not on the family nor on the time. It is
 * reckoned once per commune, activity and day by the very rules the grid and the week change use
 * (`dayStatus`, `deadlineFor`, `opensAtFor`), and kept; a page then only walks day numbers and
 * compares milliseconds with `now`.
 */

/** One day of one activity, whatever the family and the time. Instants in epoch milliseconds. */
export interface DayBookingFacts {
  /** The activity takes children that day (weekdays, public holidays, closures, school calendar). */
  open: boolean;
  /** When booking the day closes (meaningless on a closed day). */
  deadline: number;
  /** When booking opens: undefined when it is open whatever the date, null when it cannot be said. */
  opensAt: number | undefined | null;
}

/** What of an activity its days depend on: its days and kind, its booking rule and horizon. */
export interface BookableActivity extends ActivityDays {
  rules: { booking: BookingRule; horizon?: BookingHorizon | undefined };
}

/** The facts of `day` (a day number, see `dayNumber`) for `activity`. */
export function dayBookingFacts(activity: BookableActivity, day: number, calendar: CommuneCalendar, options: WindowOptions): DayBookingFacts {
  const calendarDay = dayOfNumber(day);
  if (!dayStatus(calendarDay, activity, calendar).open) return { open: false, deadline: Number.NaN, opensAt: undefined };
  const opensAt = activity.rules.horizon ? opensAtFor(activity.rules.horizon, calendarDay, options) : undefined;
  return {
    open: true,
    deadline: deadlineFor(activity.rules.booking, calendarDay, options).getTime(),
    opensAt: opensAt instanceof Date ? opensAt.getTime() : opensAt,
  };
}

/**
 * The first day of `from`…`to` (day numbers, both included) that can be booked at `now`, and its
 * deadline: the same answer as `firstOpenWindow` over `changeWindow(…, 'booking', …)` of the open
 * days. Deadlines and opening dates move on (never back) as the day moves on, so the first open day
 * is the one closing first, and once a day is not open yet no later day is: the walk stops there.
 */
export function firstBookableDay(
  from: number,
  to: number,
  now: number,
  factsOf: (day: number) => DayBookingFacts,
): { day: number; deadline: number } | undefined {
  for (let day = from; day <= to; day += 1) {
    const facts = factsOf(day);
    if (!facts.open || now >= facts.deadline) continue;
    if (facts.opensAt === null || (facts.opensAt !== undefined && now < facts.opensAt)) return undefined;
    return { day, deadline: facts.deadline };
  }
  return undefined;
}

/**
 * Keeps the facts of each (commune calendar, activity, day), for every family of the commune. A
 * calendar is one object per commune and settings (`calendarService`); an activity is known by the
 * fields the facts depend on, so a commune file applied again with other rules gets fresh facts.
 * Bounded: past `limit` days kept for one activity, its facts are reckoned again.
 */
export function bookingFactsCache(limit = 5_000) {
  const byCalendar = new WeakMap<CommuneCalendar, Map<string, Map<number, DayBookingFacts>>>();

  return function factsOf(calendar: CommuneCalendar, options: WindowOptions, activity: BookableActivity): (day: number) => DayBookingFacts {
    let byActivity = byCalendar.get(calendar);
    if (!byActivity) byCalendar.set(calendar, (byActivity = new Map()));
    const key = JSON.stringify([activity.kind, activity.days, activity.rules.booking, activity.rules.horizon ?? null]);
    let days = byActivity.get(key);
    if (!days) byActivity.set(key, (days = new Map()));
    const kept = days;
    return (day) => {
      let facts = kept.get(day);
      if (!facts) {
        facts = dayBookingFacts(activity, day, calendar, options);
        if (kept.size >= limit) kept.clear();
        kept.set(day, facts);
      }
      return facts;
    };
  };
}
