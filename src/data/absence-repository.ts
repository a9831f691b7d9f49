import type { Executor } from './database.ts';
import type { DayMark } from '../model/absence.ts';
export type { DayMark } from '../model/absence.ts';

/** The days of absence requests (their certificates are stored files: stored-file-repository.ts). */
export function absenceRepository(db: Executor) {
  return {
    async insertDays(
      communeId: number,
      absence: { requestId: number; familyId: number; memberId: number; days: { activityId: number; day: string }[] },
      executor: Executor,
    ): Promise<void> {
      if (!absence.days.length) return;
      await executor('absences').insert(
        absence.days.map((entry) => ({
          commune_id: communeId,
          request_id: absence.requestId,
          family_id: absence.familyId,
          member_id: absence.memberId,
          activity_id: entry.activityId,
          day: entry.day,
        })),
      );
    },

    async markJustified(communeId: number, requestId: number, executor: Executor): Promise<void> {
      await executor('absences').where({ commune_id: communeId, request_id: requestId }).update({ justified: true });
    },

    /**
     * The marks of a child between two days, in one query (no query per cell): staff attendance
     * and accepted absences; a justified absence wins over an « absent » mark of the same day.
     */
    async marksForMember(communeId: number, memberId: number, from: string, to: string, executor: Executor = db): Promise<DayMark[]> {
      const result = await executor.raw<{ rows: { activity_id: number; day: string; mark: DayMark['mark'] }[] }>(
        `SELECT activity_id, day::text AS day, mark FROM (
           SELECT DISTINCT ON (activity_id, day) activity_id, day, mark FROM (
             SELECT activity_id, day, 'justified' AS mark, 0 AS rank from "absences"
               WHERE commune_id = ? AND member_id = ? AND justified AND day BETWEEN ? AND ?
             UNION ALL
             SELECT activity_id, day, status AS mark, 1 AS rank from "attendance"
               WHERE commune_id = ? AND member_id = ? AND day BETWEEN ? AND ?
           ) marks ORDER BY activity_id, day, rank
         ) chosen ORDER BY day, activity_id`,
        [communeId, memberId, from, to, communeId, memberId, from, to],
      );
      return result.rows.map((row) => ({ activityId: row.activity_id, day: row.day, mark: row.mark }));
    },
  };
}

export type AbsenceRepository = ReturnType<typeof absenceRepository>;
