import { formatAmount, formatDate, formatDateTime } from '../../i18n/format.ts';
import { monthWords } from '../../i18n/invoicing-words.ts';
import { presentStatus } from './invoice-presenter.ts';
import { COUNTER_MEANS_WORDS, PAYMENT_STATUS_WORDS, paymentMeansWords, REFUND_REASON_WORDS } from '../../i18n/payment-words.ts';
import { COUNTER_MEANS } from '../../model/payment.ts';
import type { Payment, PaymentRefund } from '../../model/payment.ts';
import type { CounterForm } from '../../services/payment/payment-service.ts';

/** The means a counter payment offers, in the order of the form. */
export const COUNTER_MEANS_OPTIONS = COUNTER_MEANS.map((value) => ({ value, label: COUNTER_MEANS_WORDS[value] }));

/** « Encaisser au guichet »: the family, its unsettled invoices to tick (those in a payment under way cannot be). */
export function presentCounterForm(form: CounterForm) {
  return {
    familyId: form.family.id,
    familyName: form.family.name,
    familyReference: form.family.reference,
    invoices: form.invoices.map((invoice) => {
      const status = presentStatus({ status: invoice.status, kind: 'invoice' });
      return {
        id: invoice.id,
        number: invoice.number,
        period: monthWords(invoice.periodStart),
        dueOn: formatDate(invoice.dueOn),
        amount: formatAmount(invoice.leftToPayCents),
        statusLabel: status.label,
        statusTag: status.className,
        payable: invoice.payable,
      };
    }),
    payableCount: form.invoices.filter((invoice) => invoice.payable).length,
    means: COUNTER_MEANS_OPTIONS,
  };
}

/** One payment: its receipt, when and how it was paid, the invoices it settled. */
export function presentPayment(payment: Payment) {
  const status = PAYMENT_STATUS_WORDS[payment.status];
  return {
    id: payment.id,
    familyId: payment.familyId,
    familyName: payment.familyName,
    familyReference: payment.familyReference,
    receiptNumber: payment.receiptNumber,
    amount: formatAmount(payment.amountCents),
    means: paymentMeansWords(payment),
    statusLabel: status.label,
    statusTag: status.tag,
    createdAt: formatDateTime(payment.createdAt),
    paidAt: payment.paidAt ? formatDateTime(payment.paidAt) : null,
    hasReceipt: payment.status === 'paid' && payment.receiptNumber !== null,
    invoices: payment.invoices.map((invoice) => ({ id: invoice.invoiceId, number: invoice.number, period: monthWords(invoice.periodStart), amount: formatAmount(invoice.amountCents) })),
  };
}

/** The family's payments in the history: when, how, which invoices, how much, the receipt when paid. */
export function presentPaymentHistory(payments: Payment[]) {
  return payments.map((payment) => ({ ...presentPayment(payment), dateTime: formatDateTime(payment.paidAt ?? payment.createdAt) }));
}

/** Staff's « À rembourser »: money received that nothing is owed for any more, and the refunds done. */
export function presentRefunds(open: PaymentRefund[], done: PaymentRefund[]) {
  const row = (refund: PaymentRefund) => ({
    id: refund.id,
    familyId: refund.familyId,
    familyName: refund.familyName,
    familyReference: refund.familyReference,
    amount: formatAmount(refund.amountCents),
    paymentAmount: formatAmount(refund.paymentCents),
    means: paymentMeansWords({ ...refund, chequeNumber: null, chequeBank: null }),
    paymentPath: `/admin/paiements/${refund.paymentId}`,
    invoices: refund.invoiceNumbers.join(', '),
    reason: REFUND_REASON_WORDS[refund.reason],
    since: formatDateTime(refund.createdAt),
    refundedAt: refund.refundedAt ? formatDateTime(refund.refundedAt) : undefined,
    note: refund.refundNote ?? undefined,
  });
  return {
    open: open.map(row),
    done: done.map(row),
    total: formatAmount(open.reduce((sum, refund) => sum + refund.amountCents, 0)),
  };
}
