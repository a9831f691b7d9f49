import { DomainError } from './errors.ts';

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

/**
 * What settling a payment does, from what each of its invoices still owes now (read under their row
 * locks, issue 18): money received is never silently counted against invoices that changed since
 * the payment was opened.
 *
 * - `settle`: the payment is paid; `invoiceIds` are recorded settled (those still owing something),
 *   and `refundCents` — what was paid for nothing any more (a credit note issued meanwhile, an
 *   invoice settled otherwise) — is owed back to the family (0 when nothing changed).
 * - `refund_all`: the payment was closed (expired, cancelled) and another payment holds one of its
 *   invoices since: it cannot become paid; all it received is owed back.
 *
 * `live`: the payment is still pending (its invoices' « in a live payment » is then itself).
 */
export type Settlement = { kind: 'settle'; invoiceIds: number[]; refundCents: number } | { kind: 'refund_all'; refundCents: number };

export function settlementOf(paid: readonly { invoiceId: number; amountCents: number }[], current: readonly PaymentCandidate[], live: boolean): Settlement {
  const byId = new Map(current.map((candidate) => [candidate.id, candidate]));
  const total = paid.reduce((sum, invoice) => sum + invoice.amountCents, 0);
  if (!live && paid.some((invoice) => byId.get(invoice.invoiceId)?.inLivePayment)) return { kind: 'refund_all', refundCents: total };
  const invoiceIds: number[] = [];
  let refundCents = 0;
  for (const invoice of paid) {
    const candidate = byId.get(invoice.invoiceId);
    const owed = !candidate || candidate.settledAt !== null ? 0 : Math.max(0, candidate.leftToPayCents);
    // Invoices never grow (a correction is a credit note): owing more than was paid is a broken invariant.
    if (owed > invoice.amountCents) throw new RangeError(`invoice ${invoice.invoiceId} owes ${owed} cents, more than the ${invoice.amountCents} paid for it`);
    if (candidate && candidate.settledAt === null) invoiceIds.push(invoice.invoiceId);
    refundCents += invoice.amountCents - owed;
  }
  return { kind: 'settle', invoiceIds, refundCents };
}

/**
 * Why a payment action is refused, as a code and the facts its sentence needs (issue 18, « words
 * out of services »): services throw `PaymentRefusedError`, `src/i18n/payment-words.ts` says it.
 *
 * - `rule`: the invoices chosen break a payment rule (`checkPayment`), `numbers` those concerned.
 * - `direct_debit_family`: the family pays by direct debit (online only for a debit sent back).
 * - `amount_changed`: the total the parent saw is not what the invoices cost now.
 * - `provider_unavailable`: PayFiP out of reach or refusing the request; nothing was paid.
 * - `cheque_number_missing`: a cheque at the counter without its number.
 * - `not_resumable`: « Reprendre le paiement » on a payment that can no longer be completed.
 * - `not_cancellable`: « Annuler ce paiement » while PayFiP does not confirm that nothing can be paid; `resumableUntil` when the payer can still finish it there.
 * - `credit_note_held`: « Émettre un avoir » on an invoice a live payment holds (`method`; `until` for an online one, `collectionDate` for a debit).
 * - `nothing_to_debit`, `debit_already_rejected`, `debit_already_collected`: the direct-debit file and its rejections.
 * - `refund_done_already`: a refund recorded twice.
 */
export type PaymentRefusalDetail =
  | { code: 'rule'; refusal: PaymentRefusal; numbers: string[] }
  | { code: 'direct_debit_family' }
  | { code: 'amount_changed'; seenCents: number; dueCents: number }
  | { code: 'provider_unavailable' }
  | { code: 'cheque_number_missing' }
  | { code: 'not_resumable' }
  | { code: 'not_cancellable'; resumableUntil: Date | null; cancellableFrom: Date }
  | { code: 'credit_note_held'; invoiceNumber: string; method: 'online' | 'direct_debit' | 'counter'; until: Date | null; collectionDate: string | null }
  | { code: 'nothing_to_debit'; month: string }
  | { code: 'debit_already_rejected'; invoiceNumber: string }
  | { code: 'debit_already_collected'; invoiceNumber: string }
  | { code: 'refund_done_already' };

/** A payment action refused by a rule; `field` names the form field it is said next to. */
export class PaymentRefusedError extends DomainError {
  constructor(
    readonly refusal: PaymentRefusalDetail,
    readonly field: string,
    readonly status = 409,
  ) {
    super(`payment refused: ${refusal.code}${refusal.code === 'rule' ? ` ${refusal.refusal}` : ''}`);
  }
}

/** How long the payer has on PayFiP's site for one operation: after it, the operation can no longer be paid. */
export const PROVIDER_OPERATION_VALIDITY_MS = 15 * 60_000;

/** Past the operation's 15 minutes, a margin for PayFiP's clock (the operation is created a moment after the payment). */
export const PROVIDER_CLOCK_MARGIN_MS = 60_000;

/**
 * What the parent may do with their own online payment still pending (issue 18 point 3):
 * resume it until `resumableUntil`, while PayFiP can still take its operation (15 minutes) — never
 * a second operation; cancel it from `cancellableFrom`, once nothing can be paid any more (no
 * operation was ever sent: at once; else once its 15 minutes and a margin are over, PayFiP
 * confirming no payment).
 */
export function pendingOnlineChoices(payment: { createdAt: Date; providerOperationId: string | null }, now: Date): { resumableUntil: Date | null; cancellableFrom: Date; cancellable: boolean } {
  if (!payment.providerOperationId) return { resumableUntil: null, cancellableFrom: payment.createdAt, cancellable: true };
  const until = new Date(payment.createdAt.getTime() + PROVIDER_OPERATION_VALIDITY_MS);
  const cancellableFrom = new Date(until.getTime() + PROVIDER_CLOCK_MARGIN_MS);
  return {
    resumableUntil: until.getTime() > now.getTime() ? until : null,
    cancellableFrom,
    cancellable: cancellableFrom.getTime() <= now.getTime(),
  };
}
