import type { Knex } from 'knex';
import { swapKeys } from './support/tenant-keys.ts';

/**
 * The tables of migrations 28 and 29 follow migration 31's rule (every key of tenant data includes
 * `commune_id`, tests/integration/tenant-keys.test.ts): their `PRIMARY KEY (id)` becomes
 * `PRIMARY KEY (commune_id, id)`, and their `UNIQUE (commune_id, id)`, which the composite foreign
 * keys to them leaned on, is dropped in favour of it (those foreign keys carried over with their
 * exact definitions). No row changes.
 */
const TABLES = ['family_documents', 'private_files', 'commune_documents'];

const uniqueName = (table: string) => `${table}_commune_id_id_unique`;

async function constraintExists(knex: Knex, table: string, name: string): Promise<boolean> {
  const result = await knex.raw('SELECT 1 FROM pg_constraint WHERE conrelid = ?::regclass AND conname = ?', [table, name]);
  return result.rows.length > 0;
}

export async function up(knex: Knex): Promise<void> {
  for (const table of TABLES) {
    const from = [`${table}_pkey`, ...((await constraintExists(knex, table, uniqueName(table))) ? [uniqueName(table)] : [])];
    await swapKeys(knex, table, from, () => knex.raw('ALTER TABLE ?? ADD CONSTRAINT ?? PRIMARY KEY (commune_id, id)', [table, `${table}_pkey`]));
  }
  // Migration 27 gave debit_lines a UNIQUE (commune_id, id) that its primary key now is.
  await knex.raw('ALTER TABLE debit_lines DROP CONSTRAINT IF EXISTS debit_lines_commune_id_id_unique');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE debit_lines ADD CONSTRAINT debit_lines_commune_id_id_unique UNIQUE (commune_id, id)');
  for (const table of [...TABLES].reverse()) {
    await swapKeys(knex, table, [`${table}_pkey`], async () => {
      await knex.raw('ALTER TABLE ?? ADD CONSTRAINT ?? PRIMARY KEY (id)', [table, `${table}_pkey`]);
      await knex.raw('ALTER TABLE ?? ADD CONSTRAINT ?? UNIQUE (commune_id, id)', [table, uniqueName(table)]);
    });
  }
}
