import type { Knex } from 'knex';

/** The family file's field groups (contact, health, pick-up) and the requests families send. */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('members', (t) => {
    // A guardian's own address: separated parents do not share one.
    t.text('address_line').nullable();
    t.text('postcode').nullable();
    t.text('city').nullable();
    t.text('allergies').nullable();
    t.boolean('has_pai').nullable();
    t.text('doctor_name').nullable();
    t.text('doctor_phone').nullable();
    t.text('relationship').nullable();
    t.boolean('can_pick_up').nullable();
    t.boolean('emergency_contact').nullable();
  });

  await knex.schema.createTable('requests', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('family_id').notNullable();
    t.text('type').notNullable();
    // The member the request is about (null for a new child).
    t.integer('member_id').nullable();
    t.integer('submitted_by').notNullable();
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    // What was asked: for changes, each field with its value before and the value asked.
    t.jsonb('payload').notNullable();
    t.text('status').notNullable().defaultTo('pending');
    t.integer('decided_by').nullable();
    t.timestamp('decided_at', { useTz: true }).nullable();
    t.text('reason').nullable();
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'member_id']).references(['commune_id', 'id']).inTable('members');
    t.foreign(['commune_id', 'submitted_by']).references(['commune_id', 'id']).inTable('users');
    t.foreign(['commune_id', 'decided_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.index(['commune_id', 'family_id', 'submitted_at']);
    t.index(['commune_id', 'status', 'submitted_at']);
  });
  await knex.raw(`ALTER TABLE requests ADD CONSTRAINT requests_status CHECK (status IN ('pending', 'accepted', 'refused'))`);
  await knex.raw(
    `ALTER TABLE requests ADD CONSTRAINT requests_decision CHECK ((status = 'pending') = (decided_at IS NULL))`,
  );
  await knex.raw(
    `ALTER TABLE requests ADD CONSTRAINT requests_refusal_reason CHECK (status <> 'refused' OR coalesce(btrim(reason), '') <> '')`,
  );

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.integer('commune_id').notNullable().references('communes.id');
    t.integer('staff_id').notNullable();
    t.timestamp('occurred_at', { useTz: true }).notNullable();
    t.text('action').notNullable();
    t.text('entity').notNullable();
    t.integer('entity_id').nullable();
    t.integer('family_id').nullable();
    t.jsonb('before').nullable();
    t.jsonb('after').nullable();
    t.foreign(['commune_id', 'staff_id']).references(['commune_id', 'id']).inTable('users');
    t.index(['commune_id', 'occurred_at']);
  });

  await knex.schema.createTable('news', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable().references('communes.id');
    t.text('title').notNullable();
    t.text('body').notNullable();
    t.date('published_on').notNullable();
    t.date('ends_on').nullable();
    t.integer('created_by').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.foreign(['commune_id', 'created_by']).references(['commune_id', 'id']).inTable('users');
    t.index(['commune_id', 'published_on']);
  });
  await knex.raw(`ALTER TABLE news ADD CONSTRAINT news_period CHECK (ends_on IS NULL OR ends_on >= published_on)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('news');
  await knex.schema.dropTable('audit_log');
  await knex.schema.dropTable('requests');
  await knex.schema.alterTable('members', (t) => {
    t.dropColumns('address_line', 'postcode', 'city', 'allergies', 'has_pai', 'doctor_name', 'doctor_phone', 'relationship', 'can_pick_up', 'emergency_contact');
  });
}
