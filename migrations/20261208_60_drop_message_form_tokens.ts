import type { Knex } from 'knex';

/**
 * The staff « nouveau message » form acts once through the one mechanism every such form uses
 * (`form_submissions`, migration 20): the message's own form token and its unique key (migration 11)
 * go. The down migration gives the column back, filled, as migration 30 left it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('messages', (t) => {
    t.dropUnique(['commune_id', 'form_token']);
    t.dropColumn('form_token');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('messages', (t) => {
    t.uuid('form_token').nullable();
  });
  await knex.raw(`UPDATE messages SET form_token = gen_random_uuid()`);
  await knex.schema.alterTable('messages', (t) => {
    t.uuid('form_token').notNullable().alter();
    t.unique(['commune_id', 'form_token']);
  });
}
