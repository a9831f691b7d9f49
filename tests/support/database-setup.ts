import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { createRuntime, prepareDatabase } from '../../src/bootstrap.ts';
import { fixedClock } from '../../src/integrations/clock.ts';
import { DEFAULT_NOW } from './test-clock.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../../src/data/embedded-postgres.ts';
import { createLogger } from '../../src/logger.ts';
import { testEnv } from './test-env.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
  }
}

/**
 * One throw-away database for the integration run: an embedded PostgreSQL in a temporary folder,
 * or a new database on the server DATABASE_URL names (dropped at the end). Migrated and seeded
 * once; suites create the rows they need on top.
 */
export default async function setup(project: TestProject) {
  let embedded: EmbeddedServer | undefined;
  let databaseUrl: string;
  let dropDatabase: (() => Promise<void>) | undefined;

  if (process.env.DATABASE_URL) {
    const name = `espace_famille_test_${randomBytes(4).toString('hex')}`;
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    databaseUrl = url.toString();
    dropDatabase = async () => {
      const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await client.end();
    };
  } else {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'espace-famille-test-'));
    // Run as root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
    fs.chmodSync(dataDir, 0o755);
    embedded = await startEmbeddedPostgres({ dataDir: path.join(dataDir, 'pg'), persistent: false });
    await embedded.createDatabase('espace_famille_test');
    databaseUrl = embedded.connectionString('espace_famille_test');
    dropDatabase = async () => fs.rmSync(dataDir, { recursive: true, force: true });
  }

  const env = testEnv();
  const runtime = createRuntime(databaseUrl, env, fixedClock(DEFAULT_NOW));
  await prepareDatabase(runtime, env, createLogger('silent'));
  await runtime.close();
  project.provide('databaseUrl', databaseUrl);

  return async () => {
    await embedded?.stop();
    await dropDatabase?.();
  };
}
