import type { Knex } from 'knex';

/**
 * Messages the service writes to a family (DESIGN §6 « Messages »). One row per message to one
 * family: both guardians read the same message, so « lu » is recorded for the family, with the
 * guardian who opened it first.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('messages', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable().references('communes.id');
    t.integer('family_id').notNullable();
    t.text('subject').notNullable();
    t.text('body').notNullable();
    t.integer('sent_by').notNullable();
    t.timestamp('sent_at', { useTz: true }).notNullable();
    t.timestamp('read_at', { useTz: true }).nullable();
    t.integer('read_by').nullable();
    // The token of the form that sent it: a double-click or a refreshed POST sends nothing twice.
    t.uuid('form_token').notNullable();
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'sent_by']).references(['commune_id', 'id']).inTable('users');
    t.foreign(['commune_id', 'read_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.unique(['commune_id', 'form_token']);
    t.index(['commune_id', 'family_id', 'sent_at']);
    t.index(['commune_id', 'sent_at']);
  });
  await knex.raw(`ALTER TABLE messages ADD CONSTRAINT messages_not_blank CHECK (btrim(subject) <> '' AND btrim(body) <> '')`);
  await knex.raw(`ALTER TABLE messages ADD CONSTRAINT messages_read CHECK ((read_at IS NULL) = (read_by IS NULL))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('messages');
}
