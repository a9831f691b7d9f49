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
  iban: string;
  bic: string;
}

export interface NewDebitLine {
  invoiceId: number;
  mandateId: number;
  sequence: 'FRST' | 'RCUR';
  amountCents: number;
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
        .select('i.number', 'l.amount_cents', 'l.sequence', 'm.reference', 'm.signed_on', 'm.holder_name', 'm.iban', 'm.bic');
      return rows.map((row) => ({
        invoiceNumber: row.number,
        amountCents: row.amount_cents,
        sequence: row.sequence,
        mandateReference: row.reference,
        signedOn: row.signed_on,
        holderName: row.holder_name,
        iban: row.iban,
        bic: row.bic,
      }));
    },

    /** The invoices already in a debit file, among these. */
    async invoicesDebited(communeId: number, invoiceIds: number[], executor: Executor): Promise<Set<number>> {
      if (!invoiceIds.length) return new Set();
      const rows = (await executor('debit_lines').where('commune_id', communeId).whereIn('invoice_id', invoiceIds).select('invoice_id')) as { invoice_id: number }[];
      return new Set(rows.map((row) => row.invoice_id));
    },
  };
}
