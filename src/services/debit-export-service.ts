import { dayNumber, dayOfNumber } from '../domain/calendar/calendar-day.ts';
import { parisDay } from '../domain/calendar/paris-time.ts';
import type { Clock } from '../domain/clock.ts';
import { NotFoundError, ValidationError } from '../domain/errors.ts';
import type { Commune } from '../data/commune-repository.ts';
import type { NewDebitLine } from '../data/debit-file-repository.ts';
import type { Repositories } from '../data/index.ts';
import type { User } from '../data/user-repository.ts';
import { formatMonth } from '../i18n/format.ts';
import { buildPain008 } from '../integrations/sepa/pain008.ts';

/** The earliest collection date a new file asks for, in days after its export (SEPA Core: D-1 business day, with margin). */
export const COLLECTION_NOTICE_DAYS = 2;

export interface DebitFileDownload {
  fileName: string;
  xml: string;
  debits: number;
}

/**
 * The month's direct-debit file (issue 12 item 6): staff export the invoices of a month that
 * families with an active mandate still owe, as one pain.008.001.02 file. The first export of a
 * month writes the file's lines (each invoice at most once, ever: a unique key) with the sequence
 * of its mandate then — FRST for a mandate's first debit, RCUR after — and flips the mandates to
 * « first debit done », in one transaction; downloading it again gives the same file. An invoice
 * issued after the month's export waits for a manual debit (not handled here).
 */
export function debitExportService(repositories: Repositories, clock: Clock) {
  const { db, invoices, mandates, debitFiles } = repositories;

  return {
    async exportMonth(commune: Commune, staff: User, month: string): Promise<DebitFileDownload> {
      const creditor = commune.settings.directDebit;
      if (!commune.settings.features.directDebit || !creditor) throw new NotFoundError(`direct debit is off in ${commune.slug}`);
      const periodStart = `${month}-01`;
      dayNumber(periodStart);
      const now = clock.now();
      const today = parisDay(now);

      return db.transaction(async (trx) => {
        // Two exports of one month wait for each other: the second finds the first's file.
        await trx.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [`debit-file:${commune.id}:${month}`]);
        let file = await debitFiles.findForMonth(commune.id, periodStart, trx);
        if (!file) {
          const owed = (await invoices.listForMonth(commune.id, periodStart, today, trx)).filter((invoice) => invoice.status === 'due' || invoice.status === 'overdue');
          const active = await mandates.activeByFamily(commune.id, trx);
          const debited = await debitFiles.invoicesDebited(commune.id, owed.map((invoice) => invoice.id), trx);
          const lines: NewDebitLine[] = [];
          let latestDue = today;
          for (const invoice of owed) {
            const mandate = active.get(invoice.familyId);
            if (!mandate || debited.has(invoice.id)) continue;
            // A credit note that leaves something to pay lowers the debit (its total is negative).
            const credits = await invoices.creditNotesFor(commune.id, invoice.id, today, trx);
            const amountCents = invoice.totalCents + credits.reduce((sum, note) => sum + note.totalCents, 0);
            if (amountCents < 1) continue;
            lines.push({ invoiceId: invoice.id, mandateId: mandate.id, sequence: mandate.firstDebitDone ? 'RCUR' : 'FRST', amountCents });
            if (invoice.dueOn > latestDue) latestDue = invoice.dueOn;
          }
          if (!lines.length) {
            throw new ValidationError([{ field: 'mois', message: `Aucune facture de ${formatMonth(month)} n'est à prélever : aucune famille avec un mandat actif ne doit de facture de ce mois` }], 422);
          }
          const earliest = dayOfNumber(dayNumber(today) + COLLECTION_NOTICE_DAYS);
          const collectionDate = latestDue > earliest ? latestDue : earliest;
          const messageId = `${creditor.mandatePrefix}-PRLV-${month}`;
          await debitFiles.insert(commune.id, { periodStart, messageId, collectionDate, createdBy: staff.id, createdAt: now }, lines, trx);
          await mandates.markFirstDebitDone(commune.id, lines.filter((line) => line.sequence === 'FRST').map((line) => line.mandateId), trx);
          file = (await debitFiles.findForMonth(commune.id, periodStart, trx))!;
        }
        const lines = await debitFiles.linesOf(commune.id, file.id, trx);
        // Built inside the transaction: a file the library or our checks refuse leaves nothing written.
        const xml = buildPain008({
          messageId: file.messageId,
          createdAt: file.createdAt,
          collectionDate: file.collectionDate,
          creditor: { name: creditor.creditorName, creditorId: creditor.creditorId, iban: creditor.iban, bic: creditor.bic },
          debits: lines.map((line) => ({
            endToEndId: line.invoiceNumber,
            amountCents: line.amountCents,
            remittance: `Facture ${line.invoiceNumber} ${formatMonth(month)}`,
            mandate: { reference: line.mandateReference, signedOn: line.signedOn, firstDebitDone: line.sequence === 'RCUR' },
            debtor: { name: line.holderName, iban: line.iban, bic: line.bic },
          })),
        });
        return { fileName: `prelevements-${month}.xml`, xml, debits: lines.length };
      });
    },
  };
}

export type DebitExportService = ReturnType<typeof debitExportService>;
