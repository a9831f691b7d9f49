import { describe, expect, it } from 'vitest';
import { readSpreadsheetCsv, UnreadableCsvError } from '../../src/integrations/csv/spreadsheet-csv-reader.ts';

describe('readSpreadsheetCsv', () => {
  it('normalises the header, drops a trailing empty column name, and numbers records as lines of the file', () => {
    const csv = '\uFEFFsep=;\r\nDossier;Prénom 1;\r\nA1;"Marie\r\nClaire"\r\n;;\r\nA2;Paul\r\n';
    expect(readSpreadsheetCsv(Buffer.from(csv, 'utf8'))).toEqual({
      header: ['dossier', 'prenom_1'],
      records: [
        { line: 3, cells: ['A1', 'Marie\nClaire'] },
        { line: 6, cells: ['A2', 'Paul'] },
      ],
    });
  });

  it.each([
    ['a Windows-1252 file', Buffer.from([0x64, 0x3b, 0xe9, 0x0a]), 'not_utf8'],
    ['an empty file', '\uFEFF\r\n', 'empty'],
    ['only the « sep=; » line', 'sep=;\r\n', 'empty'],
    ['an unclosed quote', 'a;b\n"x;y\n', 'malformed'],
  ])('refuses %s with the reason %s', (_label, content, reason) => {
    let refusal: unknown;
    try {
      readSpreadsheetCsv(content);
    } catch (error) {
      refusal = error;
    }
    expect(refusal).toBeInstanceOf(UnreadableCsvError);
    expect((refusal as UnreadableCsvError).reason).toBe(reason);
  });
});
