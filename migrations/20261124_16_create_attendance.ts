import type { Knex } from 'knex';

/**
 * Attendance taken by staff (DESIGN §8): one row per child, activity and day once someone marked
 * it, booked or not (a child present without booking has a row and no booking). The unique key
 * makes a re-submitted sheet update the mark rather than add a second one.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('attendance', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('activity_id').notNullable();
    t.integer('member_id').notNullable();
    t.integer('family_id').notNullable();
    t.date('day').notNullable();
    t.text('status').notNullable();
    t.integer('marked_by').notNullable();
    t.timestamp('marked_at', { useTz: true }).notNullable();
    t.foreign(['commune_id', 'activity_id']).references(['commune_id', 'id']).inTable('activities');
    t.foreign(['commune_id', 'member_id']).references(['commune_id', 'id']).inTable('members');
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'marked_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.unique(['commune_id', 'activity_id', 'member_id', 'day']);
    // The sheet of a day and the export of a period read by (activity, day).
    t.index(['commune_id', 'activity_id', 'day']);
    t.index(['commune_id', 'family_id', 'day']);
  });
  await knex.raw(`ALTER TABLE attendance ADD CONSTRAINT attendance_status CHECK (status IN ('present', 'absent'))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('attendance');
}
