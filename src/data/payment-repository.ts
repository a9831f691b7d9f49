import type { PaymentCandidate } from '../domain/payment-rules.ts';
import type { CounterMeans, Payment, PaymentInvoice, PaymentMethod, PaymentRefund, PaymentStatus, RefundReason } from '../model/payment.ts';
import type { Executor } from './database.ts';

/** A payment to write, with the invoices it pays (amounts computed by the server). */
export interface NewPayment {
  familyId: number;
  method: PaymentMethod;
  status: Extract<PaymentStatus, 'pending' | 'paid'>;
  amountCents: number;
  createdBy: number | null;
  createdAt: Date;
  expiresAt?: Date | null;
  paidAt?: Date | null;
  receiptNumber?: string | null;
  providerOperationId?: string | null;
  providerReference?: string | null;
  counterMeans?: CounterMeans | null;
  chequeNumber?: string | null;
  chequeBank?: string | null;
  invoices: { invoiceId: number; amountCents: number }[];
}

interface PaymentRow {
  id: number;
  commune_id: number;
  family_id: number;
  family_name: string;
  family_reference: string;
  method: PaymentMethod;
  status: PaymentStatus;
  amount_cents: number;
  created_by: number | null;
  created_at: Date;
  expires_at: Date | null;
  paid_at: Date | null;
  receipt_number: string | null;
  provider_operation_id: string | null;
  provider_reference: string | null;
  counter_means: CounterMeans | null;
  cheque_number: string | null;
  cheque_bank: string | null;
  invoices: { invoiceId: number; number: string; periodStart: string; amountCents: number }[];
}

const toPayment = (row: PaymentRow): Payment => ({
  id: row.id,
  communeId: row.commune_id,
  familyId: row.family_id,
  familyName: row.family_name,
  familyReference: row.family_reference,
  method: row.method,
  status: row.status,
  amountCents: row.amount_cents,
  createdBy: row.created_by,
  createdAt: row.created_at,
  expiresAt: row.expires_at,
  paidAt: row.paid_at,
  receiptNumber: row.receipt_number,
  providerOperationId: row.provider_operation_id,
  providerReference: row.provider_reference,
  counterMeans: row.counter_means,
  chequeNumber: row.cheque_number,
  chequeBank: row.cheque_bank,
  invoices: row.invoices.map((invoice): PaymentInvoice => ({ ...invoice })),
});

const PAYMENT_SELECT = `
  SELECT p.id, p.commune_id, p.family_id, f.name AS family_name, f.reference AS family_reference, p.method, p.status,
         p.amount_cents, p.created_by, p.created_at, p.expires_at, p.paid_at, p.receipt_number, p.provider_operation_id,
         p.provider_reference, p.counter_means, p.cheque_number, p.cheque_bank,
         coalesce((SELECT json_agg(json_build_object('invoiceId', i.id, 'number', i.number, 'periodStart', i.period_start::text,
                                                     'amountCents', pi.amount_cents) ORDER BY i.period_start, i.id)
                     FROM payment_invoices pi JOIN invoices i ON i.commune_id = pi.commune_id AND i.id = pi.invoice_id
                    WHERE pi.commune_id = p.commune_id AND pi.payment_id = p.id), '[]'::json) AS invoices
    FROM payments p JOIN families f ON f.commune_id = p.commune_id AND f.id = p.family_id`;

interface RefundRow {
  id: number;
  payment_id: number;
  family_id: number;
  family_name: string;
  family_reference: string;
  method: PaymentMethod;
  counter_means: CounterMeans | null;
  payment_cents: number;
  amount_cents: number;
  reason: RefundReason;
  created_at: Date;
  refunded_at: Date | null;
  refund_note: string | null;
  invoice_numbers: string[];
}

const toRefund = (row: RefundRow): PaymentRefund => ({
  id: row.id,
  paymentId: row.payment_id,
  familyId: row.family_id,
  familyName: row.family_name,
  familyReference: row.family_reference,
  method: row.method,
  counterMeans: row.counter_means,
  paymentCents: row.payment_cents,
  amountCents: row.amount_cents,
  reason: row.reason,
  createdAt: row.created_at,
  refundedAt: row.refunded_at,
  refundNote: row.refund_note,
  invoiceNumbers: row.invoice_numbers,
});

