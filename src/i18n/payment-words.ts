import type { PaymentRefusal, PaymentRefusalDetail } from '../domain/payment-rules.ts';
import type { CounterMeans, Payment, PaymentMethod, PaymentStatus, RefundReason } from '../model/payment.ts';
import { formatAmount, formatDate, formatDateTime, formatMonth, formatTime } from './format.ts';

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

/** The total the parent saw differs from what the invoices cost now (a credit note came meanwhile…). */
export function amountChangedWords(seenCents: number, dueCents: number): string {
  return `Le montant des factures cochées est de ${formatAmount(dueCents)}, et non de ${formatAmount(seenCents)} : il a changé depuis l'affichage de la page. Vérifiez les factures, puis payez à nouveau`;
}

export const CHEQUE_NUMBER_MISSING = 'Indiquez le numéro du chèque';

/** Said on `/factures` to a family paying by direct debit (and as the refusal of its online payment). */
export const DIRECT_DEBIT_NOTE =
  'Vos factures sont réglées par prélèvement automatique : chacune est prélevée à son échéance, le paiement en ligne ne vous est donc pas proposé, sauf pour une facture dont votre banque a rejeté le prélèvement.';

/** « 9h15 », or « lundi 23 novembre 2026 à 9h15 » when it is not today's. */
const whenWords = (at: Date, now?: Date) => (now && formatDate(at) === formatDate(now) ? formatTime(at) : formatDateTime(at));

/** Every refusal of a payment action (`PaymentRefusedError`), as the sentence said next to its field. */
export function paymentRefusalSentence(detail: PaymentRefusalDetail, now?: Date): string {
  switch (detail.code) {
    case 'rule':
      return paymentRefusalWords(detail.refusal, detail.numbers);
    case 'direct_debit_family':
      return DIRECT_DEBIT_NOTE;
    case 'amount_changed':
      return amountChangedWords(detail.seenCents, detail.dueCents);
    case 'provider_unavailable':
      return PROVIDER_UNAVAILABLE;
    case 'cheque_number_missing':
      return CHEQUE_NUMBER_MISSING;
    case 'not_resumable':
      return 'Ce paiement ne peut plus être repris : le délai du service de paiement est dépassé. Vérifiez vos factures, puis payez à nouveau si besoin';
    case 'not_cancellable':
      return detail.resumableUntil
        ? `Ce paiement peut encore être terminé sur le site de paiement, jusqu’à ${whenWords(detail.resumableUntil, now)} : il ne peut donc pas être annulé avant ${whenWords(detail.cancellableFrom, now)}. Pour l’arrêter maintenant, reprenez-le et choisissez « Abandonner le paiement » sur le site de paiement`
        : `Ce paiement pourra être annulé à partir de ${whenWords(detail.cancellableFrom, now)}, quand le service de paiement ne pourra plus l’accepter`;
    case 'credit_note_held':
      if (detail.method === 'direct_debit') {
        return `La facture ${detail.invoiceNumber} est dans le fichier de prélèvements envoyé à la banque${detail.collectionDate ? ` (prélèvement du ${formatDate(detail.collectionDate)})` : ''} : un avoir ne peut pas être émis tant que ce prélèvement est en cours. Si la banque l’a rejeté, enregistrez d’abord le rejet (« Prélèvements ») ; une fois le prélèvement encaissé, émettez l’avoir et remboursez la famille`;
      }
      return `Un paiement ${detail.method === 'online' ? 'en ligne' : 'au guichet'} de la facture ${detail.invoiceNumber} est en cours : attendez son résultat${detail.until ? ` (au plus tard ${formatDateTime(detail.until)})` : ''} avant d’émettre un avoir. S’il aboutit, émettez l’avoir puis remboursez la famille ; sinon la facture redevient libre`;
    case 'nothing_to_debit':
      return `Aucune facture de ${formatMonth(detail.month)} n'est à prélever : aucune famille avec un mandat actif ne doit de facture de ce mois`;
    case 'debit_already_rejected':
      return `Le rejet du prélèvement de la facture ${detail.invoiceNumber} est déjà enregistré`;
    case 'debit_already_collected':
      return `Le prélèvement de la facture ${detail.invoiceNumber} est déjà encaissé : un rejet ne peut plus être enregistré ici, établissez un avoir ou encaissez-la au guichet`;
    case 'refund_done_already':
      return 'Ce remboursement est déjà enregistré';
  }
}

