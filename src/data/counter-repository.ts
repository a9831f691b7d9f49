import type { Executor } from './database.ts';

/**
 * Gap-free numbering (DESIGN §11): the counter row is created or incremented in the caller's
 * transaction, which holds its lock until commit; a rollback gives the number back.
 */
export function counterRepository(db: Executor) {
  return {
    async next(communeId: number, series: string, year: number, executor: Executor = db): Promise<number> {
      const result = await executor.raw<{ rows: { value: number }[] }>(
        `INSERT INTO counters (commune_id, series, year, value) VALUES (?, ?, ?, 1)
         ON CONFLICT (commune_id, series, year) DO UPDATE SET value = counters.value + 1
         RETURNING value`,
        [communeId, series, year],
      );
      return result.rows[0]!.value;
    },

    /**
     * `count` numbers at once (a run numbering thousands of invoices): the first of them; the
     * others follow it. Same row lock, same transaction rules as `next`.
     */
    async reserve(communeId: number, series: string, year: number, count: number, executor: Executor = db): Promise<number> {
      if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`cannot reserve ${count} numbers`);
      const result = await executor.raw<{ rows: { value: number }[] }>(
        `INSERT INTO counters (commune_id, series, year, value) VALUES (?, ?, ?, ?)
         ON CONFLICT (commune_id, series, year) DO UPDATE SET value = counters.value + ?
         RETURNING value`,
        [communeId, series, year, count, count],
      );
      return result.rows[0]!.value - count + 1;
    },
  };
}

export type CounterRepository = ReturnType<typeof counterRepository>;
