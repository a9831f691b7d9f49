import type { Executor } from './database.ts';
import type { StoredFileType, StoredFileMeta, StoredFile, DayMark } from '../model/absence.ts';
export type { StoredFileType, StoredFileMeta, StoredFile, DayMark } from '../model/absence.ts';

interface StoredFileRow {
  id: number;
  family_id: number;
  size: number;
  detected_type: StoredFileType;
  sha256: string;
  original_name: string;
  created_at: Date;
  content?: Buffer;
}

const toMeta = (row: StoredFileRow): StoredFileMeta => ({
  id: row.id,
  familyId: row.family_id,
  size: row.size,
  detectedType: row.detected_type,
  sha256: row.sha256,
  originalName: row.original_name,
  createdAt: row.created_at,
});

/** Stored files (uploads kept in PostgreSQL, DESIGN §11) and the days of absence requests. */
export function absenceRepository(db: Executor) {
  return {
    async insertFile(
      communeId: number,
      file: { familyId: number; content: Buffer; detectedType: StoredFileType; sha256: string; originalName: string; createdAt: Date },
      executor: Executor = db,
    ): Promise<number> {
      const [row] = await executor('stored_files')
        .insert({
          commune_id: communeId,
          family_id: file.familyId,
          content: file.content,
          size: file.content.length,
          detected_type: file.detectedType,
          sha256: file.sha256,
          original_name: file.originalName,
          created_at: file.createdAt,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    /**
     * The file attached to a request of the commune — an absence's certificate, a quotient
     * declaration's attestation; with `familyId`, of that family only.
     */
    async findFileOfRequest(communeId: number, requestId: number, familyId?: number, executor: Executor = db): Promise<StoredFile | undefined> {
      const row = (await executor('requests as r')
        .join('stored_files as f', function joinFile() {
          this.on('f.commune_id', 'r.commune_id')
            .andOn('f.family_id', 'r.family_id')
            .andOn('f.id', executor.raw(`(r.payload->>'fileId')::int`));
        })
        .where({ 'r.commune_id': communeId, 'r.id': requestId })
        .whereIn('r.type', ['absence', 'quotient_familial'])
        .modify((query) => {
          if (familyId !== undefined) query.andWhere('r.family_id', familyId);
        })
        .select('f.*')
        .first()) as StoredFileRow | undefined;
      return row && { ...toMeta(row), content: row.content! };
    },

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