const REFUND_SELECT = `
  SELECT r.id, r.payment_id, r.family_id, f.name AS family_name, f.reference AS family_reference, p.method, p.counter_means,
         p.amount_cents AS payment_cents, r.amount_cents, r.reason, r.created_at, r.refunded_at, r.refund_note,
         coalesce((SELECT array_agg(i.number ORDER BY i.period_start, i.id)
                     FROM payment_invoices pi JOIN invoices i ON i.commune_id = pi.commune_id AND i.id = pi.invoice_id
                    WHERE pi.commune_id = p.commune_id AND pi.payment_id = p.id), '{}') AS invoice_numbers
    FROM payment_refunds r
    JOIN payments p ON p.commune_id = r.commune_id AND p.id = r.payment_id
    JOIN families f ON f.commune_id = r.commune_id AND f.id = r.family_id`;

/** The unique index that makes « one live payment per invoice » a database fact. */
export const ONE_LIVE_PAYMENT_INDEX = 'payment_invoices_one_live_payment';

/** Whether a database error is the refusal of an invoice already in a live payment. */
export function isLivePaymentConflict(error: unknown): boolean {
  const pgError = error as { code?: string; constraint?: string };
  return pgError?.code === '23505' && pgError.constraint === ONE_LIVE_PAYMENT_INDEX;
}

/**
 * Payments and the invoices they pay (migration 25). A payment's status moves from pending to paid,
 * refused, cancelled or expired; the link rows follow it (foreign key ON UPDATE CASCADE), so the
 * database keeps every invoice in one live payment at most.
 */
