import { stringify } from 'csv-stringify/sync';
import { inParis } from '../../domain/calendar/paris-time.ts';

/** A cell as a French spreadsheet should show it: text, or a number it can add up. */
export type CsvCell = string | number;

/**
 * A CSV that opens right in Excel or LibreOffice set to French: `;` between cells (the comma is
 * the decimal separator there), a UTF-8 byte order mark (without it Excel reads « Ã© » for « é »),
 * CRLF line ends, quotes where a cell holds `;`, `"` or a line break. A cell that a spreadsheet
 * would run as a formula (=, +, -, @) gets a leading apostrophe: allergies and names are typed by
 * families, and a staff member opening the file must not run what a family wrote.
 */
export function spreadsheetCsv(header: readonly string[], rows: readonly (readonly CsvCell[])[]): string {
  return stringify([header as string[], ...(rows as CsvCell[][])], {
    bom: true,
    delimiter: ';',
    record_delimiter: 'windows',
    // Off by default once record_delimiter is set: a line break inside a cell must be quoted.
    quote_record_delimiter: true,
    escape_formulas: true,
  });
}

/** 'YYYY-MM-DD' → « 26/11/2026 », the way a French spreadsheet recognises a date. */
export function csvDate(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!match) throw new RangeError(`jour attendu au format AAAA-MM-JJ : ${JSON.stringify(day)}`);
  return `${match[3]}/${match[2]}/${match[1]}`;
}

/** An instant in Paris time: « 26/11/2026 08:45 ». */
export function csvDateTime(instant: Date): string {
  return inParis(instant).toFormat('dd/MM/yyyy HH:mm');
}
