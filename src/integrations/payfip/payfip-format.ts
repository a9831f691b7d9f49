import type { PaymentResult } from './payment-provider.ts';

/**
 * The formats PayFiP accepts, as pure functions (unit-tested). Sources: the DGFiP's « PayFiP Régie
 * Web-Service » integration guide as quoted by public integrations (Entr'ouvert's eopayment, SchoolBusManager).
 */

export const REFDET_PATTERN = /^[A-Z0-9]{6,30}$/;
/** PayFiP refuses less than 1,00 €. */
export const MIN_AMOUNT_CENTS = 100;
/** The largest montant public integrations configure (99 999,99 €); a portal invoice never nears it. */
export const MAX_AMOUNT_CENTS = 9_999_999;
export const OBJET_MAX_LENGTH = 100;

/**
 * The refdet of a payment from its reference (e.g. « PAI-2026-000045 » → « PAI2026000045 »): accents
 * dropped, letters upper-cased, every other character removed, padded on the left with zeros to 6.
 * Longer than 30 once cleaned is refused rather than cut, since a cut reference may collide.
 */
export function refdetFor(reference: string): string {
  const cleaned = plainAscii(reference).toUpperCase().replace(/[^A-Z0-9]/g, '');
  if (cleaned.length === 0) throw new RangeError(`refdet: no letter or digit in « ${reference} »`);
  if (cleaned.length > 30) throw new RangeError(`refdet: « ${reference} » is longer than 30 characters once cleaned`);
  return cleaned.padStart(6, '0');
}

export function isRefdet(value: string): boolean {
  return REFDET_PATTERN.test(value);
}

/**
 * The objet shown on PayFiP's pages: letters, digits and spaces of plain ASCII only (accents dropped,
 * « œ » → « oe », apostrophes and dashes become spaces, other signs removed), at most 100 characters.
 */
export function objetFor(text: string): string {
  const ascii = plainAscii(text)
    .replace(/['’\-–—_/]/g, ' ')
    .replace(/[^A-Za-z0-9 ]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return ascii.slice(0, OBJET_MAX_LENGTH).trimEnd();
}

export function isObjet(value: string): boolean {
  return value.length <= OBJET_MAX_LENGTH && /^[A-Za-z0-9 ]*$/.test(value);
}

/** PayFiP's montant: the amount in cents as a string of digits, within PayFiP's bounds. */
export function montantFor(amountCents: number): string {
  if (!Number.isSafeInteger(amountCents)) throw new RangeError(`montant: ${amountCents} is not a whole number of cents`);
  if (amountCents < MIN_AMOUNT_CENTS) throw new RangeError(`montant: ${amountCents} cents is under 1,00 €`);
  if (amountCents > MAX_AMOUNT_CENTS) throw new RangeError(`montant: ${amountCents} cents is over PayFiP's limit`);
  return String(amountCents);
}

/** Reads PayFiP's montant back: digits only, else the answer is not trusted. */
export function centsOfMontant(montant: string): number {
  if (!/^\d{1,9}$/.test(montant)) throw new RangeError(`montant: « ${montant} » is not a number of cents`);
  return Number(montant);
}

/** resultrans → result: P (card) or V (direct debit) paid, R or Z refused, A abandoned; anything else is an error. */
export function resultOfResultrans(resultrans: string): PaymentResult {
  switch (resultrans) {
    case 'P':
    case 'V':
      return 'paid';
    case 'R':
    case 'Z':
      return 'refused';
    case 'A':
      return 'cancelled';
    default:
      throw new RangeError(`resultrans: unknown code « ${resultrans} »`);
  }
}

function plainAscii(text: string): string {
  return text
    .replace(/œ/g, 'oe')
    .replace(/Œ/g, 'OE')
    .replace(/æ/g, 'ae')
    .replace(/Æ/g, 'AE')
    .replace(/ß/g, 'ss')
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[^\x20-\x7e]/g, '');
}
