import type { PaymentCandidate } from '../domain/payment-rules.ts';
import type { CounterMeans, Payment, PaymentInvoice, PaymentMethod, PaymentStatus } from '../model/payment.ts';
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

    /** Closes a pending payment as refused, cancelled or expired: its invoices are free again. False when it was not pending. */
    async close(
      communeId: number,
      paymentId: number,
      status: Extract<PaymentStatus, 'refused' | 'cancelled' | 'expired'>,
      at: Date,
      providerResult: string | null,
      executor: Executor = db,
    ): Promise<boolean> {
      const count = await executor('payments')
        .where({ commune_id: communeId, id: paymentId, status: 'pending' })
        .update({ status, closed_at: at, provider_result: providerResult });
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
