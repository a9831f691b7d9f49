import type { DayCharge } from '../domain/tariffs.ts';
import type { Invoice, InvoiceKind, InvoiceStatus } from '../model/invoice.ts';
import { formatDate, formatMonth, PARIS } from './format.ts';
import { formatWholeEuros } from './quotient-words.ts';

/**
 * The words of invoices and credit notes (DESIGN §7 Invoices), from the codes of
 * `src/model/invoice.ts`: the parent's pages and the PDF say the same thing the same way.
 */

/** « Facture », « Avoir » */
export const INVOICE_KIND_LABELS: Record<InvoiceKind, string> = {
  invoice: 'Facture',
  credit_note: 'Avoir',
};

/** The status as a word; an « avoir » is masculine. */
export function invoiceStatusLabel(status: InvoiceStatus, kind: InvoiceKind = 'invoice'): string {
  switch (status) {
    case 'due':
      return 'À payer';
    case 'overdue':
      return 'En retard';
    case 'settled':
      return kind === 'credit_note' ? 'Soldé' : 'Soldée';
    case 'in_payment':
      return 'En cours de paiement';
  }
}

/**
 * The status as a sentence with its date: « À payer avant le mardi 15 décembre 2026 », « En
 * retard : à payer avant le … », « Soldée le … », « Paiement en cours ».
 */
export function invoiceStatusSentence(invoice: Pick<Invoice, 'status' | 'kind' | 'dueOn' | 'settledAt' | 'issuedAt'>): string {
  switch (invoice.status) {
    case 'due':
      return `À payer avant le ${formatDate(invoice.dueOn)}`;
    case 'overdue':
      return `En retard : à payer avant le ${formatDate(invoice.dueOn)}`;
    case 'in_payment':
      return 'Paiement en cours : le règlement est en attente de confirmation';
    case 'settled':
      if (invoice.kind === 'credit_note') return `Soldé le ${formatDate(invoice.settledAt ?? invoice.issuedAt)}`;
      return invoice.settledAt ? `Soldée le ${formatDate(invoice.settledAt)}` : 'Soldée';
  }
}

/** « novembre 2026 »: the month an invoice bills. */
export function invoicePeriodWords(invoice: Pick<Invoice, 'periodStart'>): string {
  return formatMonth(invoice.periodStart.slice(0, 7));
}

/** The quotient an invoice was priced with, after « Quotient familial : »: « 620 € », or the top price without one. */
export function invoiceQuotientWords(quotient: number | null): string {
  return quotient === null ? 'tarif maximum : quotient non fourni' : formatWholeEuros(quotient);
}

/** What kind of days a line bills, said where it is not a plain booking. */
export function chargeWords(charge: DayCharge): string | undefined {
  switch (charge) {
    case 'booked':
      return undefined;
    case 'no_show':
      return 'absences non justifiées';
    case 'unbooked':
      return 'présences sans réservation';
  }
}

const monthName = new Intl.DateTimeFormat('fr-FR', { month: 'long', timeZone: PARIS });

/**
 * The days a line bills, one group per month: ['3, 4, 6, 10 novembre', '1er, 2 décembre']. The
 * period says the year; the first of a month is « 1er », as French writes it.
 */
export function daysByMonth(days: readonly string[]): string[] {
  const groups = new Map<string, number[]>();
  for (const day of [...days].sort()) {
    const month = day.slice(0, 7);
    const numbers = groups.get(month) ?? [];
    numbers.push(Number(day.slice(8, 10)));
    groups.set(month, numbers);
  }
  return [...groups].map(([month, numbers]) => {
    const name = monthName.format(new Date(`${month}-15T12:00:00Z`));
    return `${numbers.map((number) => (number === 1 ? '1er' : String(number))).join(', ')} ${name}`;
  });
}

/** « 3, 4, 6, 10 novembre ; 1er décembre » */
export function daysInWords(days: readonly string[]): string {
  return daysByMonth(days).join(' ; ');
}

/** « 4 jours », « 1 jour » */
export function dayCountWords(count: number): string {
  return count > 1 ? `${count} jours` : `${count} jour`;
}
