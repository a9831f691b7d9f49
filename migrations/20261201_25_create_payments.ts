import type { Knex } from 'knex';

/**
 * Payments of invoices (DESIGN §7 Payment; issue 12): online (PayFiP), at the counter, by direct debit.
 *
 * - `payments`: one payment of a family, for whole invoices. `amount_cents` is computed by the server
 *   from the invoices. `status`: `pending` (an online payment under way), `paid`, `refused`,
 *   `cancelled` or `expired`. A paid payment has its `paid_at` and its `receipt_number`
 *   (« REC-2026-000001 », gap-free per commune and year, unique per commune). Online payments keep the
 *   provider's operation id (PayFiP's idOp, unique per commune) and reference; counter payments their
 *   means (`cash`, `cheque` with its number, `cesu`).
 * - `payment_invoices`: the invoices a payment pays, with the amount each contributes. The link row
 *   carries its payment's family and status, kept in step by the composite foreign key (ON UPDATE
 *   CASCADE): the invoice must be of the payment's family, and the partial unique index makes it a
 *   database fact that an invoice is in at most one live (pending or paid) payment.
 *
 * Settling a payment records `invoices.settled_at` (the only change the invoices' trigger allows).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE invoices ADD CONSTRAINT invoices_commune_id_family UNIQUE (commune_id, id, family_id)`);

  await knex.schema.createTable('payments', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable().references('communes.id');
    t.integer('family_id').notNullable();
    t.text('method').notNullable();
    t.text('status').notNullable();
    t.integer('amount_cents').notNullable();
    // Who started it: the staff member at the counter, the parent online; null for a direct debit.
    t.integer('created_by').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    // An online payment not confirmed by then is expired and frees its invoices.
    t.timestamp('expires_at', { useTz: true }).nullable();
    t.timestamp('paid_at', { useTz: true }).nullable();
    t.timestamp('closed_at', { useTz: true }).nullable();
    t.text('receipt_number').nullable();
    t.text('provider_operation_id').nullable();
    t.text('provider_reference').nullable();
    t.text('provider_result').nullable();
    t.text('counter_means').nullable();
    t.text('cheque_number').nullable();
    t.text('cheque_bank').nullable();
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'created_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.unique(['commune_id', 'id', 'family_id', 'status']);
    t.unique(['commune_id', 'receipt_number']);
    t.unique(['commune_id', 'provider_operation_id']);
    t.index(['commune_id', 'family_id', 'created_at']);
    t.index(['commune_id', 'status', 'expires_at']);
  });
  await knex.raw(`ALTER TABLE payments ADD CONSTRAINT payments_method CHECK (method IN ('online', 'counter', 'direct_debit'))`);
  await knex.raw(`ALTER TABLE payments ADD CONSTRAINT payments_status CHECK (status IN ('pending', 'paid', 'refused', 'cancelled', 'expired'))`);
  await knex.raw(`ALTER TABLE payments ADD CONSTRAINT payments_amount CHECK (amount_cents >= 0)`);
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_paid CHECK ((status = 'paid') = (paid_at IS NOT NULL AND receipt_number IS NOT NULL))`,
  );
  await knex.raw(
    `ALTER TABLE payments ADD CONSTRAINT payments_counter CHECK (
       (method = 'counter' AND counter_means IN ('cash', 'cheque', 'cesu')
        AND (counter_means = 'cheque') = (cheque_number IS NOT NULL))
       OR (method <> 'counter' AND counter_means IS NULL AND cheque_number IS NULL AND cheque_bank IS NULL))`,
  );

  await knex.schema.createTable('payment_invoices', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('payment_id').notNullable();
    t.integer('family_id').notNullable();
    t.text('payment_status').notNullable();
    t.integer('invoice_id').notNullable();
    t.integer('amount_cents').notNullable();
    t.foreign(['commune_id', 'payment_id', 'family_id', 'payment_status'])
      .references(['commune_id', 'id', 'family_id', 'status'])
      .inTable('payments')
      .onUpdate('CASCADE');
    t.foreign(['commune_id', 'invoice_id', 'family_id']).references(['commune_id', 'id', 'family_id']).inTable('invoices');
    t.unique(['commune_id', 'payment_id', 'invoice_id']);
    t.index(['commune_id', 'invoice_id']);
  });
  await knex.raw(`ALTER TABLE payment_invoices ADD CONSTRAINT payment_invoices_amount CHECK (amount_cents >= 0)`);
  await knex.raw(
    `CREATE UNIQUE INDEX payment_invoices_one_live_payment ON payment_invoices (commune_id, invoice_id) WHERE payment_status IN ('pending', 'paid')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('payment_invoices');
  await knex.schema.dropTable('payments');
  await knex.raw('ALTER TABLE invoices DROP CONSTRAINT invoices_commune_id_family');
}
