import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { createLogger } from './logger.ts';
import type { Env } from './config/env.ts';
import { parseSchoolHolidays, type SchoolHolidaysFile } from './domain/calendar/school-holidays.ts';
import { clockStartingAt, systemClock, type Clock } from './domain/clock.ts';
import { createDatabase, migrateToLatest, type Database } from './data/database.ts';
import { createRepositories, type Repositories } from './data/index.ts';
import { mailRenderer } from './integrations/mail/mail-renderer.ts';
import { createMailTransport } from './integrations/mail/mail-transport.ts';
import { mailWorker, type MailWorker } from './integrations/mail/mail-worker.ts';
import { postgresMailThrottle } from './integrations/mail-throttle.ts';
import { postgresSignInThrottle } from './integrations/sign-in-throttle.ts';
import { createServices, type Services } from './services/index.ts';
import { argon2Hasher } from './services/password-hasher.ts';
import { loadCommuneFiles } from './services/seed-service.ts';

export const COMMUNE_FILES_DIR = path.resolve(import.meta.dirname, '../seeds/communes');
export const SCHOOL_HOLIDAYS_FILE = path.resolve(import.meta.dirname, '../seeds/calendar/school-holidays.json');

/** The school holidays by zone shipped with the app, read and checked once per process. */
let schoolHolidays: SchoolHolidaysFile | undefined;
function loadSchoolHolidays(): SchoolHolidaysFile {
  schoolHolidays ??= parseSchoolHolidays(JSON.parse(fs.readFileSync(SCHOOL_HOLIDAYS_FILE, 'utf8')), 'seeds/calendar/school-holidays.json');
  return schoolHolidays;
}

export interface Runtime {
  db: Database;
  sessionPool: pg.Pool;
  services: Services;
  repositories: Repositories;
  mailWorker: MailWorker;
  close(): Promise<void>;
}

/** FAKE_NOW moves the clock only outside production (DESIGN §10). */
export function clockFor(env: Pick<Env, 'NODE_ENV' | 'FAKE_NOW'>): Clock {
  if (env.FAKE_NOW && env.NODE_ENV !== 'production') return clockStartingAt(new Date(env.FAKE_NOW));
  return systemClock;
}

export function publicUrlOf(env: Pick<Env, 'PUBLIC_URL' | 'PORT'>): string {
  return (env.PUBLIC_URL ?? `http://localhost:${env.PORT}`).replace(/\/$/, '');
}

/** Opens the database and builds the services; the one composition root for server, CLI and tests. */
export function createRuntime(connectionString: string, env: Env, clock: Clock = clockFor(env), logger: Logger = createLogger('silent')): Runtime {
  const db = createDatabase(connectionString);
  const sessionPool = new pg.Pool({ connectionString, max: 5 });
  const repositories = createRepositories(db);
  const transport = createMailTransport(env.SMTP_URL);
  const services = createServices({
    repositories,
    mail: mailRenderer(publicUrlOf(env)),
    schoolHolidays: loadSchoolHolidays(),
    clock,
    hasher: argon2Hasher({
      memoryKib: env.ARGON2_MEMORY_KIB,
      timeCost: env.ARGON2_TIME_COST,
      parallelism: env.ARGON2_PARALLELISM,
    }),
    production: env.NODE_ENV === 'production',
    throttle: postgresSignInThrottle(sessionPool),
    mailThrottle: postgresMailThrottle(sessionPool),
  });
  const worker = mailWorker({ db, outbox: repositories.outbox, transport, clock, logger, from: env.SMTP_FROM });
  return {
    db,
    sessionPool,
    services,
    repositories,
    mailWorker: worker,
    async close() {
      await worker.stop();
      transport.close();
      await Promise.allSettled([db.destroy(), sessionPool.end()]);
    },
  };
}

/** Migrates, applies the commune files and, outside production, the demo data. */
export async function prepareDatabase(runtime: Runtime, env: Env, logger: Logger): Promise<void> {
  const applied = await migrateToLatest(runtime.db);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  const files = loadCommuneFiles(COMMUNE_FILES_DIR);
  await runtime.services.seed.applyCommuneFiles(files);
  logger.info({ communes: files.map((file) => file.slug) }, 'commune files applied');
  const wantDemo = env.SEED_DEMO_DATA ?? env.NODE_ENV !== 'production';
  if (wantDemo) {
    const { created } = await runtime.services.seed.applyDemoData();
    if (created.length) logger.info({ communes: created }, 'demo data loaded');
  }
}
