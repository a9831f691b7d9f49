import type { BicProblem, IbanProblem, SepaTextProblem } from '../domain/sepa.ts';

/** A SEPA direct-debit mandate (migration 26): pending with its request, active once staff accept it. */
export type MandateStatus = 'pending' | 'active' | 'refused';

export interface Mandate {
  id: number;
  familyId: number;
  requestId: number;
  holderName: string;
  /**
   * The IBAN as every page shows it (src/domain/sepa.ts `maskIban`). The whole IBAN is stored only
   * encrypted, and decrypted only to write the debit file (README « Bank details »).
   */
  ibanMasked: string;
  bic: string;
  address: string;
  postcode: string;
  city: string;
  status: MandateStatus;
  /** The mandate reference (RUM), once active. */
  reference: string | null;
  /** The signature date, once active. */
  signedOn: string | null;
  firstDebitDone: boolean;
  createdAt: Date;
}

export type NewMandate = Pick<Mandate, 'familyId' | 'requestId' | 'holderName' | 'ibanMasked' | 'bic' | 'address' | 'postcode' | 'city' | 'createdAt'> & {
  /** The IBAN encrypted with the data key (src/integrations/data-cipher.ts), never in clear. */
  ibanEncrypted: string;
};

/** The context an IBAN is encrypted in: its ciphertext decrypts only on a mandate of this family. */
export const ibanContext = (communeId: number, familyId: number) => `sepa_mandates.iban:${communeId}:${familyId}`;

/** A mandate's names and address lines: what one line of the debit file holds (Max70Text). */
export const MANDATE_TEXT_MAX = 70;

/**
 * What is wrong with one field of the mandate form (by the form's field names): a code the
 * mandate service gives, said by src/i18n/mandate-words.ts.
 */
export type MandateProblem =
  | { field: 'titulaire' | 'adresse' | 'ville'; problem: SepaTextProblem }
  | { field: 'iban'; problem: IbanProblem }
  | { field: 'bic'; problem: BicProblem }
  | { field: 'code_postal'; problem: 'format' }
  | { field: 'autorisation'; problem: 'missing' };

/**
 * Why a bank sent a debit back (ISO 20022 reason codes, the ones a French creditor most often
 * receives); staff pick one when they record a rejection.
 */
export const DEBIT_REJECT_REASONS = ['AM04', 'AC04', 'AC06', 'AC01', 'MD01', 'MD06', 'MS02', 'MS03'] as const;
export type DebitRejectReason = (typeof DEBIT_REJECT_REASONS)[number];

/**
 * Where the debit of one invoice of a family on direct debit stands (issue 12 item 6):
 * `scheduled`, not in a file yet (to be debited at its due date); `submitted`, in the month's file,
 * awaiting the bank's window for sending it back; `collected`, settled; `rejected`, sent back by
 * the bank (the invoice is to be paid again, by other means).
 */
export type InvoiceDebitState = 'scheduled' | 'submitted' | 'collected' | 'rejected';

export interface InvoiceDebit {
  invoiceId: number;
  state: InvoiceDebitState;
  /** The collection date (submitted, collected, rejected) or the due date (scheduled). */
  date: string;
  rejectReason: DebitRejectReason | null;
}

/** One debit of a month's file, as staff see it. */
export interface DebitLine {
  id: number;
  invoiceId: number;
  invoiceNumber: string;
  familyId: number;
  familyName: string;
  familyReference: string;
  amountCents: number;
  sequence: 'FRST' | 'RCUR';
  /** Null for a line exported before debits were followed (migration 27). */
  paymentId: number | null;
  paymentStatus: 'pending' | 'paid' | 'refused' | null;
  rejectedAt: Date | null;
  rejectReason: DebitRejectReason | null;
}

/** A month's file as staff see it. */
export interface DebitFileSummary {
  id: number;
  periodStart: string;
  collectionDate: string;
  createdAt: Date;
  lines: DebitLine[];
}
