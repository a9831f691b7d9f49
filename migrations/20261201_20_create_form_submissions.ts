import type { Knex } from 'knex';

/**
 * The forms already handled, by the one-time key each rendered form carries (DESIGN §11
 * « Idempotent user actions »): a double click, a refreshed POST or Back-then-resend posts the same
 * key, and the action's transaction finds it here and answers the first outcome instead of acting
 * again. The row is written in the same transaction as the action, so the key is taken if and only
 * if the action happened; its primary key makes a concurrent second submission wait for the first.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('form_submissions', (t) => {
    t.integer('commune_id').notNullable().references('communes.id');
    t.integer('user_id').notNullable();
    t.uuid('key').notNullable();
    // Which action the key was used for: a key replayed on another form is refused.
    t.text('form').notNullable();
    // What the action answered (JSON), given back to a repeated submission. Written by the same
    // transaction that claims the key, so never seen empty once committed.
    t.jsonb('outcome').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.primary(['commune_id', 'user_id', 'key']);
    t.foreign(['commune_id', 'user_id']).references(['commune_id', 'id']).inTable('users');
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('form_submissions');
}
