import { changeWindow, type BookingHorizon, type BookingRule, type WindowOptions, type WindowState } from './booking-window.ts';
import { addDays, isoWeekdayOf, isoWeekParts, mondayOfIsoWeek, type CalendarDay, type FrenchWeekday } from './calendar/calendar-day.ts';
import type { ClosedDay, DayStatus } from './calendar/closed-days.ts';
import { CALENDAR_YEARS, parseWeekInput } from './date-input.ts';

/**
 * The weekly booking grid (DESIGN §7 Weekly grid): which ISO week, which days, and the state of
 * each (activity, day) cell from the registration, the calendar, the booking window and what is
 * already booked. Pure: `now` and the data are arguments; the service re-runs the same rules on
 * every write, whatever the form sent. It says why with codes; `src/i18n` words them.
 */

/** 'YYYY-Www', as `<input type="week">` and the URL (`?semaine=2026-W48`) write it. */
export type IsoWeek = string;

const WEEK_PATTERN = /^(\d{4})-?W(\d{1,2})$/i;

/** The ISO week a day belongs to (the year is the ISO week-year: 2027-01-01 is in 2026-W53). */
export function isoWeekOf(day: CalendarDay): IsoWeek {
  const { weekYear, weekNumber } = isoWeekParts(day);
  return `${weekYear}-W${String(weekNumber).padStart(2, '0')}`;
}

/** A week written '2026-W48' (or '2026W48', '2026-w5'); undefined when it is not a real week. */
export function parseIsoWeek(input: string): IsoWeek | undefined {
  if (!WEEK_PATTERN.test(input.trim())) return undefined;
  const week = parseWeekInput(input, CALENDAR_YEARS);
  return week.ok ? week.value : undefined;
}

/**
 * What the week picker sends: a week ('2026-W48') where the browser has `<input type="week">`, a
 * day otherwise ('2026-11-26' from `<input type="date">`, or '26/11/2026' typed by hand).
 */
export function weekFromInput(input: string): IsoWeek | undefined {
  const week = parseWeekInput(input, CALENDAR_YEARS);
  return week.ok ? week.value : undefined;
}

export function mondayOf(week: IsoWeek): CalendarDay {
  const parsed = parseIsoWeek(week);
  if (!parsed) throw new RangeError(`semaine attendue au format AAAA-Wss : ${JSON.stringify(week)}`);
  const [year, number] = parsed.split('-W').map(Number) as [number, number];
  return mondayOfIsoWeek(year, number);
}

/** The seven days of the week, Monday first. */
export function weekDays(week: IsoWeek): CalendarDay[] {
  const monday = mondayOf(week);
  return Array.from({ length: 7 }, (_, index) => addDays(monday, index));
}

export function shiftWeek(week: IsoWeek, weeks: number): IsoWeek {
  return isoWeekOf(addDays(mondayOf(week), 7 * weeks));
}

/** Monday to Friday, and Saturday or Sunday only when one of the activities runs on it. */
export function gridColumns(week: IsoWeek, activities: readonly { days: readonly FrenchWeekday[] }[]): CalendarDay[] {
  const runs = new Set(activities.flatMap((activity) => activity.days));
  return weekDays(week).filter((day) => {
    const weekday = isoWeekdayOf(day);
    return weekday <= 5 || runs.has(weekday === 6 ? 'samedi' : 'dimanche');
  });
}

/** The rules of one activity that the grid needs (a subset of the activity's commune-file rules). */
export interface ActivityRules {
  booking: BookingRule;
  cancelling?: BookingRule | undefined;
  horizon?: BookingHorizon | undefined;
}

/** What the child holds on a cell: a place, a ticket in the waiting list (with its rank), or nothing. */
export type Holding = { status: 'booked' } | { status: 'waiting'; rank: number } | null;

export interface CellFacts {
  day: CalendarDay;
  /** A validated registration of the child to the activity covers the day. */
  registered: boolean;
  dayStatus: DayStatus;
  holding: Holding;
  /** The activity has a capacity and every place of the day is taken. */
  full: boolean;
  bookingWindow: WindowState;
  cancellingWindow: WindowState;
}

