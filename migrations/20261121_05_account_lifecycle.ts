import type { Knex } from 'knex';

/** Self-registration and staff activation: deadlines, refusal, and the identity fields of DESIGN §5. */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE users DROP CONSTRAINT users_status`);
  await knex.raw(
    `ALTER TABLE users ADD CONSTRAINT users_status CHECK (status IN ('pending_activation', 'active', 'disabled', 'refused'))`,
  );
  await knex.schema.alterTable('users', (t) => {
    // Set for self-registered accounts waiting for staff; the promised deadline is shown to everyone.
    t.timestamp('activation_requested_at', { useTz: true }).nullable();
    t.timestamp('activation_deadline', { useTz: true }).nullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.integer('decided_by').nullable();
    t.text('refusal_reason').nullable();
    t.timestamp('password_changed_at', { useTz: true }).nullable();
    t.foreign(['commune_id', 'decided_by']).references(['commune_id', 'id']).inTable('users');
  });
  await knex.raw(
    `CREATE INDEX users_pending_by_deadline ON users (commune_id, activation_deadline) WHERE status = 'pending_activation'`,
  );
  await knex.schema.alterTable('members', (t) => {
    t.text('birth_country').nullable();
    t.text('birth_department').nullable();
    t.text('birth_city').nullable();
    t.text('preferred_contact').nullable();
  });
  await knex.raw(
    `ALTER TABLE members ADD CONSTRAINT members_preferred_contact CHECK (preferred_contact IS NULL OR preferred_contact IN ('email', 'telephone', 'courrier'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE members DROP CONSTRAINT members_preferred_contact`);
  await knex.schema.alterTable('members', (t) => {
    t.dropColumns('birth_country', 'birth_department', 'birth_city', 'preferred_contact');
  });
  await knex.raw(`DROP INDEX users_pending_by_deadline`);
  await knex.schema.alterTable('users', (t) => {
    t.dropForeign(['commune_id', 'decided_by']);
    t.dropColumns('activation_requested_at', 'activation_deadline', 'decided_at', 'decided_by', 'refusal_reason', 'password_changed_at');
  });
  await knex.raw(`ALTER TABLE users DROP CONSTRAINT users_status`);
  await knex.raw(`ALTER TABLE users ADD CONSTRAINT users_status CHECK (status IN ('pending_activation', 'active', 'disabled'))`);
}
