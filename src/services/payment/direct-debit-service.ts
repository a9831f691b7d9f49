import { dayNumber, dayOfNumber } from '../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import { PaymentRefusedError } from '../../domain/payment-rules.ts';
import { lastCollectedDate } from '../../domain/sepa.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { NewDebitLine } from '../../data/debit-file-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import { formatMonth } from '../../i18n/format.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import { buildPain008, unwritableDebtor, type DirectDebitLine } from '../../integrations/sepa/pain008.ts';
import { unwritableDebtorsWords } from '../../i18n/mandate-words.ts';
import type { BankDetailsService } from './bank-details-service.ts';
import type { Invoice } from '../../model/invoice.ts';
import type { DebitFileSummary, DebitRejectReason, InvoiceDebit } from '../../model/mandate.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import { debitRejectedMail } from './debit-mails.ts';
import { mailQueue } from '../mail.ts';
import type { PaymentService } from './payment-service.ts';

/** The earliest collection date a new file asks for, in days after its export (SEPA Core: D-1 business day, with margin). */
export const COLLECTION_NOTICE_DAYS = 2;

export interface DebitFileDownload {
  fileName: string;
  xml: string;
  debits: number;
}

/** How many months of debit files staff see on « Prélèvements ». */
const FILES_SHOWN = 6;

/** What the parent's pages need to say about direct debit. */
export interface FamilyDebits {
  /** The family pays by an active mandate. */
  onDirectDebit: boolean;
  /** Each unsettled or debited invoice's debit, by invoice id (only for a family on direct debit, or one debited before). */
  debits: Map<number, InvoiceDebit>;
}

/**
 * Direct debits (DESIGN §7 Direct debit, issue 12 item 6), from the month's file to the money:
 *
 * - `exportMonth`: staff export the invoices of a month that families with an active mandate still
 *   owe, as one pain.008.001.02 file. The first export of a month writes the file's lines (each
 *   invoice at most once, ever: a unique key) with the sequence of its mandate then — FRST for a
 *   mandate's first debit, RCUR after — opens one pending `direct_debit` payment per invoice (so it
 *   can be paid no other way meanwhile) and flips the mandates to « first debit done », in one
 *   transaction; downloading it again gives the same file. An invoice issued after the month's
 *   export waits for the next month's file… of its own month: it is not debited (staff take it at
 *   the counter).
 * - `collectDue` (a job): once the bank's return window has passed after the collection date, the
 *   debit counts as collected: its payment is settled with its receipt.
 * - `recordRejection`: staff record a debit the bank sent back; its payment is refused, the invoice
 *   is to be paid again (online too, though the family is on direct debit) and the family is told.
 */
