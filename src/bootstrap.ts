import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import type { Logger } from 'pino';
import { createLogger } from './logger.ts';
import { decodeDataKey, splitOldKeys } from './config/data-keys.ts';
import { developmentTools, type Env } from './config/env.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './data/embedded-postgres.ts';
import { describeDatabaseUrl, explainStartupFailure, StartupError } from './startup-failure.ts';
import { parseSchoolHolidays, type SchoolHolidaysFile } from './domain/calendar/school-holidays.ts';
import type { Clock } from './domain/clock.ts';
import { clockStartingAt, systemClock } from './integrations/clock.ts';
import { createDatabase, migrateToLatest, type Database } from './data/database.ts';
import { createRepositories, type Repositories } from './data/index.ts';
import { mailRenderer } from './integrations/mail/mail-renderer.ts';
import { createMailTransport } from './integrations/mail/mail-transport.ts';
import { mailWorker, type MailWorker } from './integrations/mail/mail-worker.ts';
import { dataCipher, generateKeyText, type DataCipher } from './integrations/data-cipher.ts';
import { createPayfipProvider } from './integrations/payfip/index.ts';
import { paymentReconciliation, type PaymentReconciliation } from './integrations/payfip/payment-reconciliation.ts';
import { pollingJob } from './integrations/polling-job.ts';
import { postgresMailThrottle } from './integrations/mail-throttle.ts';
import { postgresSendThrottle } from './integrations/send-throttle.ts';
import { postgresSignInThrottle } from './integrations/sign-in-throttle.ts';
import { createServices, type Services } from './services/index.ts';
import { argon2Hasher } from './services/accounts/password-hasher.ts';
import { loadCommuneFiles } from './services/commune/seed-service.ts';
import { MissingKeyError } from './services/payment/bank-details-service.ts';

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
  /** Re-asks the provider about online payments whose notification did not come. */
  paymentReconciliation: PaymentReconciliation;
  /** Settles the direct debits whose bank return window has passed (DESIGN §7 Direct debit). */
  debitCollection: ReturnType<typeof pollingJob>;
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

/**
 * The data encryption key's text: DATA_ENCRYPTION_KEY, or outside production a random key kept in
 * DATA_DIR (like the session secret), so a developer's restarts keep reading what they encrypted.
 * Production without the key never gets here: parseEnv refuses it.
 */
export function dataEncryptionKeyOf(env: Pick<Env, 'NODE_ENV' | 'DATA_DIR' | 'DATA_ENCRYPTION_KEY'>): string {
  if (env.DATA_ENCRYPTION_KEY) return env.DATA_ENCRYPTION_KEY;
  if (env.NODE_ENV === 'production') throw new StartupError("DATA_ENCRYPTION_KEY n'est pas défini : il est obligatoire en production (voir README « Bank details »).");
  const file = path.join(env.DATA_DIR, 'data-encryption-key');
  if (!fs.existsSync(file)) {
    fs.mkdirSync(env.DATA_DIR, { recursive: true });
    try {
      // `wx`: two processes starting together keep the first one's key.
      fs.writeFileSync(file, `${generateKeyText()}\n`, { mode: 0o600, flag: 'wx' });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const text = fs.readFileSync(file, 'utf8').trim();
  if (!decodeDataKey(text)) throw new StartupError(`Le fichier ${path.resolve(file)} ne contient pas une clé de chiffrement valide : remettez la clé qu'il contenait (sans elle les IBAN enregistrés sont illisibles), ou, sur une base de développement sans mandat, supprimez-le.`);
  return text;
}

/** The key ring of the bank details: the current key and the older ones it still reads. */
export function dataCipherFor(env: Pick<Env, 'NODE_ENV' | 'DATA_DIR' | 'DATA_ENCRYPTION_KEY' | 'DATA_ENCRYPTION_OLD_KEYS'>): DataCipher {
  const current = decodeDataKey(dataEncryptionKeyOf(env))!;
  return dataCipher(current, splitOldKeys(env.DATA_ENCRYPTION_OLD_KEYS).map((text) => decodeDataKey(text)!));
}

/** How many direct debits one pass of the collection job settles at most. */
const DEBIT_BATCH = 100;

/** Opens the database and builds the services; the one composition root for server, CLI and tests. */
export function createRuntime(connectionString: string, env: Env, clock: Clock = clockFor(env), logger: Logger = createLogger('silent')): Runtime {
  const cipher = dataCipherFor(env);
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
    sendThrottle: postgresSendThrottle(sessionPool),
    paymentProvider: env.PAYFIP_URL ? createPayfipProvider({ soapUrl: env.PAYFIP_URL }) : undefined,
    publicUrl: publicUrlOf(env),
    cipher,
  });
  const worker = mailWorker({ db, outbox: repositories.outbox, transport, clock, logger, from: env.SMTP_FROM });
  const reconciliation = paymentReconciliation({ reconcile: services.onlinePayments.reconcile, logger });
  const debitCollection = pollingJob(
    () => services.directDebits.collectDue((paymentId, error) => logger.warn({ paymentId, err: error }, 'direct debit not settled, will retry'), DEBIT_BATCH),
    DEBIT_BATCH,
    logger,
    'direct debit collection',
  );
  return {
    db,
    sessionPool,
    services,
    repositories,
    mailWorker: worker,
    paymentReconciliation: reconciliation,
    debitCollection,
    async close() {
      await Promise.all([worker.stop(), reconciliation.stop(), debitCollection.stop()]);
      transport.close();
      await Promise.allSettled([db.destroy(), sessionPool.end()]);
    },
  };
}

