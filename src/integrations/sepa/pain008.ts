import { DateTime } from 'luxon';
import { Document } from 'sepa';
import { dayNumber, type CalendarDay } from '../../domain/calendar/calendar-day.ts';
import { PARIS_ZONE } from '../../domain/calendar/paris-time.ts';
import { checkBic, checkCreditorId, checkIban, checkMandateReference, sepaText } from '../../domain/sepa.ts';

export { sepaText };

/**
 * The monthly direct-debit file (issue 12 item 6): a SEPA Core direct debit initiation,
 * pain.008.001.02, written by the maintained `sepa` library. Amounts are integer cents everywhere
 * in the application; the library takes euros as a JavaScript number and sums them itself, so each
 * amount is handed over as the exact decimal text's number and every amount and control sum the
 * library writes is checked against our own decimal text computed from cents: a file with one
 * cent of drift is never produced.
 */

export const PAIN_008_FORMAT = 'pain.008.001.02';

/** FRST for a mandate's first debit, RCUR for every later one (SEPA Core sequence types). */
export type SequenceType = 'FRST' | 'RCUR';

export interface DirectDebitCreditor {
  name: string;
  /** The French creditor identifier (ICS), e.g. FR72ZZZ123456. */
  creditorId: string;
  iban: string;
  bic: string;
}

export interface DirectDebitMandate {
  /** The mandate reference (RUM). */
  reference: string;
  signedOn: CalendarDay;
  /** Whether a debit has already been collected under this mandate. */
  firstDebitDone: boolean;
}

export interface DirectDebitLine {
  /** Unique per debit and kept through the banks (EndToEndId): the invoice number, for instance. */
  endToEndId: string;
  amountCents: number;
  /** What the family reads on its bank statement. */
  remittance: string;
  mandate: DirectDebitMandate;
  debtor: { name: string; iban: string; bic: string | null; address: DebtorAddress };
}

/** The debtor's postal address, as the mandate gives it: written in the file, as banks outside the EEA require. */
export interface DebtorAddress {
  street: string;
  postcode: string;
  city: string;
  /** ISO 3166 country code (the mandate form takes French addresses: FR). */
  country: string;
}

/** Names and address lines in the file: 70 characters of the SEPA set (Max70Text). */
const NAME_MAX = 70;

export interface DebitFileInput {
  /** Unique per file for the creditor (MsgId); its payment blocks and debits are numbered from it. */
  messageId: string;
  createdAt: Date;
  collectionDate: CalendarDay;
  creditor: DirectDebitCreditor;
  debits: readonly DirectDebitLine[];
}

/** The longest message id that leaves room for `.FRST.<n>` within the scheme's 35 characters. */
export const MESSAGE_ID_MAX = 24;
/** The most debits one payment block may number within 35 characters (and far more than a commune has). */
export const DEBITS_PER_FILE_MAX = 99_999;

/**
 * A file that must not be written. `debit` (from 1, in the input's order) and `field` say which
 * debit and what of it, when one debit is the cause; never the IBAN itself.
 */
export class DebitFileError extends Error {
  constructor(
    message: string,
    readonly debit?: number,
    readonly field?: 'debtor_name' | 'debtor_address',
  ) {
    super(message);
    this.name = 'DebitFileError';
  }
}

/** What the file writes of a debtor's address: the street line, then postcode and town. */
function addressLines(address: DebtorAddress): [string, string] {
  return [sepaText(address.street, NAME_MAX), sepaText(`${address.postcode} ${address.city}`, NAME_MAX)];
}

/**
 * Which part of a debtor the bank could not read once put in the SEPA character set (an empty
 * name, an address line left empty), if any: such a debit makes the bank refuse the whole file.
 */
export function unwritableDebtor(debtor: Pick<DirectDebitLine['debtor'], 'name' | 'address'>): DebitFileError['field'] {
  if (!/[A-Za-z0-9]/.test(sepaText(debtor.name, NAME_MAX))) return 'debtor_name';
  if (addressLines(debtor.address).some((line) => !/[A-Za-z0-9]/.test(line)) || !/^[A-Z]{2}$/.test(debtor.address.country)) return 'debtor_address';
  return undefined;
}

export function sequenceOf(mandate: Pick<DirectDebitMandate, 'firstDebitDone'>): SequenceType {
  return mandate.firstDebitDone ? 'RCUR' : 'FRST';
}

/** « 1234567.89 » from 123456789 cents, with integers only (no floating-point step). */
export function centsToDecimal(cents: number): string {
  if (!Number.isSafeInteger(cents) || cents < 0) throw new RangeError(`amount in cents expected: ${cents}`);
  const euros = Math.trunc(cents / 100);
  const rest = cents - euros * 100;
  return `${euros}.${String(rest).padStart(2, '0')}`;
}

/** A Date whose local fields read the given Paris wall time: the library formats dates with local getters. */
function localFieldsOf(parisTime: DateTime): Date {
  return new Date(parisTime.year, parisTime.month - 1, parisTime.day, parisTime.hour, parisTime.minute, parisTime.second);
}

function dayForLibrary(day: CalendarDay): Date {
  dayNumber(day); // refuses anything that is not a real day
  const [year, month, date] = day.split('-').map(Number) as [number, number, number];
  // Noon, so no time-zone offset of the process can move the day.
  return new Date(year, month - 1, date, 12);
}

