import type { Executor } from './database.ts';

/** A family that has something in the month: a booking (live or cancelled) or an attendance mark. */
export interface BilledFamilyRow {
  id: number;
  name: string;
  reference: string;
  city: string | null;
}

export interface MonthFacts {
  families: BilledFamilyRow[];
  children: { id: number; familyId: number; firstName: string; lastName: string; birthDate: string | null }[];
  registrations: { familyId: number; memberId: number; activityId: number; startsOn: string; endsOn: string }[];
  bookings: { familyId: number; memberId: number; activityId: number; day: string; status: 'booked' | 'waiting' | 'cancelled'; changedAt: Date }[];
  attendance: { familyId: number; memberId: number; activityId: number; day: string; status: 'present' | 'absent' }[];
  justifiedAbsences: { familyId: number; memberId: number; activityId: number; day: string }[];
}

/**
 * What the invoicing run reads for a month of a commune (DESIGN §7 Invoices): six queries whatever
 * the number of families, each scoped by commune and the month's days, so a run of 20,000 families
 * costs what a run of 20 does in round trips. `from` and `to`: the month's first and last day.
 */
export function invoicingFactsRepository(db: Executor) {
  return {
    async monthFacts(communeId: number, from: string, to: string, executor: Executor = db): Promise<MonthFacts> {
      const active = `SELECT family_id FROM bookings WHERE commune_id = ? AND day BETWEEN ?::date AND ?::date AND status IN ('booked', 'cancelled')
                      UNION SELECT family_id FROM attendance WHERE commune_id = ? AND day BETWEEN ?::date AND ?::date`;
      const activeBindings = [communeId, from, to, communeId, from, to];
      const families = (
        await executor.raw<{ rows: BilledFamilyRow[] }>(
          `SELECT f.id, f.name, f.reference, f.city FROM families f
            WHERE f.commune_id = ? AND f.id IN (${active})
            ORDER BY f.name, f.reference, f.id`,
          [communeId, ...activeBindings],
        )
      ).rows;
      const familyIds = families.map((family) => family.id);
      if (!familyIds.length) return { families, children: [], registrations: [], bookings: [], attendance: [], justifiedAbsences: [] };

      const children = (
        await executor.raw<{ rows: { id: number; family_id: number; first_name: string; last_name: string; birth_date: string | null }[] }>(
          `SELECT id, family_id, first_name, last_name, birth_date FROM members
            WHERE commune_id = ? AND family_id = ANY(?::int[]) AND role = 'child'`,
          [communeId, familyIds],
        )
      ).rows;
      const registrations = (
        await executor.raw<{ rows: { family_id: number; member_id: number; activity_id: number; starts_on: string; ends_on: string }[] }>(
          `SELECT family_id, member_id, activity_id, starts_on, ends_on FROM registrations
            WHERE commune_id = ? AND family_id = ANY(?::int[]) AND status = 'validated' AND starts_on <= ?::date AND ends_on >= ?::date`,
          [communeId, familyIds, to, from],
        )
      ).rows;
      const bookings = (
        await executor.raw<{ rows: { family_id: number; member_id: number; activity_id: number; day: string; status: 'booked' | 'waiting' | 'cancelled'; updated_at: Date }[] }>(
          `SELECT family_id, member_id, activity_id, day, status, updated_at FROM bookings
            WHERE commune_id = ? AND day BETWEEN ?::date AND ?::date AND status IN ('booked', 'cancelled')`,
          [communeId, from, to],
        )
      ).rows;
      const attendance = (
        await executor.raw<{ rows: { family_id: number; member_id: number; activity_id: number; day: string; status: 'present' | 'absent' }[] }>(
          `SELECT family_id, member_id, activity_id, day, status FROM attendance
            WHERE commune_id = ? AND day BETWEEN ?::date AND ?::date`,
          [communeId, from, to],
        )
      ).rows;
      const justified = (
        await executor.raw<{ rows: { family_id: number; member_id: number; activity_id: number; day: string }[] }>(
          `SELECT DISTINCT family_id, member_id, activity_id, day FROM absences
            WHERE commune_id = ? AND day BETWEEN ?::date AND ?::date AND justified`,
          [communeId, from, to],
        )
      ).rows;

      return {
        families,
        children: children.map((row) => ({ id: row.id, familyId: row.family_id, firstName: row.first_name, lastName: row.last_name, birthDate: row.birth_date })),
        registrations: registrations.map((row) => ({
          familyId: row.family_id,
          memberId: row.member_id,
          activityId: row.activity_id,
          startsOn: row.starts_on,
          endsOn: row.ends_on,
        })),
        bookings: bookings.map((row) => ({
          familyId: row.family_id,
          memberId: row.member_id,
          activityId: row.activity_id,
          day: row.day,
          status: row.status,
          changedAt: row.updated_at,
        })),
        attendance: attendance.map((row) => ({ familyId: row.family_id, memberId: row.member_id, activityId: row.activity_id, day: row.day, status: row.status })),
        justifiedAbsences: justified.map((row) => ({ familyId: row.family_id, memberId: row.member_id, activityId: row.activity_id, day: row.day })),
      };
    },

    /**
     * The months (first days) with a live booking or an invoice in the commune, the latest first:
     * the months staff can choose on « Facturation ».
     */
    async monthsWithActivity(communeId: number, executor: Executor = db): Promise<string[]> {
      const result = await executor.raw<{ rows: { month: string }[] }>(
        `SELECT DISTINCT month FROM (
           SELECT date_trunc('month', day)::date AS month FROM bookings WHERE commune_id = ? AND status = 'booked'
           UNION SELECT period_start FROM invoices WHERE commune_id = ? AND kind = 'invoice') AS months
         ORDER BY month DESC`,
        [communeId, communeId],
      );
      return result.rows.map((row) => row.month);
    },
  };
}

export type InvoicingFactsRepository = ReturnType<typeof invoicingFactsRepository>;
