import type { Knex } from 'knex';

/** Activities as the commune file describes them, synced at every start (never deleted: archived). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('activities', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable().references('communes.id');
    t.text('code').notNullable();
    t.text('name').notNullable();
    t.text('kind').notNullable();
    t.specificType('days', 'text[]').notNullable();
    t.integer('capacity_per_day').nullable();
    // Booking and cancelling windows, horizon, tariff and required documents, from the file.
    t.jsonb('rules').notNullable();
    t.boolean('active').notNullable().defaultTo(true);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['commune_id', 'code']);
    t.unique(['commune_id', 'id']);
  });
  await knex.raw(`ALTER TABLE activities ADD CONSTRAINT activities_kind CHECK (kind IN ('school_day', 'wednesday', 'holidays'))`);
  await knex.raw(`ALTER TABLE activities ADD CONSTRAINT activities_capacity CHECK (capacity_per_day IS NULL OR capacity_per_day > 0)`);

  // Gap-free numbers per commune, series and year (DESIGN §11): one row, locked by the transaction using it.
  await knex.schema.createTable('counters', (t) => {
    t.integer('commune_id').notNullable().references('communes.id');
    t.text('series').notNullable();
    t.integer('year').notNullable();
    t.integer('value').notNullable();
    t.primary(['commune_id', 'series', 'year']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('counters');
  await knex.schema.dropTable('activities');
}
