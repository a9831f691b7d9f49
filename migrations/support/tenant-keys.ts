import type { Knex } from 'knex';

/*
 * What the migrations that put `commune_id` in every tenant key share (31, 32): moving a table's
 * keys while the foreign keys resting on them are carried over with their exact definitions.
 */

/** The foreign keys (of any table) that rest on one of `indexNames` of `table`, with their definitions. */
async function foreignKeysOn(knex: Knex, table: string, indexNames: string[]): Promise<{ table: string; name: string; definition: string }[]> {
  const result = await knex.raw(
    `SELECT c.conrelid::regclass::text AS table, c.conname AS name, pg_get_constraintdef(c.oid) AS definition
       FROM pg_constraint c JOIN pg_class i ON i.oid = c.conindid
      WHERE c.contype = 'f' AND c.confrelid = ?::regclass AND i.relname = ANY(?)
      ORDER BY c.conrelid::regclass::text, c.conname`,
    [table, indexNames],
  );
  return result.rows;
}

/** Replaces the keys `from` of `table` by `to`, carrying over the foreign keys that rested on them. */
export async function swapKeys(knex: Knex, table: string, from: string[], to: () => Promise<void>) {
  const foreignKeys = await foreignKeysOn(knex, table, from);
  for (const key of foreignKeys) await knex.raw('ALTER TABLE ?? DROP CONSTRAINT ??', [key.table, key.name]);
  for (const name of from) await knex.raw('ALTER TABLE ?? DROP CONSTRAINT ??', [table, name]);
  await to();
  for (const key of foreignKeys) await knex.raw(`ALTER TABLE ?? ADD CONSTRAINT ?? ${key.definition}`, [key.table, key.name]);
}