/**
 * - `booked` réservé, `available` disponible, `full` complet (ticking joins the waiting list),
 *   `waiting` en liste d'attente: the parent can change these;
 * - `closed` fermé (with why), `locked` non modifiable (past the deadline, or not open yet): they
 *   cannot, and a locked cell still says whether the child has a place.
 */
export type CellState = 'booked' | 'available' | 'full' | 'waiting' | 'closed' | 'locked';

/**
 * Why a cell cannot change, or why a change is refused: no validated registration, a closed day,
 * a window past its deadline or not open yet.
 */
export type BookingObstacle =
  | { code: 'not_registered' }
  | { code: 'day_closed'; day: ClosedDay }
  | { code: 'past_deadline'; deadline: Date }
  | { code: 'not_open_yet'; opensAt?: Date };

/** What a week change refuses: an obstacle of the cell, or a cell the form should not have sent. */
/** `missing_document`: a mandatory document the commune file says blocks bookings (`blocksBooking`) is not accepted. */
export type ChangeRefusal = BookingObstacle | { code: 'unknown_activity' } | { code: 'outside_week' } | { code: 'missing_document'; documentName: string };

/** What a week change did to a cell. */
export type DoneAction = 'booked' | 'waiting' | 'cancelled' | 'left_waiting';

export interface Cell {
  day: CalendarDay;
  state: CellState;
  /** A checkbox is offered. */
  changeable: boolean;
  /** The child has a place or a ticket: the checkbox starts ticked. */
  held: 'booked' | 'waiting' | null;
  waitingRank?: number;
  /** Why a closed or locked cell is so; on a held cell still changeable, why it could not be booked again. */
  why?: BookingObstacle;
  /** Until when a booking of this day can be made (the booking rule's deadline). */
  deadline: Date;
}

function windowObstacle(state: WindowState & { open: false }): BookingObstacle {
  if (state.reason === 'past_deadline') return { code: 'past_deadline', deadline: state.deadline };
  return state.opensAt ? { code: 'not_open_yet', opensAt: state.opensAt } : { code: 'not_open_yet' };
}

export function cellOf(facts: CellFacts): Cell {
  const held = facts.holding?.status ?? null;
  const base = {
    day: facts.day,
    held,
    deadline: facts.bookingWindow.deadline,
    ...(facts.holding?.status === 'waiting' ? { waitingRank: facts.holding.rank } : {}),
  };
  const closed: BookingObstacle | undefined = !facts.registered
    ? { code: 'not_registered' }
    : !facts.dayStatus.open
      ? { code: 'day_closed', day: facts.dayStatus }
      : undefined;
  if (held) {
    // A place taken before the day closed (or the registration ended) can still be given back.
    if (!facts.cancellingWindow.open) return { ...base, state: 'locked', changeable: false, why: windowObstacle(facts.cancellingWindow) };
    return { ...base, state: held, changeable: true, ...(closed ? { why: closed } : {}) };
  }
  if (closed) return { ...base, state: 'closed', changeable: false, why: closed };
  if (!facts.bookingWindow.open) return { ...base, state: 'locked', changeable: false, why: windowObstacle(facts.bookingWindow) };
  return { ...base, state: facts.full ? 'full' : 'available', changeable: true };
}

/**
 * What to do with a cell the parent changed. `book` takes a place when there is one, else a ticket
 * in the waiting list: only the database can say, in the transaction.
 */
export type CellChange =
  | { kind: 'none' }
  | { kind: 'book' }
  | { kind: 'cancel' }
  | { kind: 'leave_waiting' }
  | { kind: 'refuse'; reason: BookingObstacle };

