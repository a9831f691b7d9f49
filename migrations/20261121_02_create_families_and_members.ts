import type { Knex } from 'knex';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('families', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable().references('communes.id');
    // The file number staff quote on the phone; unique within the commune.
    t.text('reference').notNullable();
    t.text('name').notNullable();
    t.text('address_line').nullable();
    t.text('postcode').nullable();
    t.text('city').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['commune_id', 'reference']);
    t.unique(['commune_id', 'id']);
  });

  await knex.schema.createTable('members', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('family_id').notNullable();
    t.text('role').notNullable();
    t.text('civility').nullable();
    t.text('last_name').notNullable();
    t.text('birth_name').nullable();
    t.text('first_name').notNullable();
    t.date('birth_date').nullable();
    t.text('email').nullable();
    t.text('phone').nullable();
    t.text('school').nullable();
    t.text('school_level').nullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.unique(['commune_id', 'id']);
    t.index(['commune_id', 'family_id']);
  });
  await knex.raw(
    `ALTER TABLE members ADD CONSTRAINT members_role CHECK (role IN ('guardian', 'child', 'contact'))`,
  );
  await knex.raw(
    `ALTER TABLE members ADD CONSTRAINT members_civility CHECK (civility IS NULL OR civility IN ('madame', 'monsieur'))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('members');
  await knex.schema.dropTable('families');
}
