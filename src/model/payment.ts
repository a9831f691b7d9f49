/*
 * The shapes of payments (DESIGN §7 Payment; issue 12), shared by data, services, the web and the
 * receipt PDF. Amounts are integer cents. A payment pays whole invoices of one family; once paid it
 * has a receipt number (« REC-2026-000001 », gap-free per commune and year).
 */

export type PaymentMethod = 'online' | 'counter' | 'direct_debit';

/** `pending`: an online payment under way; `paid`; `refused`, `cancelled`, `expired`: its invoices are free again. */
export type PaymentStatus = 'pending' | 'paid' | 'refused' | 'cancelled' | 'expired';

/** How a counter payment was made: espèces, chèque, CESU. */
export type CounterMeans = 'cash' | 'cheque' | 'cesu';

export const COUNTER_MEANS: readonly CounterMeans[] = ['cash', 'cheque', 'cesu'];

/** One invoice a payment pays, and what it contributed. */
export interface PaymentInvoice {
  invoiceId: number;
  number: string;
  periodStart: string;
  amountCents: number;
}

export interface Payment {
  id: number;
  communeId: number;
  familyId: number;
  familyName: string;
  familyReference: string;
  method: PaymentMethod;
  status: PaymentStatus;
  amountCents: number;
  createdBy: number | null;
  createdAt: Date;
  expiresAt: Date | null;
  paidAt: Date | null;
  receiptNumber: string | null;
  providerOperationId: string | null;
  providerReference: string | null;
  counterMeans: CounterMeans | null;
  chequeNumber: string | null;
  chequeBank: string | null;
  invoices: PaymentInvoice[];
}

/** Why money received is owed back (issue 18): what its invoices owed changed, it was paid once closed and its invoices taken since, or a credit note came on an invoice it paid. */
export type RefundReason = 'invoice_changed' | 'paid_after_close' | 'credit_after_payment';

/** Money received that nothing is owed for any more: staff's « à rembourser » list. */
export interface PaymentRefund {
  id: number;
  paymentId: number;
  familyId: number;
  familyName: string;
  familyReference: string;
  method: PaymentMethod;
  counterMeans: CounterMeans | null;
  /** What the payment received, and what of it is owed back. */
  paymentCents: number;
  amountCents: number;
  reason: RefundReason;
  createdAt: Date;
  refundedAt: Date | null;
  refundNote: string | null;
  invoiceNumbers: string[];
}
