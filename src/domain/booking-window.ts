import { DateTime } from 'luxon';
import { addDays, isoWeekdayNumber, isoWeekdayOf, parisMidnight, type CalendarDay, type FrenchWeekday } from './calendar/calendar-day.ts';
import { PARIS_ZONE } from './calendar/paris-time.ts';
import { isPublicHoliday, type HolidayOptions } from './calendar/public-holidays.ts';
import type { SchoolCalendar } from './calendar/school-holidays.ts';

/**
 * The booking window (délai de prévenance, DESIGN §7): until when a day can be booked or
 * cancelled, and from when it can be booked. Pure: `now` and the data are arguments, and every
 * instant is reckoned in Europe/Paris, whatever the server's zone.
 *
 * The shapes mirror `bookingWindowSchema` and `horizonSchema` of the commune file.
 */

export type BookingRule =
  | { type: 'weekly'; weekday: FrenchWeekday; time: string; weeksBefore: number }
  | { type: 'days_before'; days: number; dayKind: 'calendar' | 'working'; time: string };

export type BookingHorizon = { weeksAhead: number } | { from: CalendarDay } | { until: 'end_of_school_year' };

export type ChangeKind = 'booking' | 'cancelling';

export interface WindowOptions {
  /** Needed by the `end_of_school_year` horizon. */
  schoolCalendar?: SchoolCalendar;
  /** Which public holidays a working day skips (Alsace-Moselle has two more). */
  publicHolidays?: HolidayOptions;
}

export type WindowState =
  | { open: true; deadline: Date }
  | { open: false; reason: 'past_deadline'; deadline: Date }
  | { open: false; reason: 'not_open_yet'; deadline: Date; opensAt?: Date };

/** Cancelling follows the booking rule unless the commune set one of its own. */
export function ruleFor(
  activity: { booking: BookingRule; cancelling?: BookingRule | undefined },
  change: ChangeKind,
): BookingRule {
  return change === 'cancelling' ? (activity.cancelling ?? activity.booking) : activity.booking;
}

/**
 * The instant from which changes to `targetDay` are closed (closed *at* that instant: 10:59:59 is
 * still open for an 11:00 deadline).
 *
 * - `weekly`: the rule's weekday and time in the ISO week `weeksBefore` weeks before the target's.
 *   The weekday is not moved when it is a public holiday: the deadline is an online cut-off, and
 *   Échirolles publishes « le jeudi 11h », Ascension Thursday included.
 * - `days_before`, calendar: N days before the target at the rule's time.
 * - `days_before`, working: the Nth working day (Monday to Friday, public holidays excluded)
 *   strictly before the target. The target's own status does not count: a target on a Saturday, a
 *   Sunday or a public holiday is reckoned like any other day (« J-2 » of Saturday 28 November is
 *   Thursday 26), so the count never depends on whether the day itself is worked. With 0 days, the
 *   deadline is the target day itself at the rule's time.
 *
 * The time is a Paris wall-clock time, so a daylight-saving change never moves it; a time that
 * does not exist on a spring-forward night would move an hour later (luxon), which no rule uses.
 */
export function deadlineFor(rule: BookingRule, targetDay: CalendarDay, options: WindowOptions = {}): Date {
  let deadlineDay: CalendarDay;
  if (rule.type === 'weekly') {
    const monday = addDays(targetDay, 1 - isoWeekdayOf(targetDay));
    deadlineDay = addDays(monday, -7 * rule.weeksBefore + isoWeekdayNumber(rule.weekday) - 1);
  } else if (rule.dayKind === 'calendar') {
    deadlineDay = addDays(targetDay, -rule.days);
  } else {
    deadlineDay = targetDay;
    for (let counted = 0; counted < rule.days; ) {
      deadlineDay = addDays(deadlineDay, -1);
      if (isoWeekdayOf(deadlineDay) <= 5 && !isPublicHoliday(deadlineDay, options.publicHolidays)) counted += 1;
    }
  }
  return parisInstant(deadlineDay, rule.time);
}

/**
 * `day` at `time` (HH:MM) on Paris clocks. The one step of a deadline that needs the time zone,
 * and the costly one: the same few deadlines come back for every day and child of a page, so the
 * answers are kept (a few thousand days at most: the cache is emptied past that).
 */