/** Why money is owed back, for staff's « à rembourser » list. */
export const REFUND_REASON_WORDS: Record<RefundReason, string> = {
  invoice_changed: 'Factures modifiées (avoir ou autre paiement) après le début du paiement',
  paid_after_close: 'Payé après l’expiration ou l’annulation du paiement, ses factures ayant été réglées autrement',
  credit_after_payment: 'Avoir émis sur une facture déjà payée',
};

/** What `/factures` says of a pending online payment the parent may have left (issue 18 point 3). */
export function pendingOnlinePaymentWords(
  pending: { amountCents: number; createdAt: Date; invoiceNumbers: string[]; resumableUntil: Date | null; cancellableFrom: Date; cancellable: boolean },
  now: Date,
): string[] {
  const plural = pending.invoiceNumbers.length > 1;
  const which = `${plural ? 'des factures' : 'de la facture'} ${pending.invoiceNumbers.join(', ')}`;
  const sentences = [`Vous avez commencé le ${formatDateTime(pending.createdAt)} un paiement en ligne de ${formatAmount(pending.amountCents)} ${which}, sans le terminer : aucune somme n’a été débitée à ce jour.`];
  if (pending.resumableUntil) {
    sentences.push(
      `Vous pouvez le reprendre là où vous l’aviez laissé jusqu’à ${whenWords(pending.resumableUntil, now)}. Passé ce délai, vous pourrez l’annuler et ${plural ? 'les factures redeviendront' : 'la facture redeviendra'} aussitôt payable${plural ? 's' : ''}.`,
    );
  } else if (pending.cancellable) {
    sentences.push(`Le service de paiement ne peut plus l’accepter : annulez-le pour payer à nouveau ${plural ? 'ces factures' : 'cette facture'}.`);
  } else {
    sentences.push(`Le service de paiement ne peut plus l’accepter : vous pourrez l’annuler à partir de ${whenWords(pending.cancellableFrom, now)}.`);
  }
  return sentences;
}

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

/** The flash after « Annuler ce paiement ». */
export function cancelledPaymentWords(payment: Pick<Payment, 'amountCents' | 'invoices'>): string {
  const plural = payment.invoices.length > 1;
  return `Paiement de ${formatAmount(payment.amountCents)} annulé : aucune somme n’a été débitée, ${plural ? 'les factures' : 'la facture'} ${payment.invoices.map((invoice) => invoice.number).join(', ')} ${plural ? 'sont' : 'est'} de nouveau à payer.`;
}

/** The flash after staff record a refund done. */
export function refundDoneWords(refund: { amountCents: number; familyName: string }): string {
  return `Remboursement de ${formatAmount(refund.amountCents)} à la famille ${refund.familyName} enregistré : la famille est prévenue par courriel.`;
}

/** The messages of the payment forms' schemas (portal « Payer en ligne », counter, refunds, direct debits). */
export const PAYMENT_FORM_WORDS = {
  unknownInvoice: 'Cette facture est inconnue.',
  noInvoiceTicked: 'Cochez au moins une facture à payer.',
  unreadableAmount: 'Le montant envoyé est illisible : rechargez la page',
  chooseMeans: 'Choisissez le moyen de paiement',
  chequeNumberTooLong: 'Le numéro du chèque tient en 40 caractères',
  bankTooLong: 'Le nom de la banque tient en 80 caractères',
  refundHowMissing: 'Indiquez comment la famille a été remboursée, par exemple « virement du 12 décembre »',
  refundHowTooLong: 'Le détail du remboursement tient en 200 caractères',
  rejectReasonMissing: 'Choisissez le motif du rejet indiqué par la banque',
  monthMissing: 'Choisissez un mois, par exemple 2026-11',
} as const;

/** The flash once staff recorded a debit the bank sent back. */
export const DEBIT_REJECTION_RECORDED = 'Rejet enregistré : la facture est de nouveau à payer et la famille est prévenue par courriel.';