export function directDebitService(repositories: Repositories, clock: Clock, payments: PaymentService, mail: MailRenderer, bankDetails: BankDetailsService) {
  const { db, invoices, mandates, debitFiles, users, audit } = repositories;
  const queueMail = mailQueue(repositories.outbox, mail, clock);
  const forms = formSubmissions(repositories, clock);

  function requireFeature(commune: Commune) {
    if (!commune.settings.features.directDebit || !commune.settings.directDebit) throw new NotFoundError(`direct debit is off in ${commune.slug}`);
  }

  return {
    async exportMonth(commune: Commune, staff: User, month: string): Promise<DebitFileDownload> {
      requireFeature(commune);
      const creditor = commune.settings.directDebit!;
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
            // What is left to pay (credit notes deducted), unless another payment holds the invoice.
            const payment = await payments.openDirectDebit(commune, invoice.familyId, invoice.id, trx);
            if (!payment) continue;
            lines.push({ invoiceId: invoice.id, mandateId: mandate.id, sequence: mandate.firstDebitDone ? 'RCUR' : 'FRST', amountCents: payment.amountCents, paymentId: payment.paymentId });
            if (invoice.dueOn > latestDue) latestDue = invoice.dueOn;
          }
          if (!lines.length) {
            throw new PaymentRefusedError({ code: 'nothing_to_debit', month }, 'mois', 422);
          }
          const earliest = dayOfNumber(dayNumber(today) + COLLECTION_NOTICE_DAYS);
          const collectionDate = latestDue > earliest ? latestDue : earliest;
          const messageId = `${creditor.mandatePrefix}-PRLV-${month}`;
          await debitFiles.insert(commune.id, { periodStart, messageId, collectionDate, createdBy: staff.id, createdAt: now }, lines, trx);
          await mandates.markFirstDebitDone(commune.id, lines.filter((line) => line.sequence === 'FRST').map((line) => line.mandateId), trx);
          file = (await debitFiles.findForMonth(commune.id, periodStart, trx))!;
        }
        const lines = await debitFiles.linesOf(commune.id, file.id, trx);
        const debits: DirectDebitLine[] = lines.map((line) => ({
          endToEndId: line.invoiceNumber,
          amountCents: line.amountCents,
          remittance: `Facture ${line.invoiceNumber} ${formatMonth(month)}`,
          mandate: { reference: line.mandateReference, signedOn: line.signedOn, firstDebitDone: line.sequence === 'RCUR' },
          // The IBAN is decrypted here, in memory, for the file only.
          debtor: {
            name: line.holderName,
            iban: bankDetails.open(commune.id, line.familyId, line.ibanEncrypted),
            bic: line.bic,
            address: { street: line.address, postcode: line.postcode, city: line.city, country: 'FR' },
          },
        }));
        // A debtor the bank cannot read makes it refuse the whole file: staff are told which, and nothing is written.
        const unwritable = debits.filter((debit) => unwritableDebtor(debit.debtor)).map((debit) => debit.endToEndId);
        if (unwritable.length) throw new ValidationError([{ field: 'mois', message: unwritableDebtorsWords(unwritable) }], 422);
        // Built inside the transaction: a file the library or our checks refuse leaves nothing written.
        const xml = buildPain008({
          messageId: file.messageId,
          createdAt: file.createdAt,
          collectionDate: file.collectionDate,
          creditor: { name: creditor.creditorName, creditorId: creditor.creditorId, iban: creditor.iban, bic: creditor.bic },
          debits,
        });
        return { fileName: `prelevements-${month}.xml`, xml, debits: lines.length };
      });
    },

    /** The latest months' files with each debit and where it stands (staff's « Prélèvements »). */
    async files(commune: Commune): Promise<DebitFileSummary[]> {
      requireFeature(commune);
      return debitFiles.listFiles(commune.id, FILES_SHOWN);
    },

    /**
     * Staff record that the bank sent a debit back (`lineId` of the commune's files), from its
     * notice, before the debit counted as collected: in one transaction the line keeps the reason,
     * its payment is refused (the invoice is « à payer » again, payable online or at the counter),
     * the guardians are mailed and the action audited. A debit already collected or already
     * rejected is refused with a sentence; `formKey`: the same form posted twice records it once.
     */
    async recordRejection(commune: Commune, staff: User, lineId: number, reason: DebitRejectReason, formKey?: string): Promise<void> {
      requireFeature(commune);
      const submission = submissionOf(commune, staff, 'debit_rejection', formKey);
      if (await forms.replay(submission)) return;
      try {
        await forms.transaction(submission, async (trx) => {
          const line = await debitFiles.lockLine(commune.id, lineId, trx);
          if (!line) throw new NotFoundError(`debit line ${lineId} not in commune ${commune.id}`);
          if (line.rejectedAt) throw new PaymentRefusedError({ code: 'debit_already_rejected', invoiceNumber: line.invoiceNumber }, 'motif', 409);
          if (line.paymentStatus !== 'pending' || line.paymentId === null) {
            throw new PaymentRefusedError({ code: 'debit_already_collected', invoiceNumber: line.invoiceNumber }, 'motif', 409);
          }
          const at = clock.now();
          await payments.close(commune, line.paymentId, 'refused', `rejet ${reason}`, trx);
          await debitFiles.markRejected(commune.id, line.id, { at, reason, by: staff.id }, trx);
          for (const guardian of await users.listActiveParentsOfFamily(commune.id, line.familyId, trx)) {
            await queueMail(trx, commune, debitRejectedMail(mail, commune, guardian, { invoiceNumber: line.invoiceNumber, amountCents: line.amountCents, collectionDate: line.collectionDate, reason }));
          }
          await audit.record(
            commune.id,
            { staffId: staff.id, occurredAt: at, action: 'debit_rejection', entity: 'payment', entityId: line.paymentId, familyId: line.familyId, after: { invoice: line.invoiceNumber, reason } },
            trx,
          );
        });
      } catch (error) {
        if (error instanceof PaymentRefusedError) return forms.refuse(submission, error);
        throw error;
      }
    },

    /**
     * One pass of the collection job: settles the pending debits whose return window has passed
     * (every commune, the oldest first). Settling is idempotent, so two processes side by side do
     * no harm. Answers how many it looked at.
     */
    async collectDue(onError: (paymentId: number, error: unknown) => void, limit = 50): Promise<number> {
      const due = await debitFiles.listCollected(lastCollectedDate(parisDay(clock.now())), limit);
      for (const { communeSlug, paymentId } of due) {
        try {
          const commune = await repositories.communes.findBySlug(communeSlug);
          if (commune) await payments.settle(commune, paymentId, 'prélèvement encaissé');
        } catch (error) {
          onError(paymentId, error);
        }
      }
      return due.length;
    },

    /**
     * Where the debit of each of these invoices of the family stands: in a file (submitted,
     * collected, rejected) or, for a family on direct debit, scheduled at its due date.
     */
    async familyDebits(commune: Commune, familyId: number, shown: readonly Invoice[]): Promise<FamilyDebits> {
      const [onDirectDebit, debits] = await Promise.all([
        payments.onDirectDebit(commune, familyId),
        debitFiles.debitsOf(commune.id, shown.filter((invoice) => invoice.kind === 'invoice').map((invoice) => invoice.id)),
      ]);
      if (onDirectDebit) {
        for (const invoice of shown) {
          if (invoice.kind === 'invoice' && invoice.status !== 'settled' && !debits.has(invoice.id)) {
            debits.set(invoice.id, { invoiceId: invoice.id, state: 'scheduled', date: invoice.dueOn, rejectReason: null });
          }
        }
      }
      return { onDirectDebit, debits };
    },
  };
}

export type DirectDebitService = ReturnType<typeof directDebitService>;
