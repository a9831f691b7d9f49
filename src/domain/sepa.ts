import { electronicFormatIBAN, isSEPACountry, validateBIC, validateIBAN, ValidationErrorsIBAN } from 'ibantools';
import { dayNumber, dayOfNumber } from './calendar/calendar-day.ts';

/**
 * SEPA direct debit rules (DESIGN §7 Direct debit, issue 12 item 6): the checks on what a parent or
 * a commune file gives (IBAN, BIC, creditor identifier), the mandate reference (RUM) and how an
 * IBAN is shown. Pure: codes out, the words live in presenters. An IBAN is never logged; the
 * logger masks any `iban` field as a second guard.
 */

/** Why an IBAN is refused. */
export type IbanProblem = 'empty' | 'format' | 'checksum' | 'not_sepa';
export type BicProblem = 'empty' | 'format';
export type CreditorIdProblem = 'empty' | 'format' | 'checksum';
export type MandateReferenceProblem = 'empty' | 'too_long' | 'charset' | 'slashes';

export type Checked<T extends string> = { ok: true; value: string } | { ok: false; problem: T };

/** What a person types: spaces, dashes and dots between groups, any case. */
function compact(raw: string): string {
  return raw.replace(/[\s.-]/g, '').toUpperCase();
}

/** An IBAN in electronic format (no spaces, capitals), checked digit by digit (mod 97 and the country's layout). */
export function checkIban(raw: string): Checked<IbanProblem> {
  const iban = compact(raw);
  if (iban === '') return { ok: false, problem: 'empty' };
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{1,30}$/.test(iban)) return { ok: false, problem: 'format' };
  const result = validateIBAN(iban);
  if (!result.valid) {
    // ibantools tells a wrong check digit (the IBAN's, or the bank's own key such as a French RIB
    // key) apart from a wrong layout: the parent is told which.
    const checksums = [ValidationErrorsIBAN.WrongIBANChecksum, ValidationErrorsIBAN.WrongAccountBankBranchChecksum];
    const checksumOnly = result.errorCodes.every((code) => checksums.includes(code));
    return { ok: false, problem: checksumOnly ? 'checksum' : 'format' };
  }
  if (!isSEPACountry(iban.slice(0, 2))) return { ok: false, problem: 'not_sepa' };
  return { ok: true, value: electronicFormatIBAN(iban) ?? iban };
}

/** A BIC: 4 letters (bank), 2 letters (country), 2 letters or digits (place), optionally 3 (branch). */
export function checkBic(raw: string): Checked<BicProblem> {
  const bic = compact(raw);
  if (bic === '') return { ok: false, problem: 'empty' };
  if (!/^[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}([A-Z0-9]{3})?$/.test(bic) || !validateBIC(bic).valid) {
    return { ok: false, problem: 'format' };
  }
  return { ok: true, value: bic };
}

/** Letters count as 10 (A) to 35 (Z), as in an IBAN's check digits (ISO 7064 mod 97-10). */
function mod97(text: string): number {
  let rest = 0;
  for (const character of text) {
    const digits = /[0-9]/.test(character) ? character : String(character.charCodeAt(0) - 55);
    for (const digit of digits) rest = (rest * 10 + Number(digit)) % 97;
  }
  return rest;
}

/**
 * The French SEPA creditor identifier (ICS): `FR` + 2 check digits + `ZZZ` (the creditor business
 * code, left out of the check) + 6 letters or digits. The check digits are computed like an IBAN's
 * over the national identifier followed by `FR00`.
 */
export function checkCreditorId(raw: string): Checked<CreditorIdProblem> {
  const id = compact(raw);
  if (id === '') return { ok: false, problem: 'empty' };
  if (!/^FR\d{2}ZZZ[A-Z0-9]{6}$/.test(id)) return { ok: false, problem: 'format' };
  if (creditorIdCheckDigits(id.slice(7)) !== id.slice(2, 4)) return { ok: false, problem: 'checksum' };
  return { ok: true, value: id };
}

/** The two check digits of a French creditor identifier whose national part is given. */
export function creditorIdCheckDigits(nationalId: string): string {
  return String(98 - mod97(`${nationalId.toUpperCase()}FR00`)).padStart(2, '0');
}

/** Letters the Unicode decomposition does not fold, written as the banks' Latin set spells them. */
const LIGATURES: Record<string, string> = { Œ: 'OE', œ: 'oe', Æ: 'AE', æ: 'ae', ß: 'ss', Ø: 'O', ø: 'o', Ł: 'L', ł: 'l', Đ: 'D', đ: 'd' };

