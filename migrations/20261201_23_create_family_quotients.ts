import type { Knex } from 'knex';

/**
 * The quotient familial of families (DESIGN §7 Tariffs, issue 11 item 2), kept as a history: a new
 * value is a new row, never an update, so an invoice can always be explained by the value valid on
 * the first day of its month.
 *
 * - `value`: whole euros (CAF attestations give whole euros), 0 or more.
 * - `valid_from` / `valid_until`: calendar days, `valid_until` included. `valid_until` may be null:
 *   « until further notice », for a value staff set from another source. A declaration always has
 *   an end: a CAF attestation is valid for the civil year it starts in, so a declared value ends on
 *   31 December of the attestation's year. The value valid on a day is the one with the latest
 *   `valid_from` on or before the day whose `valid_until` is null or on or after it (src/domain/quotient.ts).
 * - `source`: `staff` (set in the family file) or `declaration` (a parent's request, accepted);
 *   `set_by` / `set_at`: the agent who set the value or accepted the declaration, and when. The
 *   declaration's request (who declared, when) and its proof file are linked.
 * - `annual_income`: the annual income declared with the value, whole euros, when given.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('family_quotients', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('family_id').notNullable();
    t.integer('value').notNullable();
    t.date('valid_from').notNullable();
    t.date('valid_until').nullable();
    t.text('source').notNullable();
    t.integer('annual_income').nullable();
    t.integer('request_id').nullable();
    t.integer('proof_file_id').nullable();
    t.integer('set_by').notNullable();
    t.timestamp('set_at', { useTz: true }).notNullable();
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'request_id']).references(['commune_id', 'id']).inTable('requests');
    t.foreign(['commune_id', 'proof_file_id']).references(['commune_id', 'id']).inTable('stored_files');
    t.foreign(['commune_id', 'set_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    // An accepted declaration gives one value, however often its acceptance is replayed.
    t.unique(['commune_id', 'request_id']);
    // « The value valid on a day » for one family or 20,000 at once (the invoicing run).
    t.index(['commune_id', 'family_id', 'valid_from']);
  });
  await knex.raw(`ALTER TABLE family_quotients ADD CONSTRAINT family_quotients_value CHECK (value >= 0)`);
  await knex.raw(`ALTER TABLE family_quotients ADD CONSTRAINT family_quotients_income CHECK (annual_income IS NULL OR annual_income >= 0)`);
  await knex.raw(
    `ALTER TABLE family_quotients ADD CONSTRAINT family_quotients_period CHECK (valid_until IS NULL OR valid_until >= valid_from)`,
  );
  await knex.raw(`ALTER TABLE family_quotients ADD CONSTRAINT family_quotients_source CHECK (source IN ('staff', 'declaration'))`);
  await knex.raw(
    `ALTER TABLE family_quotients ADD CONSTRAINT family_quotients_declaration CHECK (
       (source = 'declaration') = (request_id IS NOT NULL)
       AND (source = 'declaration' OR proof_file_id IS NULL)
       AND (source = 'staff' OR (proof_file_id IS NOT NULL AND valid_until IS NOT NULL)))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('family_quotients');
}
