import type { PaymentRefusal } from '../domain/payment-rules.ts';
import type { CounterMeans, Payment, PaymentMethod, PaymentStatus } from '../model/payment.ts';
import { formatAmount } from './format.ts';

/** The words of payments (DESIGN §7 Payment), from the codes of `src/model/payment.ts` and the payment rules. */

export const COUNTER_MEANS_WORDS: Record<CounterMeans, string> = { cash: 'Espèces', cheque: 'Chèque', cesu: 'CESU' };

export const PAYMENT_METHOD_WORDS: Record<PaymentMethod, string> = {
  online: 'Paiement en ligne',
  counter: 'Paiement au guichet',
  direct_debit: 'Prélèvement automatique',
};

export const PAYMENT_STATUS_WORDS: Record<PaymentStatus, { label: string; tag: string }> = {
  pending: { label: 'En cours', tag: 'tag--pending' },
  paid: { label: 'Payé', tag: 'tag--ok' },
  refused: { label: 'Refusé', tag: 'tag--late' },
  cancelled: { label: 'Abandonné', tag: 'tag--late' },
  expired: { label: 'Expiré', tag: 'tag--late' },
};

/** Why the invoices chosen cannot be paid; `numbers`: the invoices concerned. */
export function paymentRefusalWords(refusal: PaymentRefusal, numbers: readonly string[] = []): string {
  const which = numbers.length ? ` (${numbers.join(', ')})` : '';
  switch (refusal) {
    case 'none':
      return 'Choisissez au moins une facture à payer';
    case 'not_found':
      return 'Une des factures choisies n’existe pas pour cette famille';
    case 'settled':
      return `${numbers.length > 1 ? 'Ces factures sont déjà soldées' : 'Cette facture est déjà soldée'}${which}`;
    case 'in_payment':
      return numbers.length > 1
        ? `Ces factures sont déjà dans un paiement en cours ou payé${which} : elles ne peuvent pas être payées deux fois`
        : `Cette facture est déjà dans un paiement en cours ou payé${which} : elle ne peut pas être payée deux fois`;
    case 'under_minimum':
      return `Le paiement en ligne demande un montant d’au moins ${formatAmount(100)}`;
  }
}

/** The provider did not take the payment (out of reach, or it refused the request): nothing was paid. */
export const PROVIDER_UNAVAILABLE = 'Le service de paiement en ligne ne répond pas pour le moment : aucune somme n’a été débitée. Réessayez dans quelques minutes';

/** « Indiquez le numéro du chèque » */
/** The total the parent saw differs from what the invoices cost now (a credit note came meanwhile…). */
export function amountChangedWords(seenCents: number, dueCents: number): string {
  return `Le montant des factures cochées est de ${formatAmount(dueCents)}, et non de ${formatAmount(seenCents)} : il a changé depuis l'affichage de la page. Vérifiez les factures, puis payez à nouveau`;
}

export const CHEQUE_NUMBER_MISSING = 'Indiquez le numéro du chèque';

/** What a counter payment did, for the flash message. */
export function counterPaymentOutcomeWords(outcome: { receiptNumber: string; amountCents: number; invoiceNumbers: string[] }): string {
  const count = outcome.invoiceNumbers.length;
  return `Paiement de ${formatAmount(outcome.amountCents)} encaissé : ${count > 1 ? `${count} factures soldées` : 'facture soldée'}, reçu n° ${outcome.receiptNumber}.`;
}

/** How a payment was made: « Paiement au guichet – chèque n° 1234567 (Banque Alpine) », « Paiement en ligne ». */
export function paymentMeansWords(payment: Pick<Payment, 'method' | 'counterMeans' | 'chequeNumber' | 'chequeBank'>): string {
  if (payment.method !== 'counter' || !payment.counterMeans) return PAYMENT_METHOD_WORDS[payment.method];
  const means = payment.counterMeans === 'cesu' ? 'CESU' : COUNTER_MEANS_WORDS[payment.counterMeans].toLocaleLowerCase('fr');
  const cheque = payment.counterMeans === 'cheque' && payment.chequeNumber ? ` n° ${payment.chequeNumber}${payment.chequeBank ? ` (${payment.chequeBank})` : ''}` : '';
  return `${PAYMENT_METHOD_WORDS.counter} – ${means}${cheque}`;
}
