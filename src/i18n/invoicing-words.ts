import type { InvoicingRunStatus } from '../model/invoicing-run.ts';
import type { DayCharge } from '../domain/tariffs.ts';
import { formatAmount, formatMonth } from './format.ts';

/** The words of invoicing (README « Facturation »), from the codes of the run and the invoices. */

/** What a line bills, said to whoever checks it against the grid. */
export const CHARGE_WORDS: Record<DayCharge, string> = {
  booked: 'Jours réservés',
  no_show: 'Absences non justifiées',
  unbooked: 'Présences sans réservation',
};

export const RUN_STATUS_WORDS: Record<InvoicingRunStatus, string> = {
  running: 'En cours',
  issued: 'Terminée',
  failed: 'Échouée, rien n’a été émis',
};

/** « octobre 2026 » from '2026-10-01'. */
export const monthWords = (month: string) => formatMonth(month.slice(0, 7));

/** « 1 famille », « 12 familles » */
export const familiesWords = (count: number) => `${count} famille${count > 1 ? 's' : ''}`;

/** « 3 jours » */
export const daysWords = (count: number) => `${count} jour${count > 1 ? 's' : ''}`;

/** What « Émettre les factures » did, for the flash message. */
export function runOutcomeWords(outcome: { month: string; issued: number; totalCents: number; firstNumber: string | null; lastNumber: string | null }): string {
  const month = monthWords(outcome.month);
  if (outcome.issued === 0) return `Déjà facturé : rien de nouveau pour ${month}.`;
  const range = outcome.issued === 1 ? `n° ${outcome.firstNumber}` : `n° ${outcome.firstNumber} à ${outcome.lastNumber}`;
  return `${outcome.issued} facture${outcome.issued > 1 ? 's émises' : ' émise'} pour ${month} (${range}), total ${formatAmount(outcome.totalCents)}.`;
}

export function creditNoteOutcomeWords(outcome: { number: string; totalCents: number; invoiceNumber: string }): string {
  return `Avoir n° ${outcome.number} émis pour la facture n° ${outcome.invoiceNumber} : ${formatAmount(outcome.totalCents)}.`;
}
