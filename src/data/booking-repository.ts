import type { Executor } from './database.ts';

export type BookingStatus = 'booked' | 'waiting' | 'cancelled';

export interface Booking {
  id: number;
  familyId: number;
  memberId: number;
  activityId: number;
  day: string;
  status: BookingStatus;
  /** The ticket in the day's waiting list (arrival order); null unless waiting. */
  waitingPosition: number | null;
  /** 1 for the first child waiting for this activity and day; null unless waiting. */
  waitingRank: number | null;
  waitingSince: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface ActivityDay {
  activityId: number;
  day: string;
  capacity: number;
  booked: number;
}

interface BookingRow {
  id: number;
  family_id: number;
  member_id: number;
  activity_id: number;
  day: string;
  status: BookingStatus;
  waiting_position: number | null;
  waiting_rank?: number | null;
  waiting_since: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toBooking = (row: BookingRow): Booking => ({
  id: row.id,
  familyId: row.family_id,
  memberId: row.member_id,
  activityId: row.activity_id,
  day: row.day,
  status: row.status,
  waitingPosition: row.waiting_position,
  waitingRank: row.waiting_rank ?? null,
  waitingSince: row.waiting_since,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
});

/**
 * Bookings and the places of each (activity, day). Every method is scoped by commune; the writes
 * take the transaction of the user action (DESIGN §11: the database refuses overbooking).
 */
export function bookingRepository(db: Executor) {
  // The rank in the waiting list counts the tickets before this one that are still waiting.
  const withRank = (executor: Executor) =>
    executor.raw(
      `CASE WHEN b.status = 'waiting' THEN 1 + (
         SELECT count(*) FROM bookings w
         WHERE w.commune_id = b.commune_id AND w.activity_id = b.activity_id AND w.day = b.day
           AND w.status = 'waiting' AND w.waiting_position < b.waiting_position
       ) END AS waiting_rank`,
    );

  return {
    /**
     * A child's bookings (any status) between two days, with their waiting rank: one query for a
     * whole grid page, whatever the number of rows it shows (DESIGN §11 N+1). With `lock`, the
     * rows stay locked until the transaction ends.
     */
    async listForMember(
      communeId: number,
      memberId: number,
      from: string,
      to: string,
      executor: Executor = db,
      { lock = false }: { lock?: boolean } = {},
    ): Promise<Booking[]> {
      const query = executor('bookings as b')
        .select('b.*', withRank(executor))
        .where({ 'b.commune_id': communeId, 'b.member_id': memberId })
        .andWhere('b.day', '>=', from)
        .andWhere('b.day', '<=', to)
        .orderBy(['b.day', 'b.activity_id']);
      if (lock) query.forUpdate();
      return ((await query) as BookingRow[]).map(toBooking);
    },

    /** The family's places and tickets between two days (not the cancelled rows): one query. */
    async listLiveForFamily(communeId: number, familyId: number, from: string, to: string, executor: Executor = db): Promise<Booking[]> {
      const rows = (await executor('bookings as b')
        .select('b.*')
        .where({ 'b.commune_id': communeId, 'b.family_id': familyId })
        .whereIn('b.status', ['booked', 'waiting'])
        .andWhere('b.day', '>=', from)
        .andWhere('b.day', '<=', to)
        .orderBy(['b.day', 'b.activity_id'])) as BookingRow[];
      return rows.map(toBooking);
    },

    /** The places counted for some activities between two days (only days that have a row). */
    async listActivityDays(communeId: number, activityIds: number[], from: string, to: string, executor: Executor = db): Promise<ActivityDay[]> {
      if (!activityIds.length) return [];
      const rows = await executor('activity_days')
        .where({ commune_id: communeId })
        .whereIn('activity_id', activityIds)
        .andWhere('day', '>=', from)
        .andWhere('day', '<=', to);
      return rows.map((row: { activity_id: number; day: string; capacity: number; booked: number }) => ({
        activityId: row.activity_id,
        day: row.day,
        capacity: row.capacity,
        booked: row.booked,
      }));
    },

    /**
     * Takes one place of the day if one is left, in one statement: the day's row is created with
     * the activity's capacity at its first booking, then `booked < capacity` is checked on the
     * row's latest version under its lock, so no interleaving of transactions books more than the
     * capacity (and the CHECK constraint would refuse it anyway). The row stays locked until the
     * transaction ends, which also orders the waiting list. Returns false when the day is full.
     */
    async takePlace(communeId: number, activityId: number, day: string, capacity: number, executor: Executor): Promise<boolean> {
      const result = await executor.raw<{ rows: { booked: number }[] }>(
        `INSERT INTO activity_days AS d (commune_id, activity_id, day, capacity, booked) VALUES (?, ?, ?, ?, 1)
         ON CONFLICT (commune_id, activity_id, day) DO UPDATE SET booked = d.booked + 1 WHERE d.booked < d.capacity
         RETURNING d.booked`,
        [communeId, activityId, day, capacity],
      );
      return result.rows.length === 1;
    },

    /** Gives one place back (a cancellation); the day's row stays locked until the transaction ends. */
    async releasePlace(communeId: number, activityId: number, day: string, executor: Executor): Promise<void> {
      await executor('activity_days')
        .where({ commune_id: communeId, activity_id: activityId, day })
        .andWhere('booked', '>', 0)
        .decrement('booked', 1);
    },

    /**
     * The next ticket of the day's waiting list. The row was locked by `takePlace` in the same
     * transaction, so tickets follow the order in which transactions reached it, with no gap and no
     * duplicate (a rolled-back transaction gives its ticket back).
     */
    async nextWaitingTicket(communeId: number, activityId: number, day: string, executor: Executor): Promise<number> {
      const [row] = await executor('activity_days')
        .where({ commune_id: communeId, activity_id: activityId, day })
        .increment('waiting_last', 1)
        .returning<{ waiting_last: number }[]>('waiting_last');
      if (!row) throw new Error(`no activity_days row for activity ${activityId} on ${day}`);
      return row.waiting_last;
    },

    /**
     * The first child still waiting for the day, locked. A row another transaction changed while we
     * waited for its lock is re-checked by PostgreSQL and may drop out, leaving LIMIT 1 empty
     * although others wait: the caller asks again until `stillWaiting` says there is nobody.
     */
    async lockFirstWaiting(communeId: number, activityId: number, day: string, executor: Executor): Promise<Booking | undefined> {
      const row = (await executor('bookings as b')
        .select('b.*')
        .where({ 'b.commune_id': communeId, 'b.activity_id': activityId, 'b.day': day, 'b.status': 'waiting' })
        .orderBy('b.waiting_position')
        .limit(1)
        .forUpdate()
        .first()) as BookingRow | undefined;
      return row && toBooking(row);
    },

    async anyWaiting(communeId: number, activityId: number, day: string, executor: Executor): Promise<boolean> {
      const row = await executor('bookings').where({ commune_id: communeId, activity_id: activityId, day, status: 'waiting' }).first('id');
      return Boolean(row);
    },

    /**
     * Writes the child's status for the day: a new row, or the existing one (one row per child,
     * activity and day: a double-submitted form cannot create a second).
     */
    async upsert(
      communeId: number,
      booking: {
        familyId: number;
        memberId: number;
        activityId: number;
        day: string;
        status: BookingStatus;
        waitingPosition: number | null;
        by: number | null;
        at: Date;
      },
      executor: Executor,
    ): Promise<void> {
      const waitingSince = booking.status === 'waiting' ? booking.at : null;
      await executor('bookings')
        .insert({
          commune_id: communeId,
          family_id: booking.familyId,
          member_id: booking.memberId,
          activity_id: booking.activityId,
          day: booking.day,
          status: booking.status,
          waiting_position: booking.waitingPosition,
          waiting_since: waitingSince,
          created_at: booking.at,
          updated_at: booking.at,
          created_by: booking.by,
          updated_by: booking.by,
        })
        .onConflict(['commune_id', 'member_id', 'activity_id', 'day'])
        .merge({
          status: booking.status,
          waiting_position: booking.waitingPosition,
          waiting_since: waitingSince,
          updated_at: booking.at,
          updated_by: booking.by,
        });
    },

    async setStatus(
      communeId: number,
      bookingId: number,
      change: { status: BookingStatus; by: number | null; at: Date },
      executor: Executor,
    ): Promise<void> {
      await executor('bookings').where({ commune_id: communeId, id: bookingId }).update({
        status: change.status,
        waiting_position: null,
        waiting_since: null,
        updated_at: change.at,
        updated_by: change.by,
      });
    },
  };
}

export type BookingRepository = ReturnType<typeof bookingRepository>;
