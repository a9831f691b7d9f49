import type { Knex } from 'knex';

/** A child's registration to an activity for a period: asked by a parent, validated by staff. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('registrations', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('family_id').notNullable();
    t.integer('member_id').notNullable();
    t.integer('activity_id').notNullable();
    t.text('school_year').notNullable();
    t.date('starts_on').notNullable();
    t.date('ends_on').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('request_id').nullable();
    // Given at validation, from a gap-free counter: the attestation's reference.
    t.text('reference').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.integer('decided_by').nullable();
    t.text('reason').nullable();
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'member_id']).references(['commune_id', 'id']).inTable('members');
    t.foreign(['commune_id', 'activity_id']).references(['commune_id', 'id']).inTable('activities');
    t.foreign(['commune_id', 'request_id']).references(['commune_id', 'id']).inTable('requests');
    t.foreign(['commune_id', 'decided_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.unique(['commune_id', 'reference']);
    t.index(['commune_id', 'family_id']);
    t.index(['commune_id', 'activity_id', 'status']);
  });
  await knex.raw(
    `ALTER TABLE registrations ADD CONSTRAINT registrations_status CHECK (status IN ('pending', 'validated', 'refused'))`,
  );
  await knex.raw(`ALTER TABLE registrations ADD CONSTRAINT registrations_period CHECK (starts_on <= ends_on)`);
  await knex.raw(
    `ALTER TABLE registrations ADD CONSTRAINT registrations_reference CHECK ((status = 'validated') = (reference IS NOT NULL))`,
  );
  // One live registration per child, activity and school year; a refused one may be asked again.
  await knex.raw(
    `CREATE UNIQUE INDEX registrations_one_live ON registrations (commune_id, member_id, activity_id, school_year) WHERE status IN ('pending', 'validated')`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('registrations');
}
