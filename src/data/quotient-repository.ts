import type { FamilyQuotient, QuotientHistoryEntry, QuotientSource } from '../model/quotient.ts';
import type { Executor } from './database.ts';

/** A value to store: everything but its id. */
export type NewQuotient = Omit<FamilyQuotient, 'id'>;

interface QuotientRow {
  id: number;
  family_id: number;
  value: number;
  valid_from: string;
  valid_until: string | null;
  source: QuotientSource;
  annual_income: number | null;
  request_id: number | null;
  proof_file_id: number | null;
  set_by: number;
  set_at: Date;
}

const toQuotient = (row: QuotientRow): FamilyQuotient => ({
  id: row.id,
  familyId: row.family_id,
  value: row.value,
  validFrom: row.valid_from,
  validUntil: row.valid_until,
  source: row.source,
  annualIncome: row.annual_income,
  requestId: row.request_id,
  proofFileId: row.proof_file_id,
  setBy: row.set_by,
  setAt: row.set_at,
});

const COLUMNS = 'id, family_id, value, valid_from, valid_until, source, annual_income, request_id, proof_file_id, set_by, set_at';

/** The quotient familial history of families (migration 23); rows are added, never changed. */
export function quotientRepository(db: Executor) {
  return {
    async insert(communeId: number, quotient: NewQuotient, executor: Executor = db): Promise<number> {
      const [row] = await executor('family_quotients')
        .insert({
          commune_id: communeId,
          family_id: quotient.familyId,
          value: quotient.value,
          valid_from: quotient.validFrom,
          valid_until: quotient.validUntil,
          source: quotient.source,
          annual_income: quotient.annualIncome,
          request_id: quotient.requestId,
          proof_file_id: quotient.proofFileId,
          set_by: quotient.setBy,
          set_at: quotient.setAt,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    /**
     * The value valid on `day` for each family, in one query whatever the number of families: the
     * rule of `quotientValidOn` (src/domain/quotient.ts) in SQL — among the rows covering the day,
     * the latest start, then the latest set. Families without one are absent from the map.
     */
    async validOnForFamilies(communeId: number, familyIds: readonly number[], day: string, executor: Executor = db): Promise<Map<number, FamilyQuotient>> {
      if (!familyIds.length) return new Map();
      const result = await executor.raw<{ rows: QuotientRow[] }>(
        `SELECT DISTINCT ON (family_id) ${COLUMNS}
           FROM family_quotients
          WHERE commune_id = ? AND family_id = ANY(?::int[])
            AND valid_from <= ?::date AND (valid_until IS NULL OR valid_until >= ?::date)
          ORDER BY family_id, valid_from DESC, set_at DESC, id DESC`,
        [communeId, [...new Set(familyIds)], day, day],
      );
      return new Map(result.rows.map((row) => [row.family_id, toQuotient(row)]));
    },

    /** Every value of a family, the latest start first, with who set it and who declared it. */
    async listForFamily(communeId: number, familyId: number, executor: Executor = db): Promise<QuotientHistoryEntry[]> {
      const rows = (await executor('family_quotients as q')
        .join('users as s', function joinSetter() {
          this.on('s.commune_id', 'q.commune_id').andOn('s.id', 'q.set_by');
        })
        .leftJoin('requests as r', function joinRequest() {
          this.on('r.commune_id', 'q.commune_id').andOn('r.id', 'q.request_id');
        })
        .leftJoin('users as d', function joinDeclarer() {
          this.on('d.commune_id', 'r.commune_id').andOn('d.id', 'r.submitted_by');
        })
        .where({ 'q.commune_id': communeId, 'q.family_id': familyId })
        .select(
          'q.*',
          executor.raw(`s.first_name || ' ' || s.last_name AS set_by_name`),
          executor.raw(`d.first_name || ' ' || d.last_name AS declared_by_name`),
        )
        .orderBy('q.valid_from', 'desc')
        .orderBy('q.set_at', 'desc')
        .orderBy('q.id', 'desc')) as (QuotientRow & { set_by_name: string; declared_by_name: string | null })[];
      return rows.map((row) => ({ ...toQuotient(row), setByName: row.set_by_name, declaredByName: row.declared_by_name }));
    },

    async countForFamily(communeId: number, familyId: number, executor: Executor = db): Promise<number> {
      const [row] = await executor('family_quotients').where({ commune_id: communeId, family_id: familyId }).count<{ count: number }[]>('* as count');
      return row!.count;
    },
  };
}

export type QuotientRepository = ReturnType<typeof quotientRepository>;
