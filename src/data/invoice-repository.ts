import type { ComputedLine } from '../domain/invoicing.ts';
import type { DayCharge, PriceRule } from '../domain/tariffs.ts';
import type {
  ActivityCost,
  Invoice,
  InvoiceBalance,
  InvoiceKind,
  InvoiceLine,
  InvoiceStatus,
  InvoiceWithLines,
} from '../model/invoice.ts';
import type { Executor } from './database.ts';

/** An invoice or credit note to write, with its lines (amounts already computed, cents). */
export interface NewInvoice {
  familyId: number;
  kind: InvoiceKind;
  number: string;
  familyName: string;
  familyReference: string;
  periodStart: string;
  periodEnd: string;
  issuedAt: Date;
  issuedBy: number;
  dueOn: string;
  totalCents: number;
  quotient: number | null;
  creditForInvoiceId: number | null;
  reason: string | null;
  runId: number | null;
  settledAt: Date | null;
  lines: NewInvoiceLine[];
}

/** A line to store: as computed, and for a credit note the line it credits. */
export interface NewInvoiceLine extends ComputedLine {
  creditForLineId: number | null;
}

interface InvoiceRow {
  id: number;
  commune_id: number;
  family_id: number;
  kind: InvoiceKind;
  number: string;
  family_name: string;
  family_reference: string;
  period_start: string;
  period_end: string;
  issued_at: Date;
  due_on: string;
  total_cents: number;
  quotient: number | null;
  credit_for_invoice_id: number | null;
  credit_for_number: string | null;
  reason: string | null;
  settled_at: Date | null;
  in_payment: boolean;
}

interface LineRow {
  id: number;
  invoice_id: number;
  member_id: number;
  child_name: string;
  activity_id: number;
  activity_name: string;
  charge: DayCharge;
  unit_price_cents: number;
  quantity: number;
  gross_cents: number;
  sibling_reduction_percent: number;
  reduction_cents: number;
  amount_cents: number;
  rule: PriceRule;
  days: string[];
}

/**
 * What a parent reads, from the stored facts: settled once `settled_at` is recorded (a credit note
 * from its issue), in payment while a pending payment holds it, overdue the day after its due date,
 * else due.
 */
export function invoiceStatus(invoice: { kind: InvoiceKind; settledAt: Date | null; dueOn: string; inPayment?: boolean }, today: string): InvoiceStatus {
  if (invoice.kind === 'credit_note' || invoice.settledAt !== null) return 'settled';
  if (invoice.inPayment) return 'in_payment';
  return invoice.dueOn < today ? 'overdue' : 'due';
}

const toInvoice = (row: InvoiceRow, today: string): Invoice => {
  const invoice = {
    id: row.id,
    communeId: row.commune_id,
    familyId: row.family_id,
    familyName: row.family_name,
    familyReference: row.family_reference,
    kind: row.kind,
    number: row.number,
    periodStart: row.period_start,
    periodEnd: row.period_end,
    issuedAt: row.issued_at,
    dueOn: row.due_on,
    totalCents: row.total_cents,
    quotient: row.quotient,
    creditFor: row.credit_for_invoice_id === null ? null : { id: row.credit_for_invoice_id, number: row.credit_for_number ?? '' },
    reason: row.reason,
    settledAt: row.settled_at,
  };
  return { ...invoice, status: invoiceStatus({ ...invoice, inPayment: row.in_payment }, today) };
};

const toLine = (row: LineRow): InvoiceLine => ({
  id: row.id,
  memberId: row.member_id,
  childName: row.child_name,
  activityId: row.activity_id,
  activityName: row.activity_name,
  charge: row.charge,
  unitPriceCents: row.unit_price_cents,
  quantity: row.quantity,
  grossCents: row.gross_cents,
  siblingReductionPercent: row.sibling_reduction_percent,
  reductionCents: row.reduction_cents,
  amountCents: row.amount_cents,
  rule: row.rule,
  days: row.days,
});

