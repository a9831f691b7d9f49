import type { Knex } from 'knex';

/**
 * SEPA direct-debit mandates (DESIGN §7 Direct debit, issue 12 item 6). A parent's mandate arrives
 * with its request (status `pending`); staff accepting the request make it `active` and give it its
 * mandate reference (RUM) and signature date; refusing makes it `refused`.
 *
 * - `iban`: stored as the parent gave it, once checked, in electronic format. It is not encrypted
 *   at rest yet: only the debit file and this table hold it whole; pages show it masked and it is
 *   never logged.
 * - `reference`: unique per creditor, i.e. per commune (the commune is the creditor).
 * - `first_debit_done`: whether a debit was collected under the mandate (its next one is RCUR, not FRST).
 * - One mandate pending or active per family at a time (a partial unique index).
 *
 * The month's debit file (pain.008) staff export: `debit_files`, one per commune and month, and its
 * `debit_lines`, one per invoice debited — an invoice is never in two files (unique), and each line
 * keeps the sequence (FRST/RCUR) and amount it was sent with, so downloading the file again gives
 * the same file.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sepa_mandates', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('family_id').notNullable();
    t.integer('request_id').notNullable();
    t.text('holder_name').notNullable();
    t.text('iban').notNullable();
    t.text('bic').notNullable();
    t.text('address').notNullable();
    t.text('postcode').notNullable();
    t.text('city').notNullable();
    t.text('status').notNullable();
    t.text('reference').nullable();
    t.date('signed_on').nullable();
    t.boolean('first_debit_done').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'request_id']).references(['commune_id', 'id']).inTable('requests');
    t.unique(['commune_id', 'id']);
    t.unique(['commune_id', 'request_id']);
    t.unique(['commune_id', 'reference']);
  });
  await knex.raw(`ALTER TABLE sepa_mandates ADD CONSTRAINT sepa_mandates_status CHECK (status IN ('pending', 'active', 'refused'))`);
  await knex.raw(
    `ALTER TABLE sepa_mandates ADD CONSTRAINT sepa_mandates_active CHECK (
       (status = 'active') = (reference IS NOT NULL AND signed_on IS NOT NULL)
       AND (status = 'active' OR NOT first_debit_done))`,
  );
  await knex.raw(`ALTER TABLE sepa_mandates ADD CONSTRAINT sepa_mandates_reference CHECK (reference IS NULL OR char_length(reference) <= 35)`);
  await knex.schema.createTable('debit_files', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.date('period_start').notNullable();
    t.text('message_id').notNullable();
    t.date('collection_date').notNullable();
    t.integer('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.foreign('commune_id').references('id').inTable('communes');
    t.foreign(['commune_id', 'created_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.unique(['commune_id', 'period_start']);
  });
  await knex.schema.createTable('debit_lines', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('debit_file_id').notNullable();
    t.integer('invoice_id').notNullable();
    t.integer('mandate_id').notNullable();
    t.text('sequence').notNullable();
    t.integer('amount_cents').notNullable();
    t.foreign(['commune_id', 'debit_file_id']).references(['commune_id', 'id']).inTable('debit_files');
    t.foreign(['commune_id', 'invoice_id']).references(['commune_id', 'id']).inTable('invoices');
    t.foreign(['commune_id', 'mandate_id']).references(['commune_id', 'id']).inTable('sepa_mandates');
    t.unique(['commune_id', 'invoice_id']);
  });
  await knex.raw(`ALTER TABLE debit_lines ADD CONSTRAINT debit_lines_sequence CHECK (sequence IN ('FRST', 'RCUR'))`);
  await knex.raw(`ALTER TABLE debit_lines ADD CONSTRAINT debit_lines_amount CHECK (amount_cents > 0)`);
  await knex.raw(
    `CREATE UNIQUE INDEX sepa_mandates_one_per_family ON sepa_mandates (commune_id, family_id) WHERE status IN ('pending', 'active')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('debit_lines');
  await knex.schema.dropTable('debit_files');
  await knex.schema.dropTable('sepa_mandates');
}
