import type { Knex } from 'knex';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../support/test-app.ts';

/**
 * The schema can be distributed by commune (DESIGN §3, issue 14: PostgreSQL + Citus with
 * `commune_id` as the distribution column) only if every key of tenant data includes the commune:
 * a primary key, a unique key or a foreign key between two distributed tables that leaves it out
 * cannot be enforced shard by shard. Read from the migrated database's catalogue, so a table added
 * by any later migration is checked too, without being listed here.
 *
 * A tenant table is a table of the public schema having a `commune_id` column. Every other table
 * must be listed below, global by design, with why.
 */
const GLOBAL_TABLES: Record<string, string> = {
  communes: 'the tenants themselves: a reference table, copied to every node',
  knex_migrations: "knex's record of the migrations run",
  knex_migrations_lock: "knex's lock while migrations run",
  session: "connect-pg-simple's sessions, keyed by a random id; the commune is inside the session data",
  rate_limits: "rate-limiter-flexible's counters, keyed by text: an account's carry its commune, a source address's span communes",
};

interface Catalogue {
  tables: { name: string; tenant: boolean }[];
  keys: { table: string; name: string; kind: 'primary key' | 'unique'; columns: string[] }[];
  foreignKeys: { table: string; name: string; columns: string[]; referenced: string; referencedColumns: string[] }[];
}

async function readCatalogue(db: Knex | Knex.Transaction): Promise<Catalogue> {
  const tables = (
    await db.raw(`
      SELECT c.relname AS name,
             EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'commune_id' AND NOT a.attisdropped) AS tenant
        FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
       ORDER BY c.relname`)
  ).rows;
  // Every unique index, whether it backs a primary key, a UNIQUE constraint or stands alone (partial
  // or on expressions): only its key columns count, not INCLUDE ones; an expression counts as none.
  const keys = (
    await db.raw(`
      SELECT t.relname AS table, i.relname AS name,
             CASE WHEN x.indisprimary THEN 'primary key' ELSE 'unique' END AS kind,
             ARRAY(SELECT a.attname FROM unnest((x.indkey::int2[])[0:x.indnkeyatts - 1]) AS k(attnum)
                     JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum)::text[] AS columns
        FROM pg_index x
        JOIN pg_class i ON i.oid = x.indexrelid
        JOIN pg_class t ON t.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = 'public' AND x.indisunique
       ORDER BY t.relname, i.relname`)
  ).rows;
  const foreignKeys = (
    await db.raw(`
      SELECT t.relname AS table, c.conname AS name, r.relname AS referenced,
             ARRAY(SELECT a.attname FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, i)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum ORDER BY k.i)::text[] AS columns,
             ARRAY(SELECT a.attname FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, i)
                     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum ORDER BY k.i)::text[] AS "referencedColumns"
        FROM pg_constraint c
        JOIN pg_class t ON t.oid = c.conrelid
        JOIN pg_class r ON r.oid = c.confrelid
        JOIN pg_namespace n ON n.oid = t.relnamespace
       WHERE n.nspname = 'public' AND c.contype = 'f'
       ORDER BY t.relname, c.conname`)
  ).rows;
  return { tables, keys, foreignKeys };
}

const tenantTables = ({ tables }: Catalogue) => new Set(tables.filter((table) => table.tenant).map((table) => table.name));

/** Tables without commune_id that are not listed as global. */
function unlistedGlobalTables({ tables }: Catalogue): string[] {
  return tables.filter((table) => !table.tenant && !(table.name in GLOBAL_TABLES)).map((table) => table.name);
}

/** Primary and unique keys of tenant tables without commune_id. */
function keysWithoutCommune(catalogue: Catalogue): string[] {
  const tenant = tenantTables(catalogue);
  return catalogue.keys
    .filter((key) => tenant.has(key.table) && !key.columns.includes('commune_id'))
    .map((key) => `${key.table}: ${key.kind} ${key.name} (${key.columns.join(', ')})`);
}

/** Foreign keys between tenant tables that do not match commune_id with commune_id. */
function foreignKeysAcrossCommunes(catalogue: Catalogue): string[] {
  const tenant = tenantTables(catalogue);
  return catalogue.foreignKeys
    .filter((key) => tenant.has(key.table) && tenant.has(key.referenced))
    .filter((key) => {
      const at = key.columns.indexOf('commune_id');
      return at < 0 || key.referencedColumns[at] !== 'commune_id';
    })
    .map((key) => `${key.table}.${key.name} (${key.columns.join(', ')}) → ${key.referenced} (${key.referencedColumns.join(', ')})`);
}

