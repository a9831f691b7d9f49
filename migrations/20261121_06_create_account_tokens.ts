import type { Knex } from 'knex';

/** Single-use links (activation, password reset). Only the SHA-256 of a token is stored. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('account_tokens', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('user_id').notNullable();
    t.text('purpose').notNullable();
    t.text('token_hash').notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.foreign(['commune_id', 'user_id']).references(['commune_id', 'id']).inTable('users');
    t.index(['commune_id', 'user_id', 'purpose']);
  });
  await knex.raw(
    `ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose CHECK (purpose IN ('activation', 'password_reset'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('account_tokens');
}