const parisInstants = new Map<string, number>();
function parisInstant(day: CalendarDay, time: string): Date {
  const key = `${day}T${time}`;
  let instant = parisInstants.get(key);
  if (instant === undefined) {
    const { hour, minute } = parseTime(time);
    const midnight = parisMidnight(day);
    instant = DateTime.fromObject({ year: midnight.year, month: midnight.month, day: midnight.day, hour, minute }, { zone: PARIS_ZONE }).toMillis();
    if (parisInstants.size >= 10_000) parisInstants.clear();
    parisInstants.set(key, instant);
  }
  return new Date(instant);
}

/**
 * When booking `targetDay` opens; `undefined` when it is already open whatever the date, `null`
 * when it cannot be said (the day is beyond the school-holiday data).
 *
 * - `weeksAhead: N`: the target's ISO week must be at most N weeks after the current one, so
 *   booking opens on the Monday, 00:00, N weeks before the target's week.
 * - `from`: that day at 00:00.
 * - `until: 'end_of_school_year'`: booking reaches the end of the current school year, and the
 *   current year turns over when the summer holidays start, not at the rentrée: otherwise the first
 *   week of September, whose weekly deadline falls in late August, could never be booked. A target
 *   of school year Y therefore opens on the first day of the summer of Y−1, 00:00 (or on Y's first
 *   day if Y−1 lists no summer); a target of the first year in the data is open; a target beyond
 *   the data is not open yet, with no date to give.
 */
export function opensAtFor(
  horizon: BookingHorizon,
  targetDay: CalendarDay,
  options: WindowOptions = {},
): Date | undefined | null {
  // Paris midnights of a few days (a Monday, a summer's first day): kept by `parisInstant`, as
  // the deadlines are, rather than reckoned again for every day of a grid or of the dashboard.
  if ('weeksAhead' in horizon) {
    const monday = addDays(targetDay, 1 - isoWeekdayOf(targetDay));
    return parisInstant(addDays(monday, -7 * horizon.weeksAhead), '00:00');
  }
  if ('from' in horizon) return parisInstant(horizon.from, '00:00');

  const calendar = options.schoolCalendar;
  if (!calendar) throw new Error("l'horizon « fin de l'année scolaire » demande le calendrier scolaire");
  const yearName = calendar.schoolYearOf(targetDay);
  if (!yearName) return null;
  const index = calendar.years.findIndex((year) => year.name === yearName);
  const previous = calendar.years[index - 1];
  if (!previous) return undefined;
  return parisInstant(previous.summer?.from ?? calendar.years[index]!.firstDay, '00:00');
}

/**
 * Whether a change to `targetDay` is allowed at `now`. Pass the horizon for bookings only: a day
 * already booked can be cancelled until its deadline, however far ahead it is.
 */
export function windowState(
  rule: BookingRule,
  horizon: BookingHorizon | undefined,
  targetDay: CalendarDay,
  now: Date,
  options: WindowOptions = {},
): WindowState {
  const deadline = deadlineFor(rule, targetDay, options);
  if (now.getTime() >= deadline.getTime()) return { open: false, reason: 'past_deadline', deadline };
  const opensAt = horizon ? opensAtFor(horizon, targetDay, options) : undefined;
  if (opensAt === null) return { open: false, reason: 'not_open_yet', deadline };
  if (opensAt && now.getTime() < opensAt.getTime()) return { open: false, reason: 'not_open_yet', deadline, opensAt };
  return { open: true, deadline };
}

/** The window of one activity for a booking or a cancellation. */
export function changeWindow(
  activity: { booking: BookingRule; cancelling?: BookingRule | undefined; horizon?: BookingHorizon | undefined },
  change: ChangeKind,
  targetDay: CalendarDay,
  now: Date,
  options: WindowOptions = {},
): WindowState {
  const horizon = change === 'booking' ? activity.horizon : undefined;
  return windowState(ruleFor(activity, change), horizon, targetDay, now, options);
}

function parseTime(time: string): { hour: number; minute: number } {
  const match = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(time);
  if (!match) throw new RangeError(`heure attendue au format HH:MM : ${JSON.stringify(time)}`);
  return { hour: Number(match[1]), minute: Number(match[2]) };
}
