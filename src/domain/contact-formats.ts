/** French contact formats, shared by forms and imports. */

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

/** 'YYYY-MM-DD' from 'YYYY-MM-DD' or 'dd/mm/yyyy', if it names a real calendar day. */
export function parseCalendarDay(input: string): string | undefined {
  const trimmed = input.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(trimmed) ?? /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(trimmed);
  if (!match) return undefined;
  const [year, month, day] = trimmed.includes('/') ? [match[3], match[2], match[1]] : [match[1], match[2], match[3]];
  const iso = `${year}-${month}-${day}`;
  const date = new Date(`${iso}T12:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(iso) ? iso : undefined;
}
