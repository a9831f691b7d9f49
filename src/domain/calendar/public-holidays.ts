import Holidays from 'date-holidays';

export interface HolidayOptions {
  /** Moselle, Bas-Rhin and Haut-Rhin add Good Friday and 26 December. */
  alsaceMoselle?: boolean;
}

const cache = new Map<string, Map<string, string>>();

/**
 * French public holidays (jours fériés) of a year, fixed and Easter-based, from date-holidays'
 * rules: calendar day 'YYYY-MM-DD' → name. Only the legal public days, not observances.
 */
export function publicHolidays(year: number, options: HolidayOptions = {}): Map<string, string> {
  const key = `${year}:${options.alsaceMoselle ? 'AM' : 'FR'}`;
  let days = cache.get(key);
  if (!days) {
    const calendar = options.alsaceMoselle ? new Holidays('FR', '57') : new Holidays('FR');
    days = new Map(
      calendar
        .getHolidays(year)
        .filter((holiday) => holiday.type === 'public')
        .map((holiday) => [holiday.date.slice(0, 10), holiday.name]),
    );
    cache.set(key, days);
  }
  return days;
}

export function publicHolidayName(isoDay: string, options: HolidayOptions = {}): string | undefined {
  return publicHolidays(Number(isoDay.slice(0, 4)), options).get(isoDay);
}

export function isPublicHoliday(isoDay: string, options: HolidayOptions = {}): boolean {
  return publicHolidayName(isoDay, options) !== undefined;
}
