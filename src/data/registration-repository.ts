import type { Executor } from './database.ts';
import type { RegistrationStatus, Registration, RegistrationFilters } from '../model/registration.ts';
export type { RegistrationStatus, Registration, RegistrationFilters } from '../model/registration.ts';

interface RegistrationRow {
  id: number;
  family_id: number;
  member_id: number;
  first_name: string;
  last_name: string;
  birth_date: string | null;
  activity_id: number;
  activity_code: string;
  activity_name: string;
  school_year: string;
  starts_on: string;
  ends_on: string;
  status: RegistrationStatus;
  request_id: number | null;
  reference: string | null;
  created_at: Date;
  decided_at: Date | null;
  reason: string | null;
}

const toRegistration = (row: RegistrationRow): Registration => ({
  id: row.id,
  familyId: row.family_id,
  memberId: row.member_id,
  childName: `${row.first_name} ${row.last_name}`,
  childFirstName: row.first_name,
  childLastName: row.last_name,
  childBirthDate: row.birth_date,
  activityId: row.activity_id,
  activityCode: row.activity_code,
  activityName: row.activity_name,
  schoolYear: row.school_year,
  startsOn: row.starts_on,
  endsOn: row.ends_on,
  status: row.status,
  requestId: row.request_id,
  reference: row.reference,
  createdAt: row.created_at,
  decidedAt: row.decided_at,
  reason: row.reason,
});

interface NewRegistration {
  familyId: number;
  memberId: number;
  activityId: number;
  schoolYear: string;
  startsOn: string;
  endsOn: string;
  requestId: number | null;
  createdAt: Date;
}

export function registrationRepository(db: Executor) {
  const base = (executor: Executor, communeId: number) =>
    executor('registrations as r')
      .join('members as m', function joinMember() {
        this.on('m.commune_id', 'r.commune_id').andOn('m.id', 'r.member_id');
      })
      .join('activities as a', function joinActivity() {
        this.on('a.commune_id', 'r.commune_id').andOn('a.id', 'r.activity_id');
      })
      .where('r.commune_id', communeId)
      .select('r.*', 'm.first_name', 'm.last_name', 'm.birth_date', 'a.code as activity_code', 'a.name as activity_name');

  const rowOf = (communeId: number, registration: NewRegistration) => ({
    commune_id: communeId,
    family_id: registration.familyId,
    member_id: registration.memberId,
    activity_id: registration.activityId,
    school_year: registration.schoolYear,
    starts_on: registration.startsOn,
    ends_on: registration.endsOn,
    request_id: registration.requestId,
    created_at: registration.createdAt,
  });

  return {
    async insert(communeId: number, registration: NewRegistration, executor: Executor = db): Promise<number> {
      const [row] = await executor('registrations').insert(rowOf(communeId, registration)).returning<{ id: number }[]>('id');
      return row!.id;
    },

    /**
     * Inserts a pending registration unless the child already has a live one (pending or
     * validated) for this activity and year — the unique index `registrations_one_live` decides,
     * so two requests at the same moment cannot both pass; undefined then. An insert racing an
     * uncommitted one waits for its transaction to end.
     */
    async insertUnlessLive(communeId: number, registration: NewRegistration, executor: Executor): Promise<number | undefined> {
      const [row] = await executor('registrations')
        .insert(rowOf(communeId, registration))
        .onConflict(executor.raw(`(commune_id, member_id, activity_id, school_year) WHERE status IN ('pending', 'validated')`))
        .ignore()
        .returning<{ id: number }[]>('id');
      return row?.id;
    },

    async listForFamily(communeId: number, familyId: number, filters: RegistrationFilters = {}, executor: Executor = db) {
      const query = base(executor, communeId).andWhere('r.family_id', familyId);
      if (filters.memberId) query.andWhere('r.member_id', filters.memberId);
      if (filters.status) query.andWhere('r.status', filters.status);
      if (filters.schoolYear) query.andWhere('r.school_year', filters.schoolYear);
      const rows = (await query.orderBy(['m.birth_date', 'm.first_name', 'a.id', { column: 'r.school_year', order: 'desc' }])) as RegistrationRow[];
      return rows.map(toRegistration);
    },

    async findForFamily(communeId: number, familyId: number, registrationId: number, executor: Executor = db) {
      const row = (await base(executor, communeId).andWhere({ 'r.family_id': familyId, 'r.id': registrationId }).first()) as
        | RegistrationRow
        | undefined;
      return row && toRegistration(row);
    },

    async findByRequest(communeId: number, requestId: number, executor: Executor = db) {
      const row = (await base(executor, communeId).andWhere('r.request_id', requestId).forUpdate('r').first()) as RegistrationRow | undefined;
      return row && toRegistration(row);
    },

    /** Is there a live (pending or validated) registration of this child to this activity this year? */
    async findLive(communeId: number, memberId: number, activityId: number, schoolYear: string, executor: Executor = db) {
      const row = (await base(executor, communeId)
        .andWhere({ 'r.member_id': memberId, 'r.activity_id': activityId, 'r.school_year': schoolYear })
        .whereIn('r.status', ['pending', 'validated'])
        .first()) as RegistrationRow | undefined;
      return row && toRegistration(row);
    },

    async countForFamily(communeId: number, familyId: number, executor: Executor = db): Promise<number> {
      const [row] = await executor('registrations').where({ commune_id: communeId, family_id: familyId }).count<{ count: number }[]>('* as count');
      return row!.count;
    },

    async recordDecision(
      communeId: number,
      registrationId: number,
      decision: { status: 'validated' | 'refused'; reference: string | null; decidedBy: number; decidedAt: Date; reason: string | null },
      executor: Executor,
    ) {
      await executor('registrations').where({ commune_id: communeId, id: registrationId }).update({
        status: decision.status,
        reference: decision.reference,
        decided_by: decision.decidedBy,
        decided_at: decision.decidedAt,
        reason: decision.reason,
      });
    },

    /** Children with a validated registration to an activity covering a day: the staff's list. */
    async validatedOn(communeId: number, activityId: number, day: string, executor: Executor = db) {
      const rows = (await base(executor, communeId)
        .join('families as f', function joinFamily() {
          this.on('f.commune_id', 'r.commune_id').andOn('f.id', 'r.family_id');
        })
        .select('f.name as family_name', 'f.reference as family_reference', 'm.school', 'm.school_level', 'm.allergies', 'm.has_pai')
        .andWhere({ 'r.activity_id': activityId, 'r.status': 'validated' })
        .andWhere('r.starts_on', '<=', day)
        .andWhere('r.ends_on', '>=', day)
        .orderBy(['m.last_name', 'm.first_name'])) as (RegistrationRow & {
        family_name: string;
        family_reference: string;
        school: string | null;
        school_level: string | null;
        allergies: string | null;
        has_pai: boolean | null;
      })[];
      return rows.map((row) => ({
        ...toRegistration(row),
        familyName: row.family_name,
        familyReference: row.family_reference,
        school: [row.school, row.school_level].filter(Boolean).join(', '),
        allergies: row.allergies,
        hasPai: row.has_pai,
      }));
    },
  };
}

export type RegistrationRepository = ReturnType<typeof registrationRepository>;
