import type { Knex } from 'knex';

/**
 * Absences (DESIGN §7 Absences, §11 Files). `stored_files` keeps uploads in PostgreSQL (bytea,
 * size, type detected from the content, sha256) so every instance sees them and backups include
 * them. `absences` holds the days of an absence request, one row per booked day: `justified`
 * becomes true when staff accept the request, and the grid shows « absence justifiée ».
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('stored_files', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('family_id').notNullable();
    t.binary('content').notNullable();
    t.integer('size').notNullable();
    t.text('detected_type').notNullable();
    t.text('sha256').notNullable();
    t.text('original_name').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.unique(['commune_id', 'id']);
    t.index(['commune_id', 'family_id']);
  });
  await knex.raw(
    `ALTER TABLE stored_files ADD CONSTRAINT stored_files_type CHECK (detected_type IN ('application/pdf', 'image/jpeg', 'image/png'))`,
  );
  await knex.raw(`ALTER TABLE stored_files ADD CONSTRAINT stored_files_size CHECK (size = octet_length(content) AND size > 0)`);

  await knex.schema.createTable('absences', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('request_id').notNullable();
    t.integer('family_id').notNullable();
    t.integer('member_id').notNullable();
    t.integer('activity_id').notNullable();
    t.date('day').notNullable();
    t.boolean('justified').notNullable().defaultTo(false);
    t.foreign(['commune_id', 'request_id']).references(['commune_id', 'id']).inTable('requests');
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'member_id']).references(['commune_id', 'id']).inTable('members');
    t.foreign(['commune_id', 'activity_id']).references(['commune_id', 'id']).inTable('activities');
    t.unique(['commune_id', 'request_id', 'activity_id', 'day']);
    t.index(['commune_id', 'member_id', 'day']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('absences');
  await knex.schema.dropTable('stored_files');
}
