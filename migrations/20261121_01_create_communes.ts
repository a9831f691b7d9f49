import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('communes', (t) => {
    t.increments('id');
    t.text('slug').notNullable().unique();
    t.text('name').notNullable();
    t.text('holiday_zone').notNullable();
    // The validated seed file minus slug and name: contacts, identity, features, activities…
    t.jsonb('settings').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`ALTER TABLE communes ADD CONSTRAINT communes_slug_format CHECK (slug ~ '^[a-z0-9]+$')`);
  await knex.raw(`ALTER TABLE communes ADD CONSTRAINT communes_holiday_zone CHECK (holiday_zone IN ('A', 'B', 'C'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('communes');
}