export interface OpenedDatabase {
  connectionString: string;
  /** The embedded PostgreSQL started for this process, when DATABASE_URL is unset. */
  embedded?: EmbeddedServer;
}

/**
 * The database of `npm start` and of the CLI: DATABASE_URL, or else an embedded PostgreSQL with
 * its data in DATA_DIR. Either way the connection is tried here, so that a refused one ends
 * start-up with a sentence rather than with the first query's stack trace.
 */
export async function openDatabase(env: Env, logger: Logger): Promise<OpenedDatabase> {
  let embedded: EmbeddedServer | undefined;
  let connectionString = env.DATABASE_URL;
  if (!connectionString) {
    embedded = await startEmbeddedPostgres({
      dataDir: path.join(env.DATA_DIR, 'postgres'),
      persistent: true,
      log: (message) => logger.info(message),
    });
    await embedded.createDatabase('espace_famille');
    connectionString = embedded.connectionString('espace_famille');
  }
  const client = new pg.Client({ connectionString, connectionTimeoutMillis: 10_000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
  } catch (error) {
    await embedded?.stop().catch(() => {});
    logger.debug({ err: error }, 'database connection failed');
    if (!env.DATABASE_URL) throw error;
    throw new StartupError(explainStartupFailure(error, { port: env.PORT, host: env.HOST, databaseUrl: env.DATABASE_URL }));
  } finally {
    await client.end().catch(() => {});
  }
  logger.info({ database: env.DATABASE_URL ? describeDatabaseUrl(env.DATABASE_URL) : `embedded, data in ${embedded!.dataDir}` }, 'database ready');
  return { connectionString, embedded };
}

/** Migrates, applies the commune files and, on a developer's own machine, the demo data. */
export async function prepareDatabase(runtime: Runtime, env: Env, logger: Logger): Promise<void> {
  const applied = await migrateToLatest(runtime.db);
  if (applied.length) logger.info({ migrations: applied }, 'migrations applied');
  // IBANs written before they were encrypted (migration 40): encrypted now, before anything serves.
  const encrypted = await runtime.services.bankDetails.encryptClearIbans();
  if (encrypted) logger.info({ mandates: encrypted }, 'IBANs stored in clear encrypted');
  try {
    await runtime.services.bankDetails.checkKeys();
  } catch (error) {
    if (!(error instanceof MissingKeyError)) throw error;
    const count = error.missing.reduce((sum, key) => sum + key.count, 0);
    throw new StartupError(
      `${count} IBAN de la base sont chiffrés avec une clé que ce portail n'a pas (identifiant${error.missing.length > 1 ? 's' : ''} ${error.missing.map((key) => key.keyId).join(', ')}) : remettez l'ancienne clé dans DATA_ENCRYPTION_OLD_KEYS (ou la bonne dans DATA_ENCRYPTION_KEY), puis relancez ; voir README « Bank details ».`,
    );
  }
  const files = loadCommuneFiles(COMMUNE_FILES_DIR);
  await runtime.services.seed.applyCommuneFiles(files);
  logger.info({ communes: files.map((file) => file.slug) }, 'commune files applied');
  if (developmentTools(env).demoData) {
    const { created } = await runtime.services.seed.applyDemoData();
    if (created.length) logger.info({ communes: created }, 'demo data loaded');
  } else if (await runtime.services.seed.demoDataPresent()) {
    // Published passwords must not open accounts on a portal others can reach.
    throw new StartupError(
      `Cette base contient les comptes de démonstration, dont les mots de passe sont publics : elle ne peut servir qu'en développement sur cette machine (NODE_ENV=development et HOST=127.0.0.1, comme le fait npm start). Pour un déploiement, utilisez une base sans données de démonstration.`,
    );
  }
}