export function paymentRepository(db: Executor) {
  /** The invoices as the payment rules see them, without locking them (a form to fill in). Unknown ids are left out. */
  async function candidates(communeId: number, invoiceIds: readonly number[], executor: Executor = db): Promise<PaymentCandidate[]> {
    if (!invoiceIds.length) return [];
    const result = await executor.raw<{
      rows: { id: number; number: string; family_id: number; kind: 'invoice' | 'credit_note'; settled_at: Date | null; left_to_pay: number; in_live_payment: boolean }[];
    }>(
      `SELECT i.id, i.number, i.family_id, i.kind, i.settled_at,
              (i.total_cents + coalesce((SELECT sum(c.total_cents) FROM invoices c
                                          WHERE c.commune_id = i.commune_id AND c.credit_for_invoice_id = i.id), 0))::int AS left_to_pay,
              EXISTS (SELECT 1 FROM payment_invoices pi
                       WHERE pi.commune_id = i.commune_id AND pi.invoice_id = i.id AND pi.payment_status IN ('pending', 'paid')) AS in_live_payment
         FROM invoices i
        WHERE i.commune_id = ? AND i.id = ANY(?::int[])`,
      [communeId, [...invoiceIds]],
    );
    return result.rows.map((row) => ({
      id: row.id,
      number: row.number,
      familyId: row.family_id,
      kind: row.kind,
      settledAt: row.settled_at,
      leftToPayCents: row.left_to_pay,
      inLivePayment: row.in_live_payment,
    }));
  }

  return {
    candidates,

    /**
     * Locks the invoices until the end of the transaction (in id order, so two payments of
     * overlapping invoices never deadlock), then reads them as `candidates` does: a payment that
     * waited on the lock reads what the other committed.
     */
    async lockCandidates(communeId: number, invoiceIds: readonly number[], executor: Executor): Promise<PaymentCandidate[]> {
      if (!invoiceIds.length) return [];
      await executor.raw('SELECT id FROM invoices WHERE commune_id = ? AND id = ANY(?::int[]) ORDER BY id FOR UPDATE', [communeId, [...invoiceIds]]);
      return candidates(communeId, invoiceIds, executor);
    },

    /** Writes a payment and its invoices; its id. An invoice already in a live payment: a unique violation (`isLivePaymentConflict`). */
    async insert(communeId: number, payment: NewPayment, executor: Executor = db): Promise<number> {
      const [row] = await executor('payments')
        .insert({
          commune_id: communeId,
          family_id: payment.familyId,
          method: payment.method,
          status: payment.status,
          amount_cents: payment.amountCents,
          created_by: payment.createdBy,
          created_at: payment.createdAt,
          expires_at: payment.expiresAt ?? null,
          paid_at: payment.paidAt ?? null,
          receipt_number: payment.receiptNumber ?? null,
          provider_operation_id: payment.providerOperationId ?? null,
          provider_reference: payment.providerReference ?? null,
          counter_means: payment.counterMeans ?? null,
          cheque_number: payment.chequeNumber ?? null,
          cheque_bank: payment.chequeBank ?? null,
        })
        .returning<{ id: number }[]>('id');
      const id = row!.id;
      await executor('payment_invoices').insert(
        payment.invoices.map((invoice) => ({
          commune_id: communeId,
          payment_id: id,
          family_id: payment.familyId,
          payment_status: payment.status,
          invoice_id: invoice.invoiceId,
          amount_cents: invoice.amountCents,
        })),
      );
      return id;
    },

    /** A payment with its invoices; `familyId` given: only that family's (another's is undefined). */
    async find(communeId: number, paymentId: number, familyId: number | null = null, executor: Executor = db): Promise<Payment | undefined> {
      const result = await executor.raw<{ rows: PaymentRow[] }>(
        `${PAYMENT_SELECT} WHERE p.commune_id = ? AND p.id = ? AND (?::int IS NULL OR p.family_id = ?::int)`,
        [communeId, paymentId, familyId, familyId],
      );
      const row = result.rows[0];
      return row && toPayment(row);
    },

    /** Locks a payment's row until the end of the transaction; its status, undefined when unknown. */
    async lock(communeId: number, paymentId: number, executor: Executor): Promise<PaymentStatus | undefined> {
      const result = await executor.raw<{ rows: { status: PaymentStatus }[] }>('SELECT status FROM payments WHERE commune_id = ? AND id = ? FOR UPDATE', [
        communeId,
        paymentId,
      ]);
      return result.rows[0]?.status;
    },

    /** Keeps the provider's operation id and reference on a pending payment; false when it is not pending. */
    async recordProviderOperation(communeId: number, paymentId: number, operationId: string, reference: string | null, executor: Executor = db): Promise<boolean> {
      const count = await executor('payments')
        .where({ commune_id: communeId, id: paymentId, status: 'pending' })
        .update({ provider_operation_id: operationId, provider_reference: reference });
      return count > 0;
    },

    /** The id of the payment of a provider's operation id, undefined when unknown. */
    async idOfProviderOperation(communeId: number, operationId: string, executor: Executor = db): Promise<number | undefined> {
      const row = (await executor('payments').where({ commune_id: communeId, provider_operation_id: operationId }).first('id')) as { id: number } | undefined;
      return row?.id;
    },

    /** Records a payment paid, with its receipt number (its invoices' links follow). */
    async markPaid(communeId: number, paymentId: number, paidAt: Date, receipt: string, providerResult: string | null, executor: Executor): Promise<void> {
      await executor('payments')
        .where({ commune_id: communeId, id: paymentId })
        .update({ status: 'paid', paid_at: paidAt, receipt_number: receipt, provider_result: providerResult });
    },

    /**
     * The pending payment that holds an invoice, if any: its method, when an online one expires and
     * when a direct debit is collected. Read under the invoice's row lock, it cannot change meanwhile.
     */
    async pendingHolder(
      communeId: number,
      invoiceId: number,
      executor: Executor = db,
    ): Promise<{ paymentId: number; method: PaymentMethod; expiresAt: Date | null; collectionDate: string | null } | undefined> {
      const result = await executor.raw<{ rows: { id: number; method: PaymentMethod; expires_at: Date | null; collection_date: string | null }[] }>(
        `SELECT p.id, p.method, p.expires_at,
                (SELECT f.collection_date::text FROM debit_lines l
                   JOIN debit_files f ON f.commune_id = l.commune_id AND f.id = l.debit_file_id
                  WHERE l.commune_id = p.commune_id AND l.payment_id = p.id) AS collection_date
           FROM payment_invoices pi JOIN payments p ON p.commune_id = pi.commune_id AND p.id = pi.payment_id
          WHERE pi.commune_id = ? AND pi.invoice_id = ? AND pi.payment_status = 'pending'`,
        [communeId, invoiceId],
      );
      const row = result.rows[0];
      return row && { paymentId: row.id, method: row.method, expiresAt: row.expires_at, collectionDate: row.collection_date };
    },

    /** Keeps the provider's answer on a payment that stays closed (paid once closed: its money is owed back). */
    async recordProviderResult(communeId: number, paymentId: number, providerResult: string, executor: Executor): Promise<void> {
      await executor('payments').where({ commune_id: communeId, id: paymentId }).update({ provider_result: providerResult });
    },

    /**
     * Forgets a pending online payment the provider never took (its call failed): the payment and
     * its invoices' links, as if never opened. False when it is no longer such a payment.
     */
    async discardUnsent(communeId: number, paymentId: number, executor: Executor): Promise<boolean> {
      const held = await executor('payments')
        .where({ commune_id: communeId, id: paymentId, method: 'online', status: 'pending' })
        .whereNull('provider_operation_id')
        .forUpdate()
        .first('id');
      if (!held) return false;
      await executor('payment_invoices').where({ commune_id: communeId, payment_id: paymentId }).delete();
      await executor('payments').where({ commune_id: communeId, id: paymentId }).delete();
      return true;
    },

    /**
     * Records money owed back on a payment; whether it was written. Once per payment for a
     * settlement (a second call changes nothing), once per credit note for `creditNoteId`.
     */
    async insertRefund(
      communeId: number,
      refund: { paymentId: number; familyId: number; amountCents: number; reason: RefundReason; createdAt: Date; creditNoteId?: number },
      executor: Executor,
    ): Promise<boolean> {
      const target = refund.creditNoteId === undefined ? '(commune_id, payment_id) WHERE credit_note_id IS NULL' : '(commune_id, credit_note_id)';
      const result = await executor.raw<{ rows: unknown[] }>(
        `INSERT INTO payment_refunds (commune_id, payment_id, family_id, amount_cents, reason, credit_note_id, created_at)
         VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT ${target} DO NOTHING RETURNING id`,
        [communeId, refund.paymentId, refund.familyId, refund.amountCents, refund.reason, refund.creditNoteId ?? null, refund.createdAt],
      );
      return result.rows.length === 1;
    },

    /** The paid payment of an invoice and what it paid for it, if any. */
    async paidHolder(communeId: number, invoiceId: number, executor: Executor = db): Promise<{ paymentId: number; amountCents: number } | undefined> {
      const row = (await executor('payment_invoices')
        .where({ commune_id: communeId, invoice_id: invoiceId, payment_status: 'paid' })
        .first('payment_id', 'amount_cents')) as { payment_id: number; amount_cents: number } | undefined;
      return row && { paymentId: row.payment_id, amountCents: row.amount_cents };
    },

    /** The commune's money to refund: `open` those not refunded yet (oldest first), else the refunded ones (latest first). */
    async listRefunds(communeId: number, { open, limit = 200 }: { open: boolean; limit?: number }, executor: Executor = db): Promise<PaymentRefund[]> {
      const result = await executor.raw<{ rows: RefundRow[] }>(
        `${REFUND_SELECT}
          WHERE r.commune_id = ? AND (r.refunded_at IS NULL) = ?
          ORDER BY ${open ? 'r.created_at, r.id' : 'r.refunded_at DESC, r.id DESC'}
          LIMIT ?`,
        [communeId, open, limit],
      );
      return result.rows.map(toRefund);
    },

    /** What is owed back on one payment (refunded or not), oldest first. */
    async refundsOfPayment(communeId: number, paymentId: number, executor: Executor = db): Promise<PaymentRefund[]> {
      const result = await executor.raw<{ rows: RefundRow[] }>(`${REFUND_SELECT} WHERE r.commune_id = ? AND r.payment_id = ? ORDER BY r.created_at, r.id`, [communeId, paymentId]);
      return result.rows.map(toRefund);
    },

    /** One refund of the commune, undefined when not this commune's. */
    async findRefund(communeId: number, refundId: number, executor: Executor = db): Promise<PaymentRefund | undefined> {
      const result = await executor.raw<{ rows: RefundRow[] }>(`${REFUND_SELECT} WHERE r.commune_id = ? AND r.id = ?`, [communeId, refundId]);
      const row = result.rows[0];
      return row && toRefund(row);
    },

    /** Records a refund done; false when it was recorded already (or is not this commune's). */
    async markRefunded(communeId: number, refundId: number, done: { at: Date; by: number; note: string | null }, executor: Executor): Promise<boolean> {
      const count = await executor('payment_refunds')
        .where({ commune_id: communeId, id: refundId })
        .whereNull('refunded_at')
        .update({ refunded_at: done.at, refunded_by: done.by, refund_note: done.note });
      return count > 0;
    },

    /** Closes a pending payment as refused, cancelled or expired: its invoices are free again. False when it was not pending. */
    async close(
      communeId: number,
      paymentId: number,
      status: Extract<PaymentStatus, 'refused' | 'cancelled' | 'expired'>,
      at: Date,
      providerResult: string | null,
      executor: Executor = db,
      /** Close it only if its provider operation is still this one (null: none recorded yet). */
      operationId?: string | null,
    ): Promise<boolean> {
      const query = executor('payments').where({ commune_id: communeId, id: paymentId, status: 'pending' });
      if (operationId === null) query.whereNull('provider_operation_id');
      else if (operationId !== undefined) query.andWhere({ provider_operation_id: operationId });
      const count = await query.update({ status, closed_at: at, provider_result: providerResult });
      return count > 0;
    },

    /** Pending online payments of every commune created before `before`, the oldest first: what reconciliation re-queries. */
    async listPendingOnline(before: Date, limit: number, executor: Executor = db): Promise<{ communeSlug: string; paymentId: number }[]> {
      const rows = (await executor('payments as p')
        .join('communes as c', 'c.id', 'p.commune_id')
        .where({ 'p.method': 'online', 'p.status': 'pending' })
        .andWhere('p.created_at', '<', before)
        .orderBy([{ column: 'p.created_at' }, { column: 'p.id' }])
        .limit(limit)
        .select('c.slug as communeSlug', 'p.id as paymentId')) as { communeSlug: string; paymentId: number }[];
      return rows;
    },

    /** The payments that hold or held an invoice (every status), the latest first. */
    async listForInvoice(communeId: number, invoiceId: number, executor: Executor = db): Promise<Payment[]> {
      const result = await executor.raw<{ rows: PaymentRow[] }>(
        `${PAYMENT_SELECT}
          WHERE p.commune_id = ? AND EXISTS (SELECT 1 FROM payment_invoices pi WHERE pi.commune_id = p.commune_id AND pi.payment_id = p.id AND pi.invoice_id = ?)
          ORDER BY p.created_at DESC, p.id DESC`,
        [communeId, invoiceId],
      );
      return result.rows.map(toPayment);
    },

    /** The family's payments (every status), the latest first; `from`/`to` bound their creation. */
    async listForFamily(communeId: number, familyId: number, range: { from?: Date; to?: Date } = {}, executor: Executor = db): Promise<Payment[]> {
      const result = await executor.raw<{ rows: PaymentRow[] }>(
        `${PAYMENT_SELECT}
          WHERE p.commune_id = ? AND p.family_id = ?
            AND (?::timestamptz IS NULL OR p.created_at >= ?::timestamptz) AND (?::timestamptz IS NULL OR p.created_at < ?::timestamptz)
          ORDER BY p.created_at DESC, p.id DESC`,
        [communeId, familyId, range.from ?? null, range.from ?? null, range.to ?? null, range.to ?? null],
      );
      return result.rows.map(toPayment);
    },
  };
}

export type PaymentRepository = ReturnType<typeof paymentRepository>;
