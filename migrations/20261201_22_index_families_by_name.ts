import type { Knex } from 'knex';

/** The staff home lists a commune's families by name, a page at a time (20,000 at a large commune). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('families', (t) => {
    t.index(['commune_id', 'name', 'reference', 'id'], 'families_commune_name_idx');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('families', (t) => {
    t.dropIndex(['commune_id', 'name', 'reference', 'id'], 'families_commune_name_idx');
  });
}
