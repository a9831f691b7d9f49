import { formatAmount, formatDateTime } from '../../i18n/format.ts';
import { invoicePeriodWords } from '../../i18n/invoice-words.ts';
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
}

export function presentPaymentOutcome(payment: Payment): PaymentOutcomeView {
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
    case 'pending':
      return {
        ...base,
        title: 'Paiement en cours de confirmation',
        tone: 'pending',
        sentences: [
          `Le paiement de ${base.amount} (${plural ? 'factures' : 'facture'} ${listed}) est en cours de confirmation par le service de paiement.`,
          'Actualisez cette page dans quelques instants. Ne payez pas une seconde fois : si le paiement n’aboutit pas, vos factures redeviennent payables au plus tard 20 minutes après son début.',
        ],
        retry: false,
      };
  }
}
