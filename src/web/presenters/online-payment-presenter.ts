import { formatAmount, formatDateTime } from '../../i18n/format.ts';
import { invoicePeriodWords } from '../../i18n/invoice-words.ts';
import { pendingOnlinePaymentWords } from '../../i18n/payment-words.ts';
import type { PendingOnlinePayment } from '../../services/payment/online-payment-service.ts';
import type { Invoice } from '../../model/invoice.ts';
import type { Payment } from '../../model/payment.ts';

/**
 * « Payer en ligne » (DESIGN §7 Payment; issue 12): the form on `/factures` and the return page, in
 * words. The amount is always computed by the server; the page only says it.
 */

export interface PayableInvoiceView {
  id: number;
  number: string;
  period: string;
  amount: string;
  amountCents: number;
  checked: boolean;
}

export interface PayFormView {
  invoices: PayableInvoiceView[];
  /** « 51,00 € » for every invoice of the list: what « Tout cocher » would pay. */
  total: string;
}

/** The invoices a family can tick: unpaid invoices (not credit notes) not held by a payment under way. */
export function presentPayForm(invoices: Invoice[], values: Record<string, unknown> = {}, leftToPay: ReadonlyMap<number, number> = new Map()): PayFormView | undefined {
  const ticked = new Set([values.factures ?? []].flat().map(String));
  // What is left to pay on each (a credit note lowers it), as the server will compute it.
  const amountOf = (invoice: Invoice) => leftToPay.get(invoice.id) ?? invoice.totalCents;
  const payable = invoices.filter((invoice) => invoice.kind === 'invoice' && (invoice.status === 'due' || invoice.status === 'overdue') && amountOf(invoice) > 0);
  if (payable.length === 0) return undefined;
  return {
    invoices: payable.map((invoice) => ({
      id: invoice.id,
      number: invoice.number,
      period: invoicePeriodWords(invoice),
      amount: formatAmount(amountOf(invoice)),
      amountCents: amountOf(invoice),
      checked: ticked.has(String(invoice.id)),
    })),
    total: formatAmount(payable.reduce((sum, invoice) => sum + amountOf(invoice), 0)),
  };
}

export interface PaymentOutcomeView {
  /** « Paiement accepté » … */
  title: string;
  tone: 'ok' | 'refused' | 'pending';
  sentences: string[];
  receipt?: { number: string; path: string };
  amount: string;
  invoices: { number: string; path: string }[];
  /** Outside a paid payment: back to the invoices to pay. */
  retry: boolean;
  /** A pending payment the parent left: « Reprendre le paiement » and « Annuler ce paiement », where each can act. */
  actions?: PendingActionsView;
}

export interface PendingActionsView {
  resumePath?: string;
  cancelPath?: string;
}

/** The two choices on a payment left unfinished, only where the server would take them. */
export function presentPendingActions(pending: PendingOnlinePayment): PendingActionsView {
  return {
    ...(pending.resumableUntil ? { resumePath: `/paiement/${pending.payment.id}/reprendre` } : {}),
    ...(pending.cancellable ? { cancelPath: `/paiement/${pending.payment.id}/annuler` } : {}),
  };
}

/** A pending online payment on `/factures`: what happened, and the two choices. */
export interface PendingPaymentView {
  id: number;
  sentences: string[];
  actions: PendingActionsView;
  path: string;
}

export function presentPendingPayments(pending: readonly PendingOnlinePayment[], now: Date): PendingPaymentView[] {
  return pending.map((entry) => ({
    id: entry.payment.id,
    sentences: pendingOnlinePaymentWords({ ...entry, amountCents: entry.payment.amountCents, createdAt: entry.payment.createdAt, invoiceNumbers: entry.payment.invoices.map((invoice) => invoice.number) }, now),
    actions: presentPendingActions(entry),
    path: `/paiement/retour?paiement=${entry.payment.id}`,
  }));
}

/** The page of a payment (the return from PayFiP): its outcome, or, still pending, where it stands and the choices. */
export function presentPaymentOutcome(shown: PendingOnlinePayment | { payment: Payment }, now: Date): PaymentOutcomeView {
  const { payment } = shown;
  const numbers = payment.invoices.map((invoice) => invoice.number);
  const listed = numbers.join(', ');
  const plural = numbers.length > 1;
  const base = {
    amount: formatAmount(payment.amountCents),
    invoices: payment.invoices.map((invoice) => ({ number: invoice.number, path: `/factures/${invoice.invoiceId}` })),
  };
  switch (payment.status) {
    case 'paid':
      return {
        ...base,
        title: 'Paiement accepté',
        tone: 'ok',
        sentences: [
          `Paiement accepté : ${plural ? 'factures' : 'facture'} ${listed} ${plural ? 'soldées' : 'soldée'}, reçu n° ${payment.receiptNumber}.`,
          `Montant payé : ${base.amount}, le ${formatDateTime(payment.paidAt!)}.`,
        ],
        receipt: { number: payment.receiptNumber!, path: `/paiements/${payment.id}/recu.pdf` },
        retry: false,
      };
    case 'refused':
      return {
        ...base,
        title: 'Paiement refusé',
        tone: 'refused',
        sentences: [`Le paiement de ${base.amount} a été refusé : aucune somme n’a été débitée.`, `${plural ? 'Les factures' : 'La facture'} ${listed} ${plural ? 'restent' : 'reste'} à payer.`],
        retry: true,
      };
    case 'cancelled':
      return {
        ...base,
        title: 'Paiement abandonné',
        tone: 'refused',
        sentences: [`Vous avez abandonné le paiement de ${base.amount} : aucune somme n’a été débitée.`, `${plural ? 'Les factures' : 'La facture'} ${listed} ${plural ? 'restent' : 'reste'} à payer.`],
        retry: true,
      };
    case 'expired':
      return {
        ...base,
        title: 'Paiement non abouti',
        tone: 'refused',
        sentences: [`Le paiement de ${base.amount} n’a pas été terminé à temps : aucune somme n’a été débitée.`, `${plural ? 'Les factures' : 'La facture'} ${listed} ${plural ? 'restent' : 'reste'} à payer.`],
        retry: true,
      };
    case 'pending': {
      const pending = shown as PendingOnlinePayment;
      return {
        ...base,
        title: 'Paiement non terminé',
        tone: 'pending',
        sentences: [
          ...pendingOnlinePaymentWords({ ...pending, amountCents: payment.amountCents, createdAt: payment.createdAt, invoiceNumbers: numbers }, now),
          'Ne payez pas ces factures autrement tant que ce paiement n’est pas repris ou annulé : elles ne peuvent pas être payées deux fois.',
        ],
        retry: false,
        actions: presentPendingActions(pending),
      };
    }
  }
}
