import type { FieldValue, MemberRole } from '../domain/family-fields.ts';
import type { Executor } from './database.ts';
import type { Family, Member, NewFamily, NewMember, FamilySummary, FamilySearchResult, FamilyAccount } from '../model/family.ts';
export type { Family, Member, NewFamily, NewMember, FamilySummary, FamilySearchResult, FamilyAccount } from '../model/family.ts';

export type { MemberRole };

interface FamilyRow {
  id: number;
  commune_id: number;
  reference: string;
  name: string;
  address_line: string | null;
  postcode: string | null;
  city: string | null;
}

interface MemberRow {
  id: number;
  commune_id: number;
  family_id: number;
  birth_country: string | null;
  birth_department: string | null;
  birth_city: string | null;
  preferred_contact: 'email' | 'telephone' | 'courrier' | null;
  address_line: string | null;
  postcode: string | null;
  city: string | null;
  allergies: string | null;
  has_pai: boolean | null;
  doctor_name: string | null;
  doctor_phone: string | null;
  relationship: string | null;
  can_pick_up: boolean | null;
  emergency_contact: boolean | null;
  role: MemberRole;
  civility: 'madame' | 'monsieur' | null;
  last_name: string;
  birth_name: string | null;
  first_name: string;
  birth_date: string | null;
  email: string | null;
  phone: string | null;
  school: string | null;
  school_level: string | null;
}

const toFamily = (row: FamilyRow): Family => ({
  id: row.id,
  communeId: row.commune_id,
  reference: row.reference,
  name: row.name,
  addressLine: row.address_line,
  postcode: row.postcode,
  city: row.city,
});

const toMember = (row: MemberRow): Member => ({
  id: row.id,
  familyId: row.family_id,
  role: row.role,
  civility: row.civility,
  lastName: row.last_name,
  birthName: row.birth_name,
  firstName: row.first_name,
  birthDate: row.birth_date,
  email: row.email,
  phone: row.phone,
  school: row.school,
  schoolLevel: row.school_level,
  birthCountry: row.birth_country,
  birthDepartment: row.birth_department,
  birthCity: row.birth_city,
  preferredContact: row.preferred_contact,
  addressLine: row.address_line,
  postcode: row.postcode,
  city: row.city,
  allergies: row.allergies,
  hasPai: row.has_pai,
  doctorName: row.doctor_name,
  doctorPhone: row.doctor_phone,
  relationship: row.relationship,
  canPickUp: row.can_pick_up,
  emergencyContact: row.emergency_contact,
});

/** Member field key (camelCase, as in forms and requests) → column. */
const snake = (key: string) => key.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);

const ROLE_ORDER = `CASE role WHEN 'guardian' THEN 0 WHEN 'child' THEN 1 ELSE 2 END`;

