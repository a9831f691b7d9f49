import pg from 'pg';
import { inject } from 'vitest';

/** One statement on the test server outside any test database's pool (CREATE or DROP a database of a suite's own). */
export async function adminSql(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: inject('databaseUrl') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}
