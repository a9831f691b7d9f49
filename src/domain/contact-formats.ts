/** French contact formats, shared by forms and imports. */
import { CALENDAR_YEARS, parseDayInput } from './date-input.ts';

/** « 06 12 34 56 78 » from 0612345678, 06.12.34.56.78, +33 6 12 34 56 78…; undefined if not French. */
export function normaliseFrenchPhone(input: string): string | undefined {
  const compact = input.replace(/[\s.\-()]/g, '');
  const national = compact.startsWith('+33') ? `0${compact.slice(3)}` : compact.startsWith('0033') ? `0${compact.slice(4)}` : compact;
  if (!/^0[1-9]\d{8}$/.test(national)) return undefined;
  return national.replace(/(\d{2})(?=\d)/g, '$1 ');
}

export function isFrenchPostcode(input: string): boolean {
  return /^(?:0[1-9]|[1-8]\d|9[0-8])\d{3}$/.test(input);
}

/** 'YYYY-MM-DD' from 'YYYY-MM-DD' or 'dd/mm/yyyy', if it names a real calendar day of `CALENDAR_YEARS` (see `date-input.ts`). */
export function parseCalendarDay(input: string): string | undefined {
  const day = parseDayInput(input, CALENDAR_YEARS);
  return day.ok ? day.value : undefined;
}
