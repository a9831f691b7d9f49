import type { DebitFileSummary, DebitLine, DebitRejectReason, InvoiceDebit } from '../model/mandate.ts';
import type { Executor } from './database.ts';

/** A month's debit file as stored (migration 26). */
export interface DebitFileRow {
  id: number;
  periodStart: string;
  messageId: string;
  collectionDate: string;
  createdAt: Date;
}

/** One debit of the file, with what the pain.008 needs of its invoice and mandate. */
export interface DebitLineRow {
  invoiceNumber: string;
  amountCents: number;
  sequence: 'FRST' | 'RCUR';
  mandateReference: string;
  signedOn: string;
  holderName: string;
  address: string;
  postcode: string;
  city: string;
  familyId: number;
  /** Encrypted (src/integrations/data-cipher.ts): the service decrypts it, in memory only, to write the file. */
  ibanEncrypted: string;
  bic: string;
}

export interface NewDebitLine {
  invoiceId: number;
  mandateId: number;
  sequence: 'FRST' | 'RCUR';
  amountCents: number;
  /** The direct-debit payment opened for it (pending until collected). */
  paymentId: number;
}

/** A line locked for recording its rejection. */
export interface LockedDebitLine {
  id: number;
  invoiceId: number;
  familyId: number;
  invoiceNumber: string;
  amountCents: number;
  collectionDate: string;
  paymentId: number | null;
  paymentStatus: 'pending' | 'paid' | 'refused' | null;
  rejectedAt: Date | null;
}

