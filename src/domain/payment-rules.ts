
/*
 * What may be paid (DESIGN §7 Payment; issue 12), pure: the server decides which invoices are payable
 * and what they cost; the form only names them. Whole invoices only, never part of one.
 */

/** The smallest amount PayFiP takes: 1,00 €. */
export const ONLINE_MINIMUM_CENTS = 100;

/** An invoice as the payment rules see it, read under its row lock. */
export interface PaymentCandidate {
  id: number;
  /** « FAC-2026-000123 », to name it in a refusal. */
  number: string;
  familyId: number;
  kind: 'invoice' | 'credit_note';
  settledAt: Date | null;
  /** Its total less the credit notes that correct it, cents. */
  leftToPayCents: number;
  /** Whether a pending or paid payment holds it already. */
  inLivePayment: boolean;
}

/** Why invoices cannot be paid: `not_found` (unknown, another family's, or a credit note), `settled`, `in_payment`, `none` (nothing chosen), `under_minimum` (online, under 1,00 €). */
export type PaymentRefusal = 'none' | 'not_found' | 'settled' | 'in_payment' | 'under_minimum';

export type PaymentCheck =
  | { ok: true; invoices: { invoiceId: number; amountCents: number }[]; amountCents: number }
  | { ok: false; refusal: PaymentRefusal; invoiceIds: number[] };

/** Whether one invoice may be put in a new payment of `familyId`. */
export function payableRefusal(candidate: PaymentCandidate | undefined, familyId: number): Exclude<PaymentRefusal, 'none' | 'under_minimum'> | undefined {
  if (!candidate || candidate.familyId !== familyId || candidate.kind !== 'invoice') return 'not_found';
  if (candidate.settledAt !== null) return 'settled';
  if (candidate.inLivePayment) return 'in_payment';
  return undefined;
}

/**
 * The payment of `requestedIds` by `familyId`: each must be an invoice of the family, unsettled and
 * in no live payment; the amount is the sum of what is left to pay on each, from the stored
 * invoices (never an amount the form sends). The first refusal found, in the order
 * not_found, settled, in_payment, names every invoice it concerns.
 */
export function checkPayment(familyId: number, requestedIds: readonly number[], candidates: readonly PaymentCandidate[], method: 'online' | 'counter' | 'direct_debit'): PaymentCheck {
  const ids = [...new Set(requestedIds)];
  if (!ids.length) return { ok: false, refusal: 'none', invoiceIds: [] };
  const byId = new Map(candidates.map((candidate) => [candidate.id, candidate]));
  const refusals = ids.map((id) => ({ id, refusal: payableRefusal(byId.get(id), familyId) }));
  for (const refusal of ['not_found', 'settled', 'in_payment'] as const) {
    const concerned = refusals.filter((entry) => entry.refusal === refusal).map((entry) => entry.id);
    if (concerned.length) return { ok: false, refusal, invoiceIds: concerned };
  }
  const invoices = ids.map((id) => ({ invoiceId: id, amountCents: Math.max(0, byId.get(id)!.leftToPayCents) }));
  const amountCents = invoices.reduce((sum, invoice) => sum + invoice.amountCents, 0);
  if (method === 'online' && amountCents < ONLINE_MINIMUM_CENTS) return { ok: false, refusal: 'under_minimum', invoiceIds: ids };
  return { ok: true, invoices, amountCents };
}

/** « REC-2026-000001 »: a receipt's number, gap-free per commune and year. */
export function receiptNumber(year: number, sequence: number): string {
  return `REC-${year}-${String(sequence).padStart(6, '0')}`;
}
