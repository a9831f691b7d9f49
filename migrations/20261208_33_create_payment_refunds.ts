import type { Knex } from 'knex';

/**
 * Money received that nothing is owed for any more (issue 18 point 1): « à rembourser ».
 *
 * Settling a payment re-checks, under the invoices' row locks, what each invoice still owes. When a
 * credit note or another payment changed it since the payment was opened (a payment finished after
 * it expired, a credit note issued meanwhile), the payment is not silently counted: the excess is
 * written here, for staff to refund and the family to be told. One row per payment at most (settling
 * is idempotent); `refunded_at`/`refunded_by`/`refund_note` are filled in when staff record the
 * refund done. Its keys include `commune_id` (migration 31's rule).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('payment_refunds', (t) => {
    t.increments('id', { primaryKey: false });
    t.integer('commune_id').notNullable().references('communes.id');
    t.integer('payment_id').notNullable();
    t.integer('family_id').notNullable();
    t.integer('amount_cents').notNullable();
    // `invoice_changed`: a credit note or another payment lowered what the invoices owed; `paid_after_close`: paid once
    // closed, its invoices taken since; `credit_after_payment`: a credit note on an invoice this payment had paid.
    t.text('reason').notNullable();
    t.integer('credit_note_id').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('refunded_at', { useTz: true }).nullable();
    t.integer('refunded_by').nullable();
    t.text('refund_note').nullable();
    t.foreign(['commune_id', 'payment_id']).references(['commune_id', 'id']).inTable('payments');
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'refunded_by']).references(['commune_id', 'id']).inTable('users');
    t.foreign(['commune_id', 'credit_note_id']).references(['commune_id', 'id']).inTable('invoices');
    t.primary(['commune_id', 'id']);
    t.unique(['commune_id', 'credit_note_id']);
    t.index(['commune_id', 'refunded_at', 'created_at']);
  });
  await knex.raw(`ALTER TABLE payment_refunds ADD CONSTRAINT payment_refunds_amount CHECK (amount_cents > 0)`);
  await knex.raw(`CREATE UNIQUE INDEX payment_refunds_once_per_settlement ON payment_refunds (commune_id, payment_id) WHERE credit_note_id IS NULL`);
  await knex.raw(
    `ALTER TABLE payment_refunds ADD CONSTRAINT payment_refunds_reason CHECK (
       (reason IN ('invoice_changed', 'paid_after_close') AND credit_note_id IS NULL) OR (reason = 'credit_after_payment' AND credit_note_id IS NOT NULL))`,
  );
  await knex.raw(
    `ALTER TABLE payment_refunds ADD CONSTRAINT payment_refunds_done CHECK ((refunded_at IS NULL) = (refunded_by IS NULL) AND (refunded_at IS NOT NULL OR refund_note IS NULL))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('payment_refunds');
}
