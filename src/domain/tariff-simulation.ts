import { addDays, dayNumber, frenchWeekdayOf, type CalendarDay, type FrenchWeekday } from './calendar/calendar-day.ts';
import { dayStatus, type ActivityDays, type ClosedReason, type CommuneCalendar } from './calendar/closed-days.ts';
import { priceLine, unitPrice, type PricedLine, type PricingContext, type Tariff, type UnitPrice } from './tariffs.ts';

/**
 * The tariff simulator's estimate (DESIGN §7, Tariffs): a typical week priced over one month of the
 * commune's calendar, line by line. The days are the month's days of the chosen weekdays on which
 * the activity takes children, so a month with holidays or public holidays costs less.
 */

/** A month, 'YYYY-MM'. */
export type Month = string;

const MONTH_PATTERN = /^(\d{4})-(0[1-9]|1[0-2])$/;

export function isMonth(value: string): boolean {
  return MONTH_PATTERN.test(value);
}

export function monthOf(day: CalendarDay): Month {
  dayNumber(day);
  return day.slice(0, 7);
}

export function nextMonth(month: Month): Month {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 12 ? `${year + 1}-01` : `${year}-${String(number + 1).padStart(2, '0')}`;
}

/** Every day of the month, in order. */
export function daysOfMonth(month: Month): CalendarDay[] {
  if (!isMonth(month)) throw new RangeError(`month expected as YYYY-MM: ${JSON.stringify(month)}`);
  const days: CalendarDay[] = [];
  for (let day = `${month}-01`; day.startsWith(month); day = addDays(day, 1)) days.push(day);
  return days;
}

/**
 * The months a person may estimate: from the month after `today` through the month of `lastDay`
 * (the last day of class of the last school year open), so every choice is a whole month to come.
 */
export function monthsAhead(today: CalendarDay, lastDay: CalendarDay | undefined): Month[] {
  if (!lastDay) return [];
  const months: Month[] = [];
  for (let month = nextMonth(monthOf(today)); month <= monthOf(lastDay); month = nextMonth(month)) months.push(month);
  return months;
}

export interface SimulatedActivity extends ActivityDays {
  code: string;
  tariff: Tariff;
}

/** The days of the chosen weekdays the activity does not take children, grouped by why. */
export interface ClosedDays {
  reason: ClosedReason;
  name?: string;
  days: number;
}

export interface SimulationLine {
  code: string;
  weekdays: FrenchWeekday[];
  unit: UnitPrice;
  line: PricedLine;
  closed: ClosedDays[];
}

export interface Simulation {
  month: Month;
  /** The unit price of every activity, chosen or not. */
  prices: { code: string; unit: UnitPrice }[];
  /** One line per activity with at least one weekday chosen, in the activities' order. */
  lines: SimulationLine[];
  /** Cents. */
  total: number;
}

export interface SimulationInput {
  month: Month;
  /** The weekdays chosen per activity code; an activity left out (or with no day) is not estimated. */
  week: Readonly<Record<string, readonly FrenchWeekday[]>>;
  pricing: PricingContext;
}

export function simulateMonth(activities: readonly SimulatedActivity[], calendar: CommuneCalendar, input: SimulationInput): Simulation {
  const days = daysOfMonth(input.month);
  const prices = activities.map((activity) => ({ code: activity.code, unit: unitPrice(activity.tariff, input.pricing) }));
  const lines: SimulationLine[] = [];
  activities.forEach((activity, index) => {
    const chosen = input.week[activity.code] ?? [];
    const weekdays = activity.days.filter((weekday) => chosen.includes(weekday));
    if (!weekdays.length) return;
    let open = 0;
    const closed = new Map<string, ClosedDays>();
    for (const day of days) {
      if (!weekdays.includes(frenchWeekdayOf(day))) continue;
      const status = dayStatus(day, activity, calendar);
      if (status.open) {
        open += 1;
        continue;
      }
      const key = `${status.reason}:${status.name ?? ''}`;
      const group = closed.get(key) ?? { reason: status.reason, ...(status.name ? { name: status.name } : {}), days: 0 };
      group.days += 1;
      closed.set(key, group);
    }
    const unit = prices[index]!.unit;
    lines.push({ code: activity.code, weekdays, unit, line: priceLine(unit, open), closed: [...closed.values()] });
  });
  return { month: input.month, prices, lines, total: lines.reduce((sum, line) => sum + line.line.amount, 0) };
}