export function familyRepository(db: Executor) {
  return {
    async findById(communeId: number, familyId: number, executor: Executor = db): Promise<Family | undefined> {
      const row = await executor<FamilyRow>('families').where({ commune_id: communeId, id: familyId }).first();
      return row && toFamily(row);
    },

    async findByReference(communeId: number, reference: string, executor: Executor = db): Promise<Family | undefined> {
      const row = await executor<FamilyRow>('families').where({ commune_id: communeId, reference }).first();
      return row && toFamily(row);
    },

    async listMembers(communeId: number, familyId: number, executor: Executor = db): Promise<Member[]> {
      const rows = await executor<MemberRow>('members')
        .where({ commune_id: communeId, family_id: familyId })
        .orderByRaw(`${ROLE_ORDER}, CASE WHEN role = 'child' THEN birth_date END, id`);
      return rows.map(toMember);
    },

    /**
     * One page of the commune's families by name, and how many there are: the page is taken first
     * (the (commune, name, reference) index), then only its members are read.
     */
    async listFamiliesPage(
      communeId: number,
      page: { limit: number; offset: number },
      executor: Executor = db,
    ): Promise<{ families: FamilySummary[]; total: number }> {
      const rows = await executor<FamilyRow>('families')
        .where('commune_id', communeId)
        .orderBy(['name', 'reference', 'id'])
        .limit(page.limit)
        .offset(page.offset);
      const members = rows.length
        ? await executor('members')
            .where('commune_id', communeId)
            .whereIn(
              'family_id',
              rows.map((row) => row.id),
            )
            .groupBy('family_id')
            .select<{ family_id: number; guardian_names: string[] | null; child_count: number }[]>(
              'family_id',
              executor.raw(`array_agg(first_name || ' ' || last_name ORDER BY first_name) FILTER (WHERE role = 'guardian') AS guardian_names`),
              executor.raw(`count(*) FILTER (WHERE role = 'child')::int AS child_count`),
            )
        : [];
      const [count] = await executor('families').where('commune_id', communeId).count<{ count: number }[]>('* as count');
      const byFamily = new Map(members.map((row) => [row.family_id, row]));
      return {
        families: rows.map((row) => ({
          ...toFamily(row),
          guardianNames: byFamily.get(row.id)?.guardian_names ?? [],
          childCount: byFamily.get(row.id)?.child_count ?? 0,
        })),
        total: Number(count?.count ?? 0),
      };
    },

    async insertFamily(communeId: number, family: NewFamily, executor: Executor = db): Promise<number> {
      const [row] = await executor('families')
        .insert({
          commune_id: communeId,
          reference: family.reference,
          name: family.name,
          address_line: family.addressLine ?? null,
          postcode: family.postcode ?? null,
          city: family.city ?? null,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    async insertMember(communeId: number, familyId: number, member: NewMember, executor: Executor = db): Promise<number> {
      const [row] = await executor('members')
        .insert({
          commune_id: communeId,
          family_id: familyId,
          role: member.role,
          civility: member.civility,
          last_name: member.lastName,
          birth_name: member.birthName,
          first_name: member.firstName,
          birth_date: member.birthDate,
          email: member.email,
          phone: member.phone,
          school: member.school,
          school_level: member.schoolLevel,
          birth_country: member.birthCountry ?? null,
          birth_department: member.birthDepartment ?? null,
          birth_city: member.birthCity ?? null,
          preferred_contact: member.preferredContact ?? null,
          address_line: member.addressLine ?? null,
          postcode: member.postcode ?? null,
          city: member.city ?? null,
          allergies: member.allergies ?? null,
          has_pai: member.hasPai ?? null,
          doctor_name: member.doctorName ?? null,
          doctor_phone: member.doctorPhone ?? null,
          relationship: member.relationship ?? null,
          can_pick_up: member.canPickUp ?? null,
          emergency_contact: member.emergencyContact ?? null,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    async findMember(communeId: number, familyId: number, memberId: number, executor: Executor = db): Promise<Member | undefined> {
      const row = await executor<MemberRow>('members').where({ commune_id: communeId, family_id: familyId, id: memberId }).first();
      return row && toMember(row);
    },

    /** Locks the member's row for the rest of the transaction (a decision applying a change). */
    async lockMember(communeId: number, familyId: number, memberId: number, executor: Executor): Promise<Member | undefined> {
      const row = await executor<MemberRow>('members')
        .where({ commune_id: communeId, family_id: familyId, id: memberId })
        .forUpdate()
        .first();
      return row && toMember(row);
    },

    /** Writes the given fields (keys as in MEMBER_FIELDS) of one member of one family. */
    async updateMemberFields(
      communeId: number,
      familyId: number,
      memberId: number,
      values: Record<string, FieldValue>,
      now: Date,
      executor: Executor = db,
    ): Promise<void> {
      const columns = Object.fromEntries(Object.entries(values).map(([key, value]) => [snake(key), value]));
      if (Object.keys(columns).length === 0) return;
      await executor('members')
        .where({ commune_id: communeId, family_id: familyId, id: memberId })
        .update({ ...columns, updated_at: now });
    },

    /**
     * Staff search: every word must appear, case and accents ignored, somewhere in the family's
     * name or file number, a member's names or e-mail, or an account's e-mail or identifier. One
     * query whatever the number of results. `words` are plain text (LIKE wildcards are escaped).
     */
    async searchFamilies(communeId: number, words: string[], limit = 100, executor: Executor = db): Promise<FamilySearchResult[]> {
      if (!words.length) return [];
      const patterns = words.map((word) => word.replace(/[\\%_]/g, (character) => `\\${character}`));
      const rows = await executor('families as f')
        .leftJoin('members as m', function joinMembers() {
          this.on('m.commune_id', 'f.commune_id').andOn('m.family_id', 'f.id');
        })
        .where('f.commune_id', communeId)
        .groupBy('f.commune_id', 'f.id')
        .havingRaw(
          `lower(unaccent(concat_ws(' ', f.name, f.reference,
              string_agg(concat_ws(' ', m.first_name, m.last_name, m.birth_name, m.email), ' '),
              (SELECT string_agg(concat_ws(' ', u.email, u.identifier), ' ') FROM users u
                WHERE u.commune_id = f.commune_id AND u.family_id = f.id))))
            LIKE ALL (SELECT '%' || lower(unaccent(p)) || '%' FROM unnest(ARRAY[${patterns.map(() => '?').join(', ')}]::text[]) AS p)`,
          patterns,
        )
        .orderBy(['f.name', 'f.reference'])
        .limit(limit)
        .select<{ id: number; reference: string; name: string; guardian_names: string[]; guardian_emails: string[]; child_names: string[] }[]>(
          'f.id',
          'f.reference',
          'f.name',
          executor.raw(`coalesce(array_agg(m.first_name || ' ' || m.last_name ORDER BY m.id) FILTER (WHERE m.role = 'guardian'), '{}') AS guardian_names`),
          executor.raw(`coalesce(array_agg(m.email ORDER BY m.id) FILTER (WHERE m.role = 'guardian' AND m.email IS NOT NULL), '{}') AS guardian_emails`),
          executor.raw(
            `coalesce(array_agg(m.first_name || ' ' || m.last_name ORDER BY m.birth_date NULLS LAST, m.id) FILTER (WHERE m.role = 'child'), '{}') AS child_names`,
          ),
        );
      return rows.map((row) => ({
        id: row.id,
        reference: row.reference,
        name: row.name,
        guardianNames: row.guardian_names,
        guardianEmails: row.guardian_emails,
        childNames: row.child_names,
      }));
    },

    /** Several members at once (the requests of a queue page), whatever their family. */
    async listMembersByIds(communeId: number, memberIds: number[], executor: Executor = db): Promise<Member[]> {
      if (!memberIds.length) return [];
      const rows = await executor<MemberRow>('members').where({ commune_id: communeId }).whereIn('id', memberIds);
      return rows.map(toMember);
    },

    /** The family's sign-in accounts, whatever their status, for the staff family file. */
    async listAccounts(communeId: number, familyId: number, executor: Executor = db): Promise<FamilyAccount[]> {
      const rows = await executor('users')
        .where({ commune_id: communeId, family_id: familyId })
        .orderBy('id')
        .select<
          {
            id: number;
            member_id: number | null;
            first_name: string;
            last_name: string;
            email: string;
            identifier: string;
            status: FamilyAccount['status'];
            last_sign_in_at: Date | null;
          }[]
        >('id', 'member_id', 'first_name', 'last_name', 'email', 'identifier', 'status', 'last_sign_in_at');
      return rows.map((row) => ({
        userId: row.id,
        memberId: row.member_id,
        firstName: row.first_name,
        lastName: row.last_name,
        email: row.email,
        identifier: row.identifier,
        status: row.status,
        lastSignInAt: row.last_sign_in_at,
      }));
    },

    /**
     * The next file number of the commune, `<PREFIX>-00042`, from a counter row locked by the
     * caller's transaction (so concurrent sign-ups never draw the same number); the counter starts
     * after the highest number already used with that prefix.
     */
    async nextReference(communeId: number, prefix: string, executor: Executor = db): Promise<string> {
      const result = await executor.raw<{ rows: { value: number }[] }>(
        `INSERT INTO counters (commune_id, series, year, value)
         SELECT ?, ?, 0, coalesce(max(substring(reference from '[0-9]+$')::int), 0) + 1
           FROM families WHERE commune_id = ? AND reference ~ ?
         ON CONFLICT (commune_id, series, year) DO UPDATE SET value = counters.value + 1
         RETURNING value`,
        [communeId, `family:${prefix}`, communeId, `^${prefix}-[0-9]+$`],
      );
      return `${prefix}-${String(result.rows[0]!.value).padStart(5, '0')}`;
    },
  };
}

export type FamilyRepository = ReturnType<typeof familyRepository>;