function checkInput(input: DebitFileInput): void {
  const id = checkMandateReference(input.messageId);
  if (!id.ok || input.messageId.length > MESSAGE_ID_MAX) throw new DebitFileError(`message id: ${input.messageId}`);
  if (input.debits.length === 0) throw new DebitFileError('a debit file holds at least one debit');
  if (input.debits.length > DEBITS_PER_FILE_MAX) throw new DebitFileError('too many debits for one file');
  if (!checkCreditorId(input.creditor.creditorId).ok) throw new DebitFileError('creditor identifier');
  if (!checkIban(input.creditor.iban).ok) throw new DebitFileError('creditor IBAN');
  if (!checkBic(input.creditor.bic).ok) throw new DebitFileError('creditor BIC');
  if (!/[A-Za-z0-9]/.test(sepaText(input.creditor.name, NAME_MAX))) throw new DebitFileError('creditor name');
  const endToEndIds = new Set<string>();
  input.debits.forEach((debit, index) => {
    // Never the IBAN itself in a message: it could reach a log.
    if (!checkIban(debit.debtor.iban).ok) throw new DebitFileError(`debit ${index + 1}: debtor IBAN`);
    if (debit.debtor.bic !== null && !checkBic(debit.debtor.bic).ok) throw new DebitFileError(`debit ${index + 1}: debtor BIC`);
    const unwritable = unwritableDebtor(debit.debtor);
    if (unwritable) throw new DebitFileError(`debit ${index + 1}: ${unwritable.replace('_', ' ')} empty in the SEPA character set`, index + 1, unwritable);
    if (!checkMandateReference(debit.mandate.reference).ok) throw new DebitFileError(`debit ${index + 1}: mandate reference`);
    if (!checkMandateReference(debit.endToEndId).ok) throw new DebitFileError(`debit ${index + 1}: end-to-end id`);
    if (endToEndIds.has(debit.endToEndId)) throw new DebitFileError(`debit ${index + 1}: end-to-end id twice`);
    endToEndIds.add(debit.endToEndId);
    if (!Number.isSafeInteger(debit.amountCents) || debit.amountCents < 1 || debit.amountCents > 99_999_999_999) {
      throw new DebitFileError(`debit ${index + 1}: amount`);
    }
    dayNumber(debit.mandate.signedOn);
  });
}

/** The pain.008.001.02 XML of a month's debits: one payment block for first debits (FRST), one for the others (RCUR). */
export function buildPain008(input: DebitFileInput): string {
  checkInput(input);
  const creditorIban = (checkIban(input.creditor.iban) as { value: string }).value;
  const creditorBic = (checkBic(input.creditor.bic) as { value: string }).value;
  const creditorId = (checkCreditorId(input.creditor.creditorId) as { value: string }).value;

  const document = new Document(PAIN_008_FORMAT);
  document.grpHdr.id = input.messageId;
  document.grpHdr.created = localFieldsOf(DateTime.fromJSDate(input.createdAt, { zone: PARIS_ZONE }));
  document.grpHdr.initiatorName = sepaText(input.creditor.name, NAME_MAX);

  // The amounts the file must show, in document order: the file's control sum, then per block its
  // control sum followed by its debits.
  const expectedAmounts: string[] = [centsToDecimal(input.debits.reduce((sum, debit) => sum + debit.amountCents, 0))];

  for (const sequence of ['FRST', 'RCUR'] as const) {
    const debits = input.debits.filter((debit) => sequenceOf(debit.mandate) === sequence);
    if (debits.length === 0) continue;
    const block = document.createPaymentInfo();
    block.id = sequence;
    block.sequenceType = sequence;
    block.localInstrumentation = 'CORE';
    block.collectionDate = dayForLibrary(input.collectionDate);
    block.creditorName = sepaText(input.creditor.name, NAME_MAX);
    block.creditorIBAN = creditorIban;
    block.creditorBIC = creditorBic;
    block.creditorId = creditorId;
    document.addPaymentInfo(block);
    expectedAmounts.push(centsToDecimal(debits.reduce((sum, debit) => sum + debit.amountCents, 0)));

    debits.forEach((debit, index) => {
      const transaction = block.createTransaction();
      transaction.id = String(index + 1);
      transaction.end2endId = debit.endToEndId;
      const decimal = centsToDecimal(debit.amountCents);
      transaction.amount = Number(decimal);
      transaction.currency = 'EUR';
      transaction.mandateId = debit.mandate.reference;
      transaction.mandateSignatureDate = dayForLibrary(debit.mandate.signedOn);
      transaction.debtorName = sepaText(debit.debtor.name, NAME_MAX);
      [transaction.debtorStreet, transaction.debtorCity] = addressLines(debit.debtor.address);
      transaction.debtorCountry = debit.debtor.address.country;
      transaction.debtorIBAN = (checkIban(debit.debtor.iban) as { value: string }).value;
      transaction.debtorBIC = debit.debtor.bic === null ? '' : (checkBic(debit.debtor.bic) as { value: string }).value;
      transaction.remittanceInfo = sepaText(debit.remittance, 140);
      block.addTransaction(transaction);
      expectedAmounts.push(decimal);
    });
  }

  const xml = document.toString();
  const written = [...xml.matchAll(/<(?:CtrlSum|InstdAmt)\b[^>]*>([^<]*)</g)].map((match) => match[1]);
  if (written.length !== expectedAmounts.length || written.some((amount, index) => amount !== expectedAmounts[index])) {
    throw new DebitFileError('an amount written in the debit file differs from its amount in cents');
  }
  return xml;
}