const INVOICE_COLUMNS = `i.id, i.commune_id, i.family_id, i.kind, i.number, i.family_name, i.family_reference, i.period_start,
  i.period_end, i.issued_at, i.due_on, i.total_cents, i.quotient, i.credit_for_invoice_id, c.number AS credit_for_number,
  i.reason, i.settled_at,
  EXISTS (SELECT 1 FROM payment_invoices pi WHERE pi.commune_id = i.commune_id AND pi.invoice_id = i.id AND pi.payment_status = 'pending') AS in_payment`;
const INVOICE_FROM = `invoices i LEFT JOIN invoices c ON c.commune_id = i.commune_id AND c.id = i.credit_for_invoice_id`;
// date[] would come back as local-midnight Dates: the days stay 'YYYY-MM-DD' strings.
const LINE_COLUMNS = `id, invoice_id, member_id, child_name, activity_id, activity_name, charge, unit_price_cents, quantity,
  gross_cents, sibling_reduction_percent, reduction_cents, amount_cents, rule, days::text[] AS days`;

/** « Not settled »: what the parent still has to pay (the status is computed with today). */
const UNSETTLED = `i.kind = 'invoice' AND i.settled_at IS NULL`;

/**
 * Invoices and credit notes (migration 24). Rows are written once, by the invoicing run or a
 * credit note; only `settled_at` is recorded later (the database refuses any other change).
 * Every read takes `today` ('YYYY-MM-DD', from the calendar service) for the status.
 */
