import type { ComputedLine } from '../domain/invoicing.ts';

/*
 * The shapes of invoices (DESIGN §7 Invoices), shared by the invoicing run (data, services), the
 * parent's pages, « Mon compte » and the PDF. Amounts are integer cents; days are 'YYYY-MM-DD'.
 * An issued invoice never changes (the database refuses it); a mistake is corrected by a credit
 * note (`kind: 'credit_note'`, negative amounts) referencing it. Only its settlement is recorded
 * later (`settledAt`), by the payment issue's counter, online or direct-debit payments.
 */

export type InvoiceKind = 'invoice' | 'credit_note';

/**
 * What a parent reads: `due` (à payer), `overdue` (en retard: unpaid after its due date), `settled`
 * (soldée), `in_payment` (en cours de paiement: an online payment under way; the payment issue sets
 * it). A credit note is `settled` from its issue.
 */
export type InvoiceStatus = 'due' | 'overdue' | 'settled' | 'in_payment';

/**
 * One line: a child × an activity × a unit price, and the days it bills — as the run computes it
 * (`ComputedLine` in src/domain/invoicing.ts: `charge` booked / no_show / unbooked, amounts in
 * cents, the tariff `rule`, the sorted `days`), once stored.
 */
export interface InvoiceLine extends ComputedLine {
  id: number;
}

export interface Invoice {
  id: number;
  communeId: number;
  familyId: number;
  familyName: string;
  familyReference: string;
  kind: InvoiceKind;
  /** « FAC-2026-000123 » (invoices) or « AV-2026-000004 » (credit notes): gap-free per commune, series and year. */
  number: string;
  /** First and last day of the month billed. */
  periodStart: string;
  periodEnd: string;
  issuedAt: Date;
  dueOn: string;
  totalCents: number;
  /** The family's quotient familial used (whole euros), or null: the top price applied. */
  quotient: number | null;
  /** For a credit note: the invoice it corrects. */
  creditFor: { id: number; number: string } | null;
  /** Why the credit note was issued (staff's words). */
  reason: string | null;
  settledAt: Date | null;
  status: InvoiceStatus;
}

export interface InvoiceWithLines extends Invoice {
  lines: InvoiceLine[];
}

/**
 * What a family owes (« Mon compte », the dashboard), cents: `dueCents` is everything left to pay,
 * overdue included; `overdueCents` the part past its due date. A credit note on an unpaid invoice
 * lowers what is left to pay on it.
 */
export interface InvoiceBalance {
  dueCents: number;
  overdueCents: number;
}

/** What one child's activity cost over a period (a school year): invoiced lines less credit notes. */
export interface ActivityCost {
  memberId: number;
  childName: string;
  activityId: number;
  activityName: string;
  /** Days billed, less days credited. */
  days: number;
  /** Cents, credit notes deducted. */
  amountCents: number;
}
