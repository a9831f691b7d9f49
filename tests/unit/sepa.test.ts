import { describe, expect, it } from 'vitest';
import {
  lastCollectedDate,
  checkBic,
  checkCreditorId,
  checkIban,
  checkMandateReference,
  checkSepaText,
  creditorIdCheckDigits,
  mandateReference,
  maskIban,
} from '../../src/domain/sepa.ts';

describe('checkIban', () => {
  it.each([
    ['a French IBAN typed in groups', 'FR76 3000 6000 0112 3456 7890 189', 'FR7630006000011234567890189'],
    ['a French IBAN in lower case, no spaces', 'fr7630006000011234567890189', 'FR7630006000011234567890189'],
    ['a French IBAN with dashes', 'FR76-3000-4000-0312-3456-7890-143', 'FR7630004000031234567890143'],
    ['a German IBAN (SEPA)', 'DE89 3704 0044 0532 0130 00', 'DE89370400440532013000'],
    ['a Dutch IBAN (SEPA)', 'NL91ABNA0417164300', 'NL91ABNA0417164300'],
    ['a Swiss IBAN (SEPA, outside the EU)', 'CH93 0076 2011 6238 5295 7', 'CH9300762011623852957'],
  ])('accepts %s and keeps it in electronic format', (_, raw, expected) => {
    expect(checkIban(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['nothing', '   ', 'empty'],
    ['a wrong last digit', 'FR76 3000 6000 0112 3456 7890 188', 'checksum'],
    ['two digits swapped', 'FR76 3000 6000 0112 3456 7809 189', 'checksum'],
    ['wrong IBAN check digits', 'FR77 3000 6000 0112 3456 7890 189', 'checksum'],
    ['a French IBAN one digit short', 'FR76 3000 6000 0112 3456 7890 18', 'format'],
    ['letters where digits belong', 'FRAB30006000011234567890189', 'format'],
    ['characters no IBAN holds', 'FR76 3000 6000 0112 3456 7890 18*', 'format'],
    ['an unknown country', 'XX76 3000 6000 0112 3456 7890 189', 'format'],
    ['a valid IBAN of a country outside SEPA', 'BR15 0000 0000 0000 1093 2840 814P 2', 'not_sepa'],
  ])('refuses %s', (_, raw, problem) => {
    expect(checkIban(raw)).toEqual({ ok: false, problem });
  });
});

describe('checkBic', () => {
  it.each([
    ['8 characters', 'BNPAFRPP', 'BNPAFRPP'],
    ['11 characters, with a branch', 'BNPAFRPPXXX', 'BNPAFRPPXXX'],
    ['lower case with spaces', 'agri fr pp 882', 'AGRIFRPP882'],
    ['digits in the place code', 'TRPUFRP1', 'TRPUFRP1'],
  ])('accepts %s', (_, raw, expected) => {
    expect(checkBic(raw)).toEqual({ ok: true, value: expected });
  });

  it.each([
    ['nothing', '', 'empty'],
    ['7 characters', 'BNPAFRP', 'format'],
    ['9 characters', 'BNPAFRPPX', 'format'],
    ['a digit in the bank code', 'BN1AFRPP', 'format'],
    ['a digit in the country', 'BNPAF1PP', 'format'],
    ['an unknown country', 'BNPAXXPP', 'format'],
    ['punctuation', 'BNPA.FR/PP', 'format'],
  ])('refuses %s', (_, raw, problem) => {
    expect(checkBic(raw)).toEqual({ ok: false, problem });
  });
});

describe('checkCreditorId (French ICS)', () => {
  it.each([
    ['the textbook example', 'FR72ZZZ123456'],
    ['letters in the national part', 'FR95ZZZ5A1B2C'],
    ['lower case with spaces', 'fr72 zzz 123456'],
  ])('accepts %s', (_, raw) => {
    expect(checkCreditorId(raw)).toEqual({ ok: true, value: raw.replace(/\s/g, '').toUpperCase() });
  });

  it.each([
    ['nothing', '', 'empty'],
    ['wrong check digits', 'FR73ZZZ123456', 'checksum'],
    ['a changed national part', 'FR72ZZZ123457', 'checksum'],
    ['another country', 'DE72ZZZ123456', 'format'],
    ['no ZZZ', 'FR72AAA123456', 'format'],
    ['5 characters after ZZZ', 'FR72ZZZ12345', 'format'],
    ['7 characters after ZZZ', 'FR72ZZZ1234567', 'format'],
  ])('refuses %s', (_, raw, problem) => {
    expect(checkCreditorId(raw)).toEqual({ ok: false, problem });
  });

  it('computes check digits that the check accepts, leading zero kept', () => {
    expect(creditorIdCheckDigits('123456')).toBe('72');
    for (const national of ['000000', 'ABCDEF', '9Z9Z9Z', '5A1B2C']) {
      expect(checkCreditorId(`FR${creditorIdCheckDigits(national)}ZZZ${national}`).ok).toBe(true);
    }
    expect(creditorIdCheckDigits('000030')).toMatch(/^\d{2}$/);
  });
});

describe('checkMandateReference (RUM)', () => {
  it.each([
    ['one character', 'A'],
    ['35 characters', 'A'.repeat(35)],
    ['the SEPA punctuation', "MSD-12/3?:().,'+ X"],
  ])('accepts %s', (_, reference) => {
    expect(checkMandateReference(reference)).toEqual({ ok: true, value: reference });
  });

  it.each([
    ['nothing', '', 'empty'],
    ['36 characters', 'A'.repeat(36), 'too_long'],
    ['an accent', 'MSD-CLÉRE-1', 'charset'],
    ['an underscore', 'MSD_1', 'charset'],
    ['an ampersand', 'MSD&1', 'charset'],
    ['a leading slash', '/MSD-1', 'slashes'],
    ['a trailing slash', 'MSD-1/', 'slashes'],
    ['two slashes', 'MSD//1', 'slashes'],
  ])('refuses %s', (_, reference, problem) => {
    expect(checkMandateReference(reference)).toEqual({ ok: false, problem });
  });
});

describe('mandateReference', () => {
  it.each([
    ['a plain family reference', 'MSD', 'F00042', 1, 'MSD-F00042-1'],
    ['accents and spaces folded', 'msd', 'Martin-Clère Hélène', 2, 'MSD-MARTINCLEREHELENE-2'],
    ['a long family reference shortened, the counter kept', 'MSD', 'X'.repeat(60), 12, `MSD-${'X'.repeat(28)}-12`],
  ])('builds %s', (_, prefix, family, sequence, expected) => {
    const reference = mandateReference(prefix, family, sequence);
    expect(reference).toBe(expected);
    expect(reference.length).toBeLessThanOrEqual(35);
    expect(checkMandateReference(reference).ok).toBe(true);
  });

  it('gives each mandate of one family its own reference', () => {
    const references = [1, 2, 3, 10, 11].map((n) => mandateReference('MSD', 'F1', n));
    expect(new Set(references).size).toBe(references.length);
  });

  it('keeps the family reference and the counter apart (F1 n°11 is not F11 n°1)', () => {
    expect(mandateReference('MSD', 'F1', 11)).not.toBe(mandateReference('MSD', 'F11', 1));
  });

  it.each([
    ['a counter of 0', 'MSD', 'F1', 0],
    ['a fractional counter', 'MSD', 'F1', 1.5],
    ['an empty family reference', 'MSD', '—', 1],
    ['a prefix that leaves no room', 'P'.repeat(33), 'F1', 1],
  ])('refuses %s', (_, prefix, family, sequence) => {
    expect(() => mandateReference(prefix, family, sequence)).toThrow(RangeError);
  });
});

describe('checkSepaText (a holder, a street, a town for the debit file)', () => {
  it.each([
    ['Hélène Lefèvre-Müller', 'Hélène Lefèvre-Müller'],
    ['  Anne   Martin ', 'Anne Martin'],
    ['Œdipe Ørsted', 'Œdipe Ørsted'],
    ["L'Haÿ-les-Roses", "L'Haÿ-les-Roses"],
    ['12 rue des Tilleuls', '12 rue des Tilleuls'],
    ['Anne 😀', 'Anne 😀'],
  ])('accepts %s (kept as typed, folded only in the file)', (raw, value) => {
    expect(checkSepaText(raw, 70)).toEqual({ ok: true, value });
  });

  it.each([
    ['', 'empty'],
    ['   ', 'empty'],
    ['A'.repeat(71), 'too_long'],
    ['😀😀', 'no_sepa_characters'],
    ['★ ☎ ✉', 'no_sepa_characters'],
    ['« — »', 'no_sepa_characters'],
    ['...', 'no_sepa_characters'],
    ['Анна', 'no_sepa_characters'],
  ])('refuses %s: %s', (raw, problem) => {
    expect(checkSepaText(raw, 70)).toEqual({ ok: false, problem });
  });
});

describe('maskIban', () => {
  it.each([
    ['a French IBAN', 'FR7630006000011234567890189', 'FR76 •••• •••• •••• •••• •••• 189'],
    ['a French IBAN typed in groups', 'FR76 3000 6000 0112 3456 7890 189', 'FR76 •••• •••• •••• •••• •••• 189'],
    ['a Dutch IBAN', 'NL91ABNA0417164300', 'NL91 •••• •••• •••3 00'],
    ['a German IBAN', 'DE89370400440532013000', 'DE89 •••• •••• •••• •••0 00'],
  ])('hides %s but its country, check digits and last three characters', (_, iban, expected) => {
    expect(maskIban(iban)).toBe(expected);
  });

  it('shows none of the account number', () => {
    const masked = maskIban('FR7630006000011234567890189').replace(/\s/g, '');
    expect(masked).not.toContain('3000600001123456789');
    expect(masked.match(/\d/g)?.join('')).toBe('76189');
  });
});

describe('lastCollectedDate (the bank return window)', () => {
  it.each([
    ['2026-12-09', '2026-12-01'],
    ['2027-01-05', '2026-12-28'],
    ['2027-03-01', '2027-02-21'],
    ['2028-03-01', '2028-02-22'],
    // Across the change to summer time: whole days, no hour lost.
    ['2027-04-03', '2027-03-26'],
  ])('on %s, debits collected on or before %s count as collected', (today, last) => {
    expect(lastCollectedDate(today)).toBe(last);
  });
});
