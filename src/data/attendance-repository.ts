import type { AttendanceStatus } from '../domain/attendance-sheet.ts';
import type { Executor } from './database.ts';
import type { AttendanceLine, AttendanceMark, BookedCount } from '../model/attendance.ts';
export type { AttendanceLine, AttendanceMark, BookedCount } from '../model/attendance.ts';

interface LineRow {
  day: string;
  member_id: number;
  family_id: number;
  first_name: string;
  last_name: string;
  family_name: string;
  family_reference: string;
  school: string | null;
  school_level: string | null;
  allergies: string | null;
  has_pai: boolean | null;
  booking_status: 'booked' | 'waiting' | null;
  waiting_rank: number | null;
  attendance: AttendanceStatus | null;
  marked_at: Date | null;
  marked_by_name: string | null;
}

/** Attendance marks, and the back-office's reading of bookings by day; every query scoped by commune. */
export function attendanceRepository(db: Executor) {
  return {
    /**
     * Every child with a live booking or a mark for the activity between two days, with the
     * family, the health notes and who marked: one query for a day's sheet or a period's export,
     * whatever the number of children (DESIGN §11 N+1). The waiting rank counts, per day, the
     * tickets still waiting before the child's.
     */
    async listLines(communeId: number, activityId: number, from: string, to: string, executor: Executor = db): Promise<AttendanceLine[]> {
      const result = await executor.raw<{ rows: LineRow[] }>(
        `WITH b AS (
           SELECT member_id, day, status,
                  CASE WHEN status = 'waiting'
                       THEN row_number() OVER (PARTITION BY day, status ORDER BY waiting_position) END AS waiting_rank
             FROM bookings
            WHERE commune_id = :communeId AND activity_id = :activityId AND day BETWEEN :from AND :to
              AND status IN ('booked', 'waiting')
         ), t AS (
           SELECT member_id, day, status, marked_by, marked_at
             FROM attendance
            WHERE commune_id = :communeId AND activity_id = :activityId AND day BETWEEN :from AND :to
         )
         SELECT coalesce(b.day, t.day) AS day, m.id AS member_id, m.family_id, m.first_name, m.last_name,
                f.name AS family_name, f.reference AS family_reference,
                m.school, m.school_level, m.allergies, m.has_pai,
                b.status AS booking_status, b.waiting_rank, t.status AS attendance, t.marked_at,
                u.first_name || ' ' || u.last_name AS marked_by_name
           FROM b
           FULL JOIN t ON t.member_id = b.member_id AND t.day = b.day
           JOIN members m ON m.commune_id = :communeId AND m.id = coalesce(b.member_id, t.member_id)
           JOIN families f ON f.commune_id = m.commune_id AND f.id = m.family_id
           LEFT JOIN users u ON u.commune_id = :communeId AND u.id = t.marked_by
          ORDER BY 1, m.last_name, m.first_name, m.id`,
        { communeId, activityId, from, to },
      );
      return result.rows.map((row) => ({
        day: row.day,
        memberId: row.member_id,
        familyId: row.family_id,
        firstName: row.first_name,
        lastName: row.last_name,
        familyName: row.family_name,
        familyReference: row.family_reference,
        school: row.school,
        schoolLevel: row.school_level,
        allergies: row.allergies,
        hasPai: row.has_pai,
        bookingStatus: row.booking_status,
        waitingRank: row.waiting_rank === null ? null : Number(row.waiting_rank),
        attendance: row.attendance,
        markedAt: row.marked_at,
        markedByName: row.marked_by_name,
      }));
    },

    /**
     * Serialises the markings of one sheet until the transaction ends, so the « before » each
     * marking records in the audit log is the one it replaced, even when two agents save the same
     * sheet at once (a row that does not exist yet cannot be locked with FOR UPDATE).
     */
    async lockSheet(communeId: number, activityId: number, day: string, executor: Executor): Promise<void> {
      await executor.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [`attendance:${communeId}:${activityId}:${day}`]);
    },

    async upsert(communeId: number, activityId: number, day: string, mark: AttendanceMark & { by: number; at: Date }, executor: Executor): Promise<void> {
      await executor('attendance')
        .insert({
          commune_id: communeId,
          activity_id: activityId,
          member_id: mark.memberId,
          family_id: mark.familyId,
          day,
          status: mark.status,
          marked_by: mark.by,
          marked_at: mark.at,
        })
        .onConflict(['commune_id', 'activity_id', 'member_id', 'day'])
        .merge({ status: mark.status, marked_by: mark.by, marked_at: mark.at });
    },

    /** Booked places per day of one activity between two days (days without any are absent): one query. */
    async bookedCountsByDay(communeId: number, activityId: number, from: string, to: string, executor: Executor = db): Promise<BookedCount[]> {
      const rows = (await executor('bookings as b')
        .join('members as m', function joinMember() {
          this.on('m.commune_id', 'b.commune_id').andOn('m.id', 'b.member_id');
        })
        .where({ 'b.commune_id': communeId, 'b.activity_id': activityId, 'b.status': 'booked' })
        .andWhere('b.day', '>=', from)
        .andWhere('b.day', '<=', to)
        .groupBy('b.day')
        .orderBy('b.day')
        .select(
          'b.day',
          executor.raw('count(*) AS booked'),
          executor.raw('count(*) FILTER (WHERE m.has_pai) AS with_pai'),
          executor.raw(`count(*) FILTER (WHERE coalesce(btrim(m.allergies), '') <> '') AS with_allergies`),
        )) as { day: string; booked: number; with_pai: number; with_allergies: number }[];
      return rows.map((row) => ({ day: row.day, booked: Number(row.booked), withPai: Number(row.with_pai), withAllergies: Number(row.with_allergies) }));
    },
  };
}

export type AttendanceRepository = ReturnType<typeof attendanceRepository>;
