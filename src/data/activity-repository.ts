import type { CommuneFile } from '../config/commune-file.ts';
import type { Executor } from './database.ts';
import type { Activity } from '../model/activity.ts';
export type { Activity } from '../model/activity.ts';

type ActivityFile = CommuneFile['activities'][number];

interface ActivityRow {
  id: number;
  commune_id: number;
  code: string;
  name: string;
  kind: ActivityFile['kind'];
  days: ActivityFile['days'];
  capacity_per_day: number | null;
  rules: Activity['rules'];
  active: boolean;
}

const toActivity = (row: ActivityRow): Activity => ({
  id: row.id,
  communeId: row.commune_id,
  code: row.code,
  name: row.name,
  kind: row.kind,
  days: row.days,
  capacityPerDay: row.capacity_per_day,
  rules: row.rules,
  active: row.active,
});

export function activityRepository(db: Executor) {
  return {
    /** Upserts the file's activities by code; an activity gone from the file is archived, never deleted. */
    async syncFromFile(communeId: number, activities: ActivityFile[], executor: Executor = db): Promise<void> {
      for (const activity of activities) {
        const { code, name, kind, days, capacityPerDay, booking, cancelling, horizon, requiredDocuments, tariff, unit } = activity;
        const row = {
          commune_id: communeId,
          code,
          name,
          kind,
          days,
          capacity_per_day: capacityPerDay ?? null,
          rules: JSON.stringify({ booking, cancelling, horizon, requiredDocuments, tariff, unit }),
          active: true,
        };
        await executor('activities')
          .insert(row)
          .onConflict(['commune_id', 'code'])
          .merge({ ...row, updated_at: executor.fn.now() });
      }
      await executor('activities')
        .where({ commune_id: communeId })
        .whereNotIn('code', activities.map((activity) => activity.code))
        .update({ active: false, updated_at: executor.fn.now() });
    },

    async listActive(communeId: number, executor: Executor = db): Promise<Activity[]> {
      const rows = await executor<ActivityRow>('activities').where({ commune_id: communeId, active: true }).orderBy('id');
      return rows.map(toActivity);
    },

    async findById(communeId: number, activityId: number, executor: Executor = db): Promise<Activity | undefined> {
      const row = await executor<ActivityRow>('activities').where({ commune_id: communeId, id: activityId }).first();
      return row && toActivity(row);
    },

    /** Activities by id, archived ones included (a registration may outlive its activity's listing). */
    async listByIds(communeId: number, activityIds: number[], executor: Executor = db): Promise<Activity[]> {
      if (!activityIds.length) return [];
      const rows = await executor<ActivityRow>('activities').where({ commune_id: communeId }).whereIn('id', activityIds).orderBy('id');
      return rows.map(toActivity);
    },

    /** The activities a family's validated registrations name, archived ones included: one query, no ids needed first. */
    /** The activities the family has registrations to, with one of `statuses` (validated by default). */
    async listRegisteredByFamily(communeId: number, familyId: number, statuses: readonly string[] = ['validated'], executor: Executor = db): Promise<Activity[]> {
      const rows = await executor<ActivityRow>('activities')
        .where({ commune_id: communeId })
        .whereIn(
          'id',
          executor('registrations').select('activity_id').where({ commune_id: communeId, family_id: familyId }).whereIn('status', [...statuses]),
        )
        .orderBy('id');
      return rows.map(toActivity);
    },

    async findByCode(communeId: number, code: string, executor: Executor = db): Promise<Activity | undefined> {
      const row = await executor<ActivityRow>('activities').where({ commune_id: communeId, code }).first();
      return row && toActivity(row);
    },
  };
}

export type ActivityRepository = ReturnType<typeof activityRepository>;
