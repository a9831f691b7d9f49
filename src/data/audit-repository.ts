import type { Executor } from './database.ts';
import type { AuditEntry, JournalEntry } from '../model/audit.ts';
export type { AuditEntry, JournalEntry } from '../model/audit.ts';

/** Who did what, when, before → after: every staff action (DESIGN §8). */
export function auditRepository(db: Executor) {
  return {
    async record(
      communeId: number,
      entry: { staffId: number; occurredAt: Date; action: string; entity: string; entityId: number | null; familyId: number | null; before?: unknown; after?: unknown },
      executor: Executor = db,
    ) {
      await executor('audit_log').insert({
        commune_id: communeId,
        staff_id: entry.staffId,
        occurred_at: entry.occurredAt,
        action: entry.action,
        entity: entry.entity,
        entity_id: entry.entityId,
        family_id: entry.familyId,
        before: entry.before === undefined ? null : JSON.stringify(entry.before),
        after: entry.after === undefined ? null : JSON.stringify(entry.after),
      });
    },

    /**
     * The commune's journal (or one family's part of it), newest first, one page at a time, with
     * the family and the person each entry is about. Answers one entry more than `limit` when
     * there are older ones, so the page knows whether to offer them.
     */
    async listJournal(
      communeId: number,
      page: { limit: number; offset: number; familyId?: number },
      executor: Executor = db,
    ): Promise<JournalEntry[]> {
      const query = executor('audit_log as a')
        .join('users as u', function joinStaff() {
          this.on('u.commune_id', 'a.commune_id').andOn('u.id', 'a.staff_id');
        })
        .leftJoin('families as f', function joinFamily() {
          this.on('f.commune_id', 'a.commune_id').andOn('f.id', 'a.family_id');
        })
        .leftJoin('members as m', function joinMember() {
          this.on('m.commune_id', 'a.commune_id').andOn('m.id', 'a.entity_id').andOnVal('a.entity', '=', 'member');
        })
        .leftJoin('requests as r', function joinRequest() {
          this.on('r.commune_id', 'a.commune_id').andOn('r.id', 'a.entity_id').andOnVal('a.entity', '=', 'request');
        })
        .where('a.commune_id', communeId)
        .select(
          'a.*',
          'f.name as family_name',
          'f.reference as family_reference',
          executor.raw(`u.first_name || ' ' || u.last_name AS staff_name`),
          executor.raw(
            `coalesce(m.first_name || ' ' || m.last_name, r.payload->>'memberName',
               (r.payload->'child'->>'firstName') || ' ' || (r.payload->'child'->>'lastName')) AS subject_name`,
          ),
        )
        .orderBy('a.occurred_at', 'desc')
        .orderBy('a.id', 'desc')
        .limit(page.limit + 1)
        .offset(page.offset);
      if (page.familyId) query.andWhere('a.family_id', page.familyId);
      const rows = await query;
      return rows.map((row: Record<string, any>) => ({
        id: Number(row.id),
        staffId: row.staff_id,
        staffName: row.staff_name,
        occurredAt: row.occurred_at,
        action: row.action,
        entity: row.entity,
        entityId: row.entity_id,
        familyId: row.family_id,
        before: row.before,
        after: row.after,
        familyName: row.family_name,
        familyReference: row.family_reference,
        subjectName: row.subject_name,
      }));
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;
