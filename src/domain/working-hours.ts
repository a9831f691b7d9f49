import type { DateTime } from 'luxon';
import { isPublicHoliday, type HolidayOptions } from './calendar/public-holidays.ts';
import { inParis } from './calendar/paris-time.ts';

/** Monday to Friday, French public holidays excluded, reckoned in Europe/Paris. */
export function isWorkingDay(day: DateTime, options: HolidayOptions = {}): boolean {
  return day.weekday <= 5 && !isPublicHoliday(day.toISODate()!, options);
}

/**
 * The instant `hours` working hours after `start`, where every hour of a working day counts
 * (DESIGN §5: Friday 16:00 + 48 h → Tuesday 16:00). A request made on a weekend or a holiday
 * starts counting at the next working day's midnight.
 */
export function addWorkingHours(start: Date, hours: number, options: HolidayOptions = {}): Date {
  let remainingMs = hours * 3_600_000;
  let cursor = inParis(start);
  for (let guard = 0; guard < 3_660; guard += 1) {
    const nextMidnight = cursor.startOf('day').plus({ days: 1 });
    if (isWorkingDay(cursor, options)) {
      // Absolute milliseconds: a working day is never the day of a daylight-saving change
      // (France changes on Sundays), and this stays right even if that ever moved.
      const available = nextMidnight.toMillis() - cursor.toMillis();
      if (remainingMs <= available) return cursor.plus({ milliseconds: remainingMs }).toJSDate();
      remainingMs -= available;
    }
    cursor = nextMidnight;
  }
  throw new Error(`no deadline within ten years of ${start.toISOString()}`);
}