/** Direct-debit files and their lines (migration 26); every method takes the commune first. */
export function debitFileRepository(db: Executor) {
  return {
    /** The month's file, locked; undefined before its first export. */
    async findForMonth(communeId: number, periodStart: string, executor: Executor): Promise<DebitFileRow | undefined> {
      const row = await executor('debit_files').where({ commune_id: communeId, period_start: periodStart }).forUpdate().first();
      return row && { id: row.id, periodStart: row.period_start, messageId: row.message_id, collectionDate: row.collection_date, createdAt: row.created_at };
    },

    async insert(
      communeId: number,
      file: { periodStart: string; messageId: string; collectionDate: string; createdBy: number; createdAt: Date },
      lines: NewDebitLine[],
      executor: Executor,
    ): Promise<number> {
      const [row] = await executor('debit_files')
        .insert({
          commune_id: communeId,
          period_start: file.periodStart,
          message_id: file.messageId,
          collection_date: file.collectionDate,
          created_by: file.createdBy,
          created_at: file.createdAt,
        })
        .returning<{ id: number }[]>('id');
      if (lines.length) {
        await executor('debit_lines').insert(
          lines.map((line) => ({
            commune_id: communeId,
            debit_file_id: row!.id,
            invoice_id: line.invoiceId,
            mandate_id: line.mandateId,
            sequence: line.sequence,
            amount_cents: line.amountCents,
            payment_id: line.paymentId,
          })),
        );
      }
      return row!.id;
    },

    async linesOf(communeId: number, fileId: number, executor: Executor = db): Promise<DebitLineRow[]> {
      const rows = await executor('debit_lines as l')
        .join('invoices as i', function () {
          this.on('i.commune_id', 'l.commune_id').andOn('i.id', 'l.invoice_id');
        })
        .join('sepa_mandates as m', function () {
          this.on('m.commune_id', 'l.commune_id').andOn('m.id', 'l.mandate_id');
        })
        .where({ 'l.commune_id': communeId, 'l.debit_file_id': fileId })
        .orderBy('i.number')
        .select('i.number', 'l.amount_cents', 'l.sequence', 'm.reference', 'm.signed_on', 'm.holder_name', 'm.address', 'm.postcode', 'm.city', 'm.family_id', 'm.iban_encrypted', 'm.bic');
      return rows.map((row) => ({
        invoiceNumber: row.number,
        amountCents: row.amount_cents,
        sequence: row.sequence,
        mandateReference: row.reference,
        signedOn: row.signed_on,
        holderName: row.holder_name,
        address: row.address,
        postcode: row.postcode,
        city: row.city,
        familyId: row.family_id,
        ibanEncrypted: row.iban_encrypted,
        bic: row.bic,
      }));
    },

    /** Among these invoices, those whose debit the bank sent back (to be paid by other means). */
    async rejectedInvoices(communeId: number, invoiceIds: readonly number[], executor: Executor = db): Promise<Set<number>> {
      if (!invoiceIds.length) return new Set();
      const rows = (await executor('debit_lines')
        .where('commune_id', communeId)
        .whereIn('invoice_id', invoiceIds)
        .whereNotNull('rejected_at')
        .select('invoice_id')) as { invoice_id: number }[];
      return new Set(rows.map((row) => row.invoice_id));
    },

    /** The invoices already in a debit file, among these. */
    async invoicesDebited(communeId: number, invoiceIds: number[], executor: Executor): Promise<Set<number>> {
      if (!invoiceIds.length) return new Set();
      const rows = (await executor('debit_lines').where('commune_id', communeId).whereIn('invoice_id', invoiceIds).select('invoice_id')) as { invoice_id: number }[];
      return new Set(rows.map((row) => row.invoice_id));
    },
      /** The commune's debit files, the latest month first, each with its lines (staff's « Prélèvements »). */
    async listFiles(communeId: number, limit: number, executor: Executor = db): Promise<DebitFileSummary[]> {
      const files = await executor('debit_files').where('commune_id', communeId).orderBy('period_start', 'desc').limit(limit);
      if (!files.length) return [];
      const rows = await executor('debit_lines as l')
        .join('invoices as i', function () {
          this.on('i.commune_id', 'l.commune_id').andOn('i.id', 'l.invoice_id');
        })
        .join('families as f', function () {
          this.on('f.commune_id', 'i.commune_id').andOn('f.id', 'i.family_id');
        })
        .leftJoin('payments as p', function () {
          this.on('p.commune_id', 'l.commune_id').andOn('p.id', 'l.payment_id');
        })
        .where('l.commune_id', communeId)
        .whereIn('l.debit_file_id', files.map((file) => file.id))
        .orderBy('i.number')
        .select('l.id', 'l.debit_file_id', 'l.invoice_id', 'i.number', 'i.family_id', 'f.name as family_name', 'f.reference as family_reference', 'l.amount_cents', 'l.sequence', 'l.payment_id', 'p.status as payment_status', 'l.rejected_at', 'l.reject_reason');
      return files.map((file) => ({
        id: file.id,
        periodStart: file.period_start,
        collectionDate: file.collection_date,
        createdAt: file.created_at,
        lines: rows
          .filter((row) => row.debit_file_id === file.id)
          .map(
            (row): DebitLine => ({
              id: row.id,
              invoiceId: row.invoice_id,
              invoiceNumber: row.number,
              familyId: row.family_id,
              familyName: row.family_name,
              familyReference: row.family_reference,
              amountCents: row.amount_cents,
              sequence: row.sequence,
              paymentId: row.payment_id,
              paymentStatus: row.payment_status,
              rejectedAt: row.rejected_at,
              rejectReason: row.reject_reason,
            }),
          ),
      }));
    },

    /** One line of the commune, locked with its payment's status; undefined when unknown. */
    async lockLine(communeId: number, lineId: number, executor: Executor): Promise<LockedDebitLine | undefined> {
      const row = await executor('debit_lines as l')
        .join('debit_files as d', function () {
          this.on('d.commune_id', 'l.commune_id').andOn('d.id', 'l.debit_file_id');
        })
        .join('invoices as i', function () {
          this.on('i.commune_id', 'l.commune_id').andOn('i.id', 'l.invoice_id');
        })
        .leftJoin('payments as p', function () {
          this.on('p.commune_id', 'l.commune_id').andOn('p.id', 'l.payment_id');
        })
        .where({ 'l.commune_id': communeId, 'l.id': lineId })
        .forUpdate('l')
        .first('l.id', 'l.invoice_id', 'i.family_id', 'i.number', 'l.amount_cents', 'd.collection_date', 'l.payment_id', 'p.status as payment_status', 'l.rejected_at');
      return (
        row && {
          id: row.id,
          invoiceId: row.invoice_id,
          familyId: row.family_id,
          invoiceNumber: row.number,
          amountCents: row.amount_cents,
          collectionDate: row.collection_date,
          paymentId: row.payment_id,
          paymentStatus: row.payment_status,
          rejectedAt: row.rejected_at,
        }
      );
    },

    async markRejected(communeId: number, lineId: number, rejection: { at: Date; reason: DebitRejectReason; by: number }, executor: Executor): Promise<void> {
      await executor('debit_lines')
        .where({ commune_id: communeId, id: lineId })
        .update({ rejected_at: rejection.at, reject_reason: rejection.reason, rejected_by: rejection.by });
    },

    /**
     * The pending direct-debit payments, every commune, whose file was collected on or before
     * `lastCollected`: what the collection job settles, the oldest first.
     */
    async listCollected(lastCollected: string, limit: number, executor: Executor = db): Promise<{ communeSlug: string; paymentId: number }[]> {
      return (await executor('debit_lines as l')
        .join('debit_files as d', function () {
          this.on('d.commune_id', 'l.commune_id').andOn('d.id', 'l.debit_file_id');
        })
        .join('payments as p', function () {
          this.on('p.commune_id', 'l.commune_id').andOn('p.id', 'l.payment_id');
        })
        .join('communes as c', 'c.id', 'l.commune_id')
        .where('p.status', 'pending')
        .whereNull('l.rejected_at')
        .andWhere('d.collection_date', '<=', lastCollected)
        .orderBy([{ column: 'd.collection_date' }, { column: 'p.id' }])
        .limit(limit)
        .select('c.slug as communeSlug', 'p.id as paymentId')) as { communeSlug: string; paymentId: number }[];
    },

    /** Where the debit of each of these invoices stands, for those in a file (the latest line of each). */
    async debitsOf(communeId: number, invoiceIds: readonly number[], executor: Executor = db): Promise<Map<number, InvoiceDebit>> {
      if (!invoiceIds.length) return new Map();
      const rows = await executor('debit_lines as l')
        .join('debit_files as d', function () {
          this.on('d.commune_id', 'l.commune_id').andOn('d.id', 'l.debit_file_id');
        })
        .leftJoin('payments as p', function () {
          this.on('p.commune_id', 'l.commune_id').andOn('p.id', 'l.payment_id');
        })
        .where('l.commune_id', communeId)
        .whereIn('l.invoice_id', invoiceIds)
        .select('l.invoice_id', 'd.collection_date', 'p.status as payment_status', 'l.rejected_at', 'l.reject_reason');
      return new Map(
        rows.map((row) => [
          row.invoice_id as number,
          {
            invoiceId: row.invoice_id,
            state: row.rejected_at ? 'rejected' : row.payment_status === 'paid' ? 'collected' : 'submitted',
            date: row.collection_date,
            rejectReason: row.reject_reason,
          } satisfies InvoiceDebit,
        ]),
      );
    },
  };
}
