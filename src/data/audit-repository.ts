import type { Executor } from './database.ts';

export interface AuditEntry {
  id: number;
  staffId: number;
  staffName: string;
  occurredAt: Date;
  action: string;
  entity: string;
  entityId: number | null;
  familyId: number | null;
  before: unknown;
  after: unknown;
}

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

    async list(communeId: number, options: { familyId?: number; limit?: number } = {}, executor: Executor = db): Promise<AuditEntry[]> {
      const query = executor('audit_log as a')
        .join('users as u', function joinStaff() {
          this.on('u.commune_id', 'a.commune_id').andOn('u.id', 'a.staff_id');
        })
        .where('a.commune_id', communeId)
        .select('a.*', executor.raw(`u.first_name || ' ' || u.last_name AS staff_name`))
        .orderBy('a.occurred_at', 'desc')
        .orderBy('a.id', 'desc')
        .limit(options.limit ?? 200);
      if (options.familyId) query.andWhere('a.family_id', options.familyId);
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
      }));
    },
  };
}

export type AuditRepository = ReturnType<typeof auditRepository>;