export function invoiceRepository(db: Executor) {
  async function linesOf(communeId: number, invoiceIds: readonly number[], executor: Executor): Promise<Map<number, InvoiceLine[]>> {
    const byInvoice = new Map<number, InvoiceLine[]>();
    if (!invoiceIds.length) return byInvoice;
    const result = await executor.raw<{ rows: LineRow[] }>(
      `SELECT ${LINE_COLUMNS} FROM invoice_lines WHERE commune_id = ? AND invoice_id = ANY(?::int[]) ORDER BY invoice_id, position`,
      [communeId, [...invoiceIds]],
    );
    for (const row of result.rows) {
      const lines = byInvoice.get(row.invoice_id) ?? [];
      lines.push(toLine(row));
      byInvoice.set(row.invoice_id, lines);
    }
    return byInvoice;
  }

  async function findOne(communeId: number, familyId: number | null, invoiceId: number, today: string, executor: Executor) {
    const result = await executor.raw<{ rows: InvoiceRow[] }>(
      `SELECT ${INVOICE_COLUMNS} FROM ${INVOICE_FROM}
        WHERE i.commune_id = ? AND i.id = ? AND (?::int IS NULL OR i.family_id = ?::int)`,
      [communeId, invoiceId, familyId, familyId],
    );
    const row = result.rows[0];
    if (!row) return undefined;
    const lines = await linesOf(communeId, [row.id], executor);
    return { ...toInvoice(row, today), lines: lines.get(row.id) ?? [] };
  }

  return {
    /**
     * A family's invoices and credit notes, the latest first: `settled: false` those left to pay
     * (due or overdue), `settled: true` the settled ones and the credit notes.
     */
    async listForFamily(
      communeId: number,
      familyId: number,
      { settled, today }: { settled: boolean; today: string },
      executor: Executor = db,
    ): Promise<Invoice[]> {
      const result = await executor.raw<{ rows: InvoiceRow[] }>(
        `SELECT ${INVOICE_COLUMNS} FROM ${INVOICE_FROM}
          WHERE i.commune_id = ? AND i.family_id = ? AND ${settled ? `NOT (${UNSETTLED})` : UNSETTLED}
          ORDER BY i.issued_at DESC, i.id DESC`,
        [communeId, familyId],
      );
      return result.rows.map((row) => toInvoice(row, today));
    },

    /** One invoice of the family with its lines; undefined when it is not this family's (the page answers 404). */
    async findWithLines(communeId: number, familyId: number, invoiceId: number, today: string, executor: Executor = db): Promise<InvoiceWithLines | undefined> {
      return findOne(communeId, familyId, invoiceId, today, executor);
    },

    /** Any invoice of the commune with its lines (staff); undefined when it is not this commune's. */
    async findForCommune(communeId: number, invoiceId: number, today: string, executor: Executor = db): Promise<InvoiceWithLines | undefined> {
      return findOne(communeId, null, invoiceId, today, executor);
    },

    /** What the family still owes, and the part of it past due (see `InvoiceBalance`). */
    async balance(communeId: number, familyId: number, today: string, executor: Executor = db): Promise<InvoiceBalance> {
      const result = await executor.raw<{ rows: { due: number | null; overdue: number | null }[] }>(
        `SELECT sum(left_to_pay)::int AS due, sum(left_to_pay) FILTER (WHERE due_on < ?::date)::int AS overdue
           FROM (SELECT i.due_on, i.total_cents + coalesce((
                          SELECT sum(c.total_cents) FROM invoices c
                           WHERE c.commune_id = i.commune_id AND c.credit_for_invoice_id = i.id), 0) AS left_to_pay
                   FROM invoices i
                  WHERE i.commune_id = ? AND i.family_id = ? AND ${UNSETTLED}) AS open`,
        [today, communeId, familyId],
      );
      const row = result.rows[0];
      return { dueCents: Math.max(0, row?.due ?? 0), overdueCents: Math.max(0, row?.overdue ?? 0) };
    },

    /**
     * What each child × activity cost over the months from `periodStart` to `periodEnd` (a school
     * year's first and last day): the lines of the invoices of those months, less the lines of the
     * credit notes that correct them. Sorted by child, then activity.
     */
    async costPerActivity(communeId: number, familyId: number, periodStart: string, periodEnd: string, executor: Executor = db): Promise<ActivityCost[]> {
      const result = await executor.raw<{
        rows: { member_id: number; child_name: string; activity_id: number; activity_name: string; days: number; amount_cents: number }[];
      }>(
        `SELECT l.member_id, min(l.child_name) AS child_name, l.activity_id, min(l.activity_name) AS activity_name,
                sum(CASE WHEN i.kind = 'credit_note' THEN -l.quantity ELSE l.quantity END)::int AS days,
                sum(l.amount_cents)::int AS amount_cents
           FROM invoice_lines l
           JOIN invoices i ON i.commune_id = l.commune_id AND i.id = l.invoice_id
           LEFT JOIN invoices f ON f.commune_id = i.commune_id AND f.id = i.credit_for_invoice_id
          WHERE l.commune_id = ? AND i.family_id = ?
            AND coalesce(f.period_start, i.period_start) BETWEEN ?::date AND ?::date
          GROUP BY l.member_id, l.activity_id
          ORDER BY min(l.child_name), min(l.activity_name), l.member_id, l.activity_id`,
        [communeId, familyId, periodStart, periodEnd],
      );
      return result.rows.map((row) => ({
        memberId: row.member_id,
        childName: row.child_name,
        activityId: row.activity_id,
        activityName: row.activity_name,
        days: row.days,
        amountCents: row.amount_cents,
      }));
    },

    /** The invoices (not credit notes) of a month of the commune, by number, without their lines. */
    async listForMonth(communeId: number, periodStart: string, today: string, executor: Executor = db): Promise<Invoice[]> {
      const result = await executor.raw<{ rows: InvoiceRow[] }>(
        `SELECT ${INVOICE_COLUMNS} FROM ${INVOICE_FROM}
          WHERE i.commune_id = ? AND i.kind = 'invoice' AND i.period_start = ?::date
          ORDER BY i.number`,
        [communeId, periodStart],
      );
      return result.rows.map((row) => toInvoice(row, today));
    },

    /** The credit notes that correct an invoice, oldest first. */
    async creditNotesFor(communeId: number, invoiceId: number, today: string, executor: Executor = db): Promise<InvoiceWithLines[]> {
      const result = await executor.raw<{ rows: InvoiceRow[] }>(
        `SELECT ${INVOICE_COLUMNS} FROM ${INVOICE_FROM}
          WHERE i.commune_id = ? AND i.credit_for_invoice_id = ?
          ORDER BY i.issued_at, i.id`,
        [communeId, invoiceId],
      );
      const lines = await linesOf(communeId, result.rows.map((row) => row.id), executor);
      return result.rows.map((row) => ({ ...toInvoice(row, today), lines: lines.get(row.id) ?? [] }));
    },

    /** The families already invoiced for the month starting `periodStart` (the run skips them). */
    async familiesInvoiced(communeId: number, periodStart: string, executor: Executor = db): Promise<Set<number>> {
      const rows = (await executor('invoices')
        .where({ commune_id: communeId, kind: 'invoice', period_start: periodStart })
        .select('family_id')) as { family_id: number }[];
      return new Set(rows.map((row) => row.family_id));
    },

    /** Writes an invoice or a credit note and its lines; returns its id. */
    async insert(communeId: number, invoice: NewInvoice, executor: Executor = db): Promise<number> {
      const [row] = await executor('invoices')
        .insert({
          commune_id: communeId,
          family_id: invoice.familyId,
          kind: invoice.kind,
          number: invoice.number,
          family_name: invoice.familyName,
          family_reference: invoice.familyReference,
          period_start: invoice.periodStart,
          period_end: invoice.periodEnd,
          issued_at: invoice.issuedAt,
          issued_by: invoice.issuedBy,
          due_on: invoice.dueOn,
          total_cents: invoice.totalCents,
          quotient: invoice.quotient,
          credit_for_invoice_id: invoice.creditForInvoiceId,
          reason: invoice.reason,
          run_id: invoice.runId,
          settled_at: invoice.settledAt,
        })
        .returning<{ id: number }[]>('id');
      const id = row!.id;
      if (invoice.lines.length) {
        await executor('invoice_lines').insert(
          invoice.lines.map((line, index) => ({
            commune_id: communeId,
            invoice_id: id,
            position: index + 1,
            member_id: line.memberId,
            child_name: line.childName,
            activity_id: line.activityId,
            activity_name: line.activityName,
            charge: line.charge,
            unit_price_cents: line.unitPriceCents,
            quantity: line.quantity,
            gross_cents: line.grossCents,
            sibling_reduction_percent: line.siblingReductionPercent,
            reduction_cents: line.reductionCents,
            amount_cents: line.amountCents,
            rule: JSON.stringify(line.rule),
            days: line.days,
            credit_for_line_id: line.creditForLineId,
          })),
        );
      }
      return id;
    },

    /** The lines of an invoice already credited by a credit note (by the credited line's id). */
    async creditedLineIds(communeId: number, invoiceId: number, executor: Executor = db): Promise<Set<number>> {
      const result = await executor.raw<{ rows: { id: number }[] }>(
        `SELECT c.credit_for_line_id AS id FROM invoice_lines c
           JOIN invoice_lines l ON l.commune_id = c.commune_id AND l.id = c.credit_for_line_id
          WHERE c.commune_id = ? AND l.invoice_id = ?`,
        [communeId, invoiceId],
      );
      return new Set(result.rows.map((row) => row.id));
    },

    /**
     * Records an invoice's settlement (the only change an issued invoice accepts); false when it was
     * already settled or is not this commune's.
     */
    async settle(communeId: number, invoiceId: number, at: Date, executor: Executor = db): Promise<boolean> {
      const count = await executor('invoices')
        .where({ commune_id: communeId, id: invoiceId, kind: 'invoice' })
        .whereNull('settled_at')
        .update({ settled_at: at });
      return count > 0;
    },

    /** Locks an invoice's row until the end of the transaction (a credit note is computed under it). */
    async lock(communeId: number, invoiceId: number, executor: Executor): Promise<void> {
      await executor.raw('SELECT id FROM invoices WHERE commune_id = ? AND id = ? FOR UPDATE', [communeId, invoiceId]);
    },
  };
}

export type InvoiceRepository = ReturnType<typeof invoiceRepository>;
