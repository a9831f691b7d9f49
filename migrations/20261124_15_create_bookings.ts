import type { Knex } from 'knex';

/**
 * Bookings of a child to an activity on a day (DESIGN §7 Weekly grid, Capacity and waiting list).
 *
 * One row per (child, activity, day) whose status moves between booked, waiting and cancelled: the
 * unique key is what makes a double-submitted week book once (DESIGN §11 Idempotent user actions).
 * A waiting row holds its ticket in the day's queue; the ticket goes when the row leaves the queue.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('bookings', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('family_id').notNullable();
    t.integer('member_id').notNullable();
    t.integer('activity_id').notNullable();
    t.date('day').notNullable();
    t.text('status').notNullable();
    // The ticket in the (activity, day) waiting list, from activity_days.waiting_last: the arrival order.
    t.integer('waiting_position').nullable();
    t.timestamp('waiting_since', { useTz: true }).nullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.timestamp('updated_at', { useTz: true }).notNullable();
    t.integer('created_by').nullable();
    t.integer('updated_by').nullable();
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'member_id']).references(['commune_id', 'id']).inTable('members');
    t.foreign(['commune_id', 'activity_id']).references(['commune_id', 'id']).inTable('activities');
    t.foreign(['commune_id', 'created_by']).references(['commune_id', 'id']).inTable('users');
    t.foreign(['commune_id', 'updated_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.unique(['commune_id', 'member_id', 'activity_id', 'day']);
    t.unique(['commune_id', 'activity_id', 'day', 'waiting_position']);
    t.index(['commune_id', 'family_id', 'day']);
    t.index(['commune_id', 'activity_id', 'day', 'status']);
  });
  await knex.raw(`ALTER TABLE bookings ADD CONSTRAINT bookings_status CHECK (status IN ('booked', 'waiting', 'cancelled'))`);
  await knex.raw(
    `ALTER TABLE bookings ADD CONSTRAINT bookings_waiting CHECK ((status = 'waiting') = (waiting_position IS NOT NULL AND waiting_since IS NOT NULL))`,
  );
  await knex.raw(`ALTER TABLE bookings ADD CONSTRAINT bookings_waiting_position CHECK (waiting_position IS NULL OR waiting_position > 0)`);

  // The places of an activity with a capacity, per day (DESIGN §11 Capacity): the database itself
  // refuses to count more children than places. The row appears with the day's first booking, with
  // the activity's capacity of that moment.
  await knex.schema.createTable('activity_days', (t) => {
    t.integer('commune_id').notNullable();
    t.integer('activity_id').notNullable();
    t.date('day').notNullable();
    t.integer('capacity').notNullable();
    t.integer('booked').notNullable().defaultTo(0);
    // The last waiting-list ticket given for the day; incremented under the row's lock, so tickets
    // follow the order in which transactions reached the row, without gaps or duplicates.
    t.integer('waiting_last').notNullable().defaultTo(0);
    t.primary(['commune_id', 'activity_id', 'day']);
    t.foreign(['commune_id', 'activity_id']).references(['commune_id', 'id']).inTable('activities');
  });
  await knex.raw(
    `ALTER TABLE activity_days ADD CONSTRAINT activity_days_places CHECK (capacity > 0 AND booked >= 0 AND booked <= capacity AND waiting_last >= 0)`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('activity_days');
  await knex.schema.dropTable('bookings');
}