/**
 * Names and statement text in the SEPA (Latin) character set that every bank accepts: accents
 * folded (« Hélène » → « Helene », « Œ » → « OE »), anything else outside the set becomes a space,
 * cut to `max`. What is left may be empty (a name of emoji): see `checkSepaText`.
 */
export function sepaText(text: string, max: number): string {
  return text
    .replace(/[ŒœÆæßØøŁłĐđ]/g, (letter) => LIGATURES[letter]!)
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9/?:().,'+ -]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, max)
    .trim();
}

/** Why a name or an address line cannot go into a debit file. */
export type SepaTextProblem = 'empty' | 'too_long' | 'no_sepa_characters';

/**
 * A name or an address line a debit file will carry (at most `max` characters): spaces tidied, and
 * something readable left once put in the SEPA character set — a bank refuses a whole file for
 * one empty debtor name. The value is the text as typed (accents kept); the file folds them.
 */
export function checkSepaText(raw: string, max: number): Checked<SepaTextProblem> {
  const text = raw.trim().replace(/\s+/g, ' ');
  if (text === '') return { ok: false, problem: 'empty' };
  if (text.length > max) return { ok: false, problem: 'too_long' };
  if (!/[A-Za-z0-9]/.test(sepaText(text, max))) return { ok: false, problem: 'no_sepa_characters' };
  return { ok: true, value: text };
}

/** The longest mandate reference the scheme accepts (MndtId, Max35Text). */
export const MANDATE_REFERENCE_MAX = 35;

/** The SEPA (Latin) character set of the EPC implementation guidelines. */
const SEPA_CHARACTERS = /^[A-Za-z0-9/?:().,'+ -]+$/;

/** A mandate reference (RUM): 1 to 35 SEPA characters, not starting or ending with `/`, no `//`. */
export function checkMandateReference(reference: string): Checked<MandateReferenceProblem> {
  if (reference === '') return { ok: false, problem: 'empty' };
  if (reference.length > MANDATE_REFERENCE_MAX) return { ok: false, problem: 'too_long' };
  if (!SEPA_CHARACTERS.test(reference)) return { ok: false, problem: 'charset' };
  if (reference.startsWith('/') || reference.endsWith('/') || reference.includes('//')) {
    return { ok: false, problem: 'slashes' };
  }
  return { ok: true, value: reference };
}

/** Capitals and digits only: accents and punctuation of a family's reference are folded or dropped. */
function referencePart(text: string): string {
  return text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '');
}

/**
 * The mandate reference given when staff accept a mandate: `<commune prefix>-<family reference>-<n>`,
 * n counting the family's mandates with this creditor (1 for the first), so two mandates of one
 * creditor never share a reference (the database holds the unique key). The family reference is
 * shortened, never the counter, so the result stays within 35 characters.
 */
export function mandateReference(communePrefix: string, familyReference: string, sequence: number): string {
  if (!Number.isInteger(sequence) || sequence < 1) throw new RangeError(`mandate sequence ${sequence}`);
  const prefix = referencePart(communePrefix);
  const family = referencePart(familyReference);
  if (prefix === '' || family === '') throw new RangeError('mandate reference needs a commune prefix and a family reference');
  const counter = String(sequence);
  const room = MANDATE_REFERENCE_MAX - prefix.length - counter.length - 2;
  if (room < 1) throw new RangeError(`commune prefix too long for a mandate reference: ${prefix}`);
  const reference = `${prefix}-${family.slice(0, room)}-${counter}`;
  const checked = checkMandateReference(reference);
  if (!checked.ok) throw new RangeError(`mandate reference ${checked.problem}`);
  return reference;
}

/**
 * An IBAN as shown on every page: the country and check digits and the last three characters, the
 * rest hidden, grouped by four (« FR76 •••• •••• •••• •••• •••• 189 »). Only the debit file holds
 * the whole IBAN.
 */
export function maskIban(iban: string): string {
  const electronic = compact(iban);
  if (electronic.length < 8) return '•'.repeat(electronic.length);
  const hidden = electronic
    .split('')
    .map((character, index) => (index < 4 || index >= electronic.length - 3 ? character : '•'))
    .join('');
  return hidden.replace(/(.{4})(?=.)/g, '$1 ');
}

/**
 * Days after the collection date during which a debtor's bank may still send a debit back for a
 * technical reason or unpaid funds (SEPA Core: R-transactions within five TARGET business days;
 * eight calendar days cover a weekend and a bank holiday). Past it, the debit counts as collected.
 */
export const DEBIT_RETURN_WINDOW_DAYS = 8;

/** The last collection date whose debits count as collected on `today` (days 'YYYY-MM-DD'). */
export function lastCollectedDate(today: string): string {
  return dayOfNumber(dayNumber(today) - DEBIT_RETURN_WINDOW_DAYS);
}