/** Foreign keys from a table without commune_id to tenant data (it could not be placed on one node). */
function globalTablesReferringToTenants(catalogue: Catalogue): string[] {
  const tenant = tenantTables(catalogue);
  return catalogue.foreignKeys
    .filter((key) => !tenant.has(key.table) && tenant.has(key.referenced))
    .map((key) => `${key.table}.${key.name} → ${key.referenced}`);
}

let t: TestApp;
let catalogue: Catalogue;
beforeAll(async () => {
  t = buildTestApp();
  catalogue = await readCatalogue(t.runtime.db);
});
afterAll(() => t.close());

describe('the schema, read from the catalogue, can be distributed by commune', () => {
  it('finds the tables it checks (the catalogue queries read something)', () => {
    expect(tenantTables(catalogue)).toContain('bookings');
    expect(catalogue.keys.some((key) => key.table === 'bookings' && key.kind === 'primary key')).toBe(true);
    expect(catalogue.foreignKeys.some((key) => key.table === 'bookings' && key.referenced === 'members')).toBe(true);
  });

  it('has a commune_id column in every table but the ones global by design', () => {
    expect(unlistedGlobalTables(catalogue)).toEqual([]);
  });

  it('lists as global only tables that exist and have no commune_id', () => {
    const withoutCommune = new Set(catalogue.tables.filter((table) => !table.tenant).map((table) => table.name));
    expect(Object.keys(GLOBAL_TABLES).filter((name) => !withoutCommune.has(name))).toEqual([]);
  });

  it('includes commune_id in the primary key and every unique key of a tenant table', () => {
    expect(keysWithoutCommune(catalogue)).toEqual([]);
  });

  it('matches commune_id with commune_id in every foreign key between tenant tables', () => {
    expect(foreignKeysAcrossCommunes(catalogue)).toEqual([]);
  });

  it('has no global table referring to a tenant table', () => {
    expect(globalTablesReferringToTenants(catalogue)).toEqual([]);
  });

  it('would name each kind of faulty key of a new table (checked on tables created and rolled back)', async () => {
    const probe = await t.runtime.db
      .transaction(async (trx) => {
        await trx.raw(`CREATE TABLE probe_parent (id serial PRIMARY KEY, commune_id integer NOT NULL, code text UNIQUE, UNIQUE (commune_id, id))`);
        await trx.raw(`CREATE UNIQUE INDEX probe_parent_lower_code ON probe_parent (lower(code)) WHERE code IS NOT NULL`);
        await trx.raw(`
          CREATE TABLE probe_child (
            id serial, commune_id integer NOT NULL, parent_id integer, other_commune integer,
            PRIMARY KEY (commune_id, id),
            CONSTRAINT probe_child_parent FOREIGN KEY (parent_id) REFERENCES probe_parent (id),
            CONSTRAINT probe_child_crossed FOREIGN KEY (other_commune, parent_id) REFERENCES probe_parent (commune_id, id),
            CONSTRAINT probe_child_good FOREIGN KEY (commune_id, parent_id) REFERENCES probe_parent (commune_id, id))`);
        await trx.raw(`CREATE TABLE probe_global (id serial PRIMARY KEY, parent_id integer CONSTRAINT probe_global_parent REFERENCES probe_parent (id))`);
        const read = await readCatalogue(trx);
        throw Object.assign(new Error('roll back'), { read });
      })
      .catch((error: { read?: Catalogue }) => error.read!);
    const probeOnly = (lines: string[]) => lines.filter((line) => line.startsWith('probe_'));
    expect(probeOnly(keysWithoutCommune(probe))).toEqual([
      'probe_parent: unique probe_parent_code_key (code)',
      'probe_parent: unique probe_parent_lower_code ()',
      'probe_parent: primary key probe_parent_pkey (id)',
    ]);
    expect(probeOnly(foreignKeysAcrossCommunes(probe))).toEqual([
      'probe_child.probe_child_crossed (other_commune, parent_id) → probe_parent (commune_id, id)',
      'probe_child.probe_child_parent (parent_id) → probe_parent (id)',
    ]);
    expect(probeOnly(globalTablesReferringToTenants(probe))).toEqual(['probe_global.probe_global_parent → probe_parent']);
    expect(unlistedGlobalTables(probe)).toEqual(['probe_global']);
    expect(await t.runtime.db.raw(`SELECT to_regclass('probe_parent') AS found`).then((result) => result.rows[0].found)).toBeNull();
  });
});
