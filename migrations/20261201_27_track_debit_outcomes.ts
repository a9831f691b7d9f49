import type { Knex } from 'knex';

/**
 * What became of each debit of a month's file (DESIGN §7 Direct debit, issue 12 item 6).
 *
 * - `payment_id`: the `direct_debit` payment the export opened for the line's invoice. It stays
 *   `pending` (the invoice reads « prélèvement le … » and cannot be paid twice) until the bank's
 *   window for returning an unpaid debit has passed after the collection date; then the collection
 *   job settles it with its receipt. Lines exported before this migration have none.
 * - `rejected_at`, `reject_reason` (an ISO 20022 reason code such as AM04), `rejected_by`: a
 *   rejection staff recorded from the bank's notice; the payment is then `refused` and the invoice
 *   is to be paid again.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('debit_lines', (t) => {
    t.integer('payment_id').nullable();
    t.timestamp('rejected_at', { useTz: true }).nullable();
    t.text('reject_reason').nullable();
    t.integer('rejected_by').nullable();
    t.foreign(['commune_id', 'payment_id']).references(['commune_id', 'id']).inTable('payments');
    t.foreign(['commune_id', 'rejected_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.unique(['commune_id', 'payment_id']);
  });
  await knex.raw(
    `ALTER TABLE debit_lines ADD CONSTRAINT debit_lines_rejection CHECK (
       (rejected_at IS NULL) = (reject_reason IS NULL) AND (rejected_at IS NULL) = (rejected_by IS NULL))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE debit_lines DROP CONSTRAINT debit_lines_rejection');
  await knex.schema.alterTable('debit_lines', (t) => {
    t.dropUnique(['commune_id', 'payment_id']);
    t.dropUnique(['commune_id', 'id']);
    t.dropForeign(['commune_id', 'rejected_by']);
    t.dropForeign(['commune_id', 'payment_id']);
    t.dropColumns('payment_id', 'rejected_at', 'reject_reason', 'rejected_by');
  });
}
