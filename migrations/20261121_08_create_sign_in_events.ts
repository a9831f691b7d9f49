import type { Knex } from 'knex';

/** Every sign-in and failed attempt (DESIGN §5), for the parent's connection history. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sign_in_events', (t) => {
    t.bigIncrements('id');
    t.integer('commune_id').notNullable().references('communes.id');
    // Null when the login named no account.
    t.integer('user_id').nullable();
    t.text('outcome').notNullable();
    t.text('ip').nullable();
    t.text('user_agent').nullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.foreign(['commune_id', 'user_id']).references(['commune_id', 'id']).inTable('users');
    t.index(['commune_id', 'user_id', 'occurred_at']);
  });
  await knex.raw(
    `ALTER TABLE sign_in_events ADD CONSTRAINT sign_in_events_outcome CHECK (outcome IN ('success', 'failure', 'locked', 'pending_activation'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('sign_in_events');
}
