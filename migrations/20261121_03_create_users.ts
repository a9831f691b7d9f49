import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable().references('communes.id');
    t.text('role').notNullable();
    t.text('email').notNullable();
    t.text('identifier').notNullable();
    t.text('first_name').notNullable();
    t.text('last_name').notNullable();
    // Null until the person chooses a password (activation link).
    t.text('password_hash').nullable();
    t.text('status').notNullable();
    t.integer('family_id').nullable();
    t.integer('member_id').nullable();
    t.timestamp('last_sign_in_at', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'member_id']).references(['commune_id', 'id']).inTable('members');
    t.unique(['commune_id', 'id']);
  });
  await knex.raw(`ALTER TABLE users ADD CONSTRAINT users_role CHECK (role IN ('parent', 'agent', 'admin'))`);
  await knex.raw(
    `ALTER TABLE users ADD CONSTRAINT users_status CHECK (status IN ('pending_activation', 'active', 'disabled'))`,
  );
  // A parent always belongs to one family; staff never do.
  await knex.raw(
    `ALTER TABLE users ADD CONSTRAINT users_family_for_parents CHECK ((role = 'parent') = (family_id IS NOT NULL))`,
  );
  // Sign-in is case-insensitive, so uniqueness is too.
  await knex.raw(`CREATE UNIQUE INDEX users_commune_email_unique ON users (commune_id, lower(email))`);
  await knex.raw(`CREATE UNIQUE INDEX users_commune_identifier_unique ON users (commune_id, lower(identifier))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('users');
}
