import { inParis } from './calendar/paris-time.ts';

export type HistoryPeriod = 'week' | 'month';

export interface PeriodBounds {
  /** First instant of the period (Monday or the 1st, 00:00 Paris time). */
  from: Date;
  /** First instant after it, exclusive. */
  to: Date;
}

/**
 * The current week (Monday to Sunday) or calendar month containing `now`, reckoned on the Paris
 * calendar: a week that crosses a daylight-saving change is 167 or 169 hours long, not 168.
 */
export function historyPeriodBounds(period: HistoryPeriod, now: Date): PeriodBounds {
  const unit = period === 'week' ? 'week' : 'month';
  // Luxon's weeks are ISO weeks: they start on Monday, as French calendars do.
  const start = inParis(now).startOf(unit);
  return { from: start.toJSDate(), to: start.plus({ [unit]: 1 }).toJSDate() };
}