export function changeFor(facts: Omit<CellFacts, 'full'>, wanted: boolean): CellChange {
  const held = facts.holding?.status ?? null;
  if (wanted === (held !== null)) return { kind: 'none' };
  if (wanted) {
    if (!facts.registered) return { kind: 'refuse', reason: { code: 'not_registered' } };
    if (!facts.dayStatus.open) return { kind: 'refuse', reason: { code: 'day_closed', day: facts.dayStatus } };
    if (!facts.bookingWindow.open) return { kind: 'refuse', reason: windowObstacle(facts.bookingWindow) };
    return { kind: 'book' };
  }
  // Giving a place back is allowed on any day still inside its window: a day closed after it was
  // booked must not hold the child's place.
  if (!facts.cancellingWindow.open) return { kind: 'refuse', reason: windowObstacle(facts.cancellingWindow) };
  return held === 'waiting' ? { kind: 'leave_waiting' } : { kind: 'cancel' };
}

/** The booking and cancelling windows of one activity on one day. */
export function windowsOf(rules: ActivityRules, day: CalendarDay, now: Date, options: WindowOptions) {
  return {
    bookingWindow: changeWindow(rules, 'booking', day, now, options),
    cancellingWindow: changeWindow(rules, 'cancelling', day, now, options),
  };
}

/**
 * The week's deadline as the page states it above the grid: the next deadline still ahead among
 * the days a child could have (open and registered), and whether every such day shares it (the
 * weekly rule: « jeudi 11h pour toute la semaine suivante »); otherwise since when the week is closed.
 */
export type WeekDeadline =
  | { kind: 'open'; deadline: Date; sameForAllDays: boolean }
  | { kind: 'closed'; since: Date }
  | { kind: 'not_open_yet'; opensAt?: Date }
  | { kind: 'none' };

export function weekDeadline(windows: readonly WindowState[], now: Date): WeekDeadline {
  if (!windows.length) return { kind: 'none' };
  const ahead = windows.filter((window) => window.open).map((window) => window.deadline.getTime());
  const all = new Set(windows.map((window) => window.deadline.getTime()));
  if (ahead.length) return { kind: 'open', deadline: new Date(Math.min(...ahead)), sameForAllDays: all.size === 1 };
  const notYet = windows.filter((window) => !window.open && window.reason === 'not_open_yet');
  const passed = windows.filter((window) => window.deadline.getTime() <= now.getTime());
  if (notYet.length && !passed.length) {
    const opensAt = notYet
      .map((window) => (!window.open && window.reason === 'not_open_yet' ? window.opensAt : undefined))
      .filter((date): date is Date => Boolean(date))
      .sort((a, b) => a.getTime() - b.getTime())[0];
    return { kind: 'not_open_yet', ...(opensAt ? { opensAt } : {}) };
  }
  return { kind: 'closed', since: new Date(Math.max(...passed.map((window) => window.deadline.getTime()))) };
}

/**
 * The next booking deadline for a child (the dashboard): the earliest deadline still ahead among
 * the days of the coming weeks the child could book, and the first day it governs.
 */
export function nextDeadline(candidates: readonly { day: CalendarDay; window: WindowState }[]): { deadline: Date; firstDay: CalendarDay } | undefined {
  let best: { deadline: Date; firstDay: CalendarDay } | undefined;
  for (const { day, window } of candidates) {
    if (!window.open) continue;
    const time = window.deadline.getTime();
    if (!best || time < best.deadline.getTime() || (time === best.deadline.getTime() && day < best.firstDay)) {
      best = { deadline: window.deadline, firstDay: day };
    }
  }
  return best;
}

/**
 * The first day of `from`…`to` whose change window is open, with that window; `windowOf` answers
 * `undefined` for a day the activity does not run. Every rule's deadline moves on (never back) as
 * the target day moves on, and so does the opening date of a horizon: the first open window is
 * therefore the one closing first, and once a day is not open yet, no later day is. So the scan
 * stops there rather than reckoning every day of the range in Paris time.
 */
export function firstOpenWindow(
  from: CalendarDay,
  to: CalendarDay,
  windowOf: (day: CalendarDay) => WindowState | undefined,
): { day: CalendarDay; window: WindowState } | undefined {
  for (let day = from; day <= to; day = addDays(day, 1)) {
    const window = windowOf(day);
    if (!window) continue;
    if (window.open) return { day, window };
    if (window.reason === 'not_open_yet') return undefined;
  }
  return undefined;
}
