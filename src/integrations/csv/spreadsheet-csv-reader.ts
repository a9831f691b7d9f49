import { parse } from 'csv-parse/sync';

/*
 * Reading a CSV as a French spreadsheet saves it: `;` between cells, UTF-8 with or without a byte
 * order mark, CRLF or LF line ends, Excel's « sep=; » hint line, one header row.
 */

/** Why a file cannot be read at all; nothing of it should be used. */
export type UnreadableReason = 'not_utf8' | 'empty' | 'malformed';

export class UnreadableCsvError extends Error {
  constructor(
    readonly reason: UnreadableReason,
    /** The file's line where reading stopped, when the parser knows it. */
    readonly line?: number,
    /** The parser's own words, for a malformed file. */
    readonly detail?: string,
  ) {
    super(`unreadable CSV (${reason}${line ? `, line ${line}` : ''})${detail ? `: ${detail}` : ''}`);
    this.name = 'UnreadableCsvError';
  }
}

export interface CsvRecord {
  /** Line number in the file where the record starts; the header is line 1. */
  line: number;
  cells: string[];
}

export interface SpreadsheetCsv {
  /** The header's column names, normalised (see `normaliseHeader`); a trailing empty one is left out. */
  header: string[];
  /** The records after the header; those whose cells are all empty (a spreadsheet's trailing `;;;;` rows) are left out. */
  records: CsvRecord[];
}

const stripDiacritics = (value: string) => value.normalize('NFD').replace(/\p{Diacritic}/gu, '');

/** « Prénom 1 », « code-postal », « Date naissance 1 » → prenom_1, code_postal, date_naissance_1. */
export function normaliseHeader(cell: string): string {
  return stripDiacritics(cell.replace(/^\uFEFF/, '').trim().toLowerCase())
    .replace(/[\s-]+/g, '_')
    .replace(/_+/g, '_');
}

function decode(content: Buffer | string): string {
  if (typeof content === 'string') return content.replace(/^\uFEFF/, '');
  try {
    // Strips the BOM; `fatal` refuses Windows-1252 files rather than reading mangled accents.
    return new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch {
    throw new UnreadableCsvError('not_utf8');
  }
}

/** The whole file, its header normalised; throws UnreadableCsvError for a file that cannot be read. */
export function readSpreadsheetCsv(content: Buffer | string): SpreadsheetCsv {
  // CRLF → LF first: csv-parse counts a CRLF inside a quoted cell as two lines.
  let text = decode(content).replace(/\r\n?/g, '\n');
  // Excel's « sep=; » hint line: blanked rather than removed, so line numbers stay those of the file.
  text = text.replace(/^sep=;[^\n]*/i, '');
  if (text.trim() === '') throw new UnreadableCsvError('empty');

  let parsed: { record: string[]; info: { lines: number } }[];
  try {
    // csv-parse's typings do not follow `info: true`, which wraps each record with its line count.
    parsed = parse(text, {
      delimiter: ';',
      bom: true,
      info: true,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: true,
    }) as unknown as typeof parsed;
  } catch (error) {
    throw new UnreadableCsvError('malformed', (error as { lines?: number }).lines, (error as Error).message);
  }
  const [first, ...rest] = parsed;
  const header = first!.record.map(normaliseHeader);
  // A trailing `;` on the header line gives an empty last column name: ignore it.
  while (header.length > 1 && header.at(-1) === '') header.pop();

  const records: CsvRecord[] = [];
  for (const { record, info } of rest) {
    if (record.every((cell) => cell.trim() === '')) continue;
    const newlinesInside = record.reduce((count, cell) => count + (cell.match(/\n/g)?.length ?? 0), 0);
    records.push({ line: info.lines - newlinesInside, cells: record });
  }
  return { header, records };
}
