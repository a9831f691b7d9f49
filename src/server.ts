import cluster from 'node:cluster';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Server } from 'node:http';
import type { Express } from 'express';
import type { Logger } from 'pino';
import { COMMUNE_FILES_DIR, createRuntime, dataEncryptionKeyOf, openDatabase, prepareDatabase, publicUrlOf, type Runtime } from './bootstrap.ts';
import { developmentTools, parseEnv, type Env } from './config/env.ts';
import type { EmbeddedServer } from './data/embedded-postgres.ts';
import { createLogger } from './logger.ts';
import { startPayfipSimulator, type PayfipSimulator } from './integrations/payfip/payfip-simulator.ts';
import { loadCommuneFiles } from './services/commune/seed-service.ts';
import { explainStartupFailure, StartupError } from './startup-failure.ts';
import { createApp } from './web/app.ts';

const SHUTDOWN_LIMIT_MS = 15_000;
/** How often pending online payments are asked about again. */
const RECONCILIATION_INTERVAL_MS = 60_000;
/** The direct debits count as collected at a date, not a time: an hourly pass is enough. */
const DEBIT_COLLECTION_INTERVAL_MS = 60 * 60_000;

/** Outside production without SESSION_SECRET: a random secret kept in DATA_DIR, so restarts keep sessions. */
function localSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

function listen(app: Express, port: number, host: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const server = app.listen(port, host);
    server.once('error', reject);
    server.once('listening', () => {
      server.removeListener('error', reject);
      resolve(server);
    });
  });
}

/** Fails before the database work (a minute on a first start) when the port is already taken. */
function checkPortFree(port: number, host: string): Promise<void> {
  if (port === 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(port, host, () => probe.close(() => resolve()));
  });
}

/** What start-up has opened so far, to close it again when a later step fails. */
interface Started {
  env?: Env;
  logger?: Logger;
  embedded?: EmbeddedServer;
  runtime?: Runtime;
  payfipSimulator?: PayfipSimulator;
}

/**
 * Where online payments go: PAYFIP_URL; outside production without it, the local PayFiP simulator
 * started here on a free loopback port. In production a commune taking payments online needs it.
 */
async function paymentEnv(env: Env, logger: Logger, started: Started): Promise<Env> {
  if (env.PAYFIP_URL) return env;
  if (env.NODE_ENV === 'production') {
    const paying = loadCommuneFiles(COMMUNE_FILES_DIR).filter((file) => file.features.onlinePayment).map((file) => file.slug);
    if (paying.length) {
      throw new StartupError(
        `Le paiement en ligne est activé pour ${paying.join(', ')} mais PAYFIP_URL n'est pas défini : indiquez l'adresse du service PayFiP (https://www.payfip.gouv.fr/tpa/services/securite), ou désactivez features.onlinePayment dans le fichier de la commune.`,
      );
    }
    return env;
  }
  const simulator = await startPayfipSimulator({ log: (message) => logger.info(message) });
  started.payfipSimulator = simulator;
  logger.info(`no PAYFIP_URL: online payments go to the local PayFiP simulator at ${simulator.url}`);
  return { ...env, PAYFIP_URL: simulator.soapUrl };
}

/** The app as every HTTP process builds it. */
function appFor(runtime: Runtime, env: Env, logger: Logger, sessionSecret: string): Express {
  return createApp({
    services: runtime.services,
    logger,
    sessionPool: runtime.sessionPool,
    sessionSecret,
    production: env.NODE_ENV === 'production',
    devMailbox: developmentTools(env).devMailbox,
    reloadTemplates: env.NODE_ENV === 'development',
    paymentSiteOrigin: env.PAYFIP_URL ? new URL(env.PAYFIP_URL).origin : undefined,
    trustProxy: env.TRUST_PROXY,
  });
}

/** Asks the HTTP processes (WEB_CONCURRENCY > 1) to finish their requests and waits for them. */
function stopWorkers(): Promise<void> {
  const workers = Object.values(cluster.workers ?? {}).filter((worker) => worker && !worker.isDead());
  if (!workers.length) return Promise.resolve();
  return new Promise((resolve) => {
    let left = workers.length;
    for (const worker of workers) {
      worker!.once('exit', () => {
        left -= 1;
        if (left === 0) resolve();
      });
      worker!.process.kill('SIGTERM');
    }
  });
}

/**
 * One HTTP process of WEB_CONCURRENCY: the first process has prepared the database and passed its
 * address, the session secret and the PayFiP address in the environment. It only serves pages.
 */
async function serveWorker() {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  const runtime = createRuntime(env.DATABASE_URL!, env, undefined, logger);
  const server = await listen(appFor(runtime, env, logger, env.SESSION_SECRET!), env.PORT, env.HOST);
  process.on('SIGTERM', () => {
    server.closeIdleConnections();
    server.close(() => void runtime.close().then(() => process.exit(0)));
  });
}

async function main(started: Started) {
  const env = parseEnv(process.env);
  started.env = env;
  const logger = createLogger(env.LOG_LEVEL);
  started.logger = logger;
  const tools = developmentTools(env);

  await checkPortFree(env.PORT, env.HOST);
  const runtimeEnv = await paymentEnv(env, logger, started);
  const { connectionString, embedded } = await openDatabase(env, logger);
  started.embedded = embedded;
  const runtime = createRuntime(connectionString, runtimeEnv, undefined, logger);
  started.runtime = runtime;
  await prepareDatabase(runtime, env, logger);
  if (env.MAIL_WORKER) runtime.mailWorker.start(env.MAIL_POLL_MS);
  runtime.paymentReconciliation.start(RECONCILIATION_INTERVAL_MS);
  runtime.debitCollection.start(DEBIT_COLLECTION_INTERVAL_MS);
  if (tools.devMailbox) logger.info('no SMTP_URL: e-mails stay in the development mailbox at /_dev/mails');
  else if (!env.SMTP_URL) logger.warn('no SMTP_URL and no development mailbox (not a loopback HOST in development): e-mails wait in the outbox');

  const sessionSecret = env.SESSION_SECRET ?? localSessionSecret(env.DATA_DIR);
  let stopping = false;
  let server: Server | undefined;
  if (env.WEB_CONCURRENCY > 1) {
    // WEB_CONCURRENCY processes serve the port (node:cluster); this one keeps the database, the
    // mail worker and the reconciliation. They get what this process decided: the database (the
    // embedded one's address), the session secret, the data key, the PayFiP address (the simulator's).
    const workerEnv = {
      DATABASE_URL: connectionString,
      SESSION_SECRET: sessionSecret,
      DATA_ENCRYPTION_KEY: dataEncryptionKeyOf(env),
      ...(runtimeEnv.PAYFIP_URL ? { PAYFIP_URL: runtimeEnv.PAYFIP_URL } : {}),
    };
    await new Promise<void>((resolve, reject) => {
      let listening = 0;
      cluster.on('listening', () => {
        listening += 1;
        if (listening === env.WEB_CONCURRENCY) resolve();
      });
      cluster.on('exit', (worker, code, signal) => {
        if (stopping) return;
        if (listening < env.WEB_CONCURRENCY) return reject(new Error(`HTTP process ${worker.process.pid} stopped during start-up (${code ?? signal})`));
        logger.error({ pid: worker.process.pid, code, signal }, 'an HTTP process stopped: starting another');
        cluster.fork(workerEnv);
      });
      for (let index = 0; index < env.WEB_CONCURRENCY; index += 1) cluster.fork(workerEnv);
    });
    logger.info({ processes: env.WEB_CONCURRENCY }, 'HTTP processes started');
  } else {
    server = await listen(appFor(runtime, runtimeEnv, logger, sessionSecret), env.PORT, env.HOST);
  }
  const url = publicUrlOf(env);
  logger.info(`Espace Famille is listening on ${url}`);
  console.log(`\n  Espace Famille : ${url}\n  Communes : ${url}/echirolles  ${url}/lemesnilsaintdenis  ${url}/villennes\n`);
  if (tools.demoData) console.log(`  Comptes de démonstration : voir le README (ce portail n'écoute que sur ${env.HOST}).\n`);

  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const limit = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    limit.unref();
    if (server) {
      server.closeIdleConnections();
      await new Promise<void>((resolve) => server!.close(() => resolve()));
    }
    await stopWorkers();
    await runtime.close();
    await started.payfipSimulator?.close().catch(() => {});
    if (embedded) await embedded.stop().catch((error) => logger.error({ err: error }, 'PostgreSQL stop failed'));
    clearTimeout(limit);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

const started: Started = {};
if (cluster.isWorker) {
  serveWorker().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
} else main(started).catch(async (error: unknown) => {
  const { env } = started;
  const sentence = explainStartupFailure(error, {
    port: env?.PORT ?? 3000,
    host: env?.HOST ?? '127.0.0.1',
    databaseUrl: env?.DATABASE_URL,
    dataDir: env ? path.resolve(env.DATA_DIR) : undefined,
  });
  started.logger?.debug({ err: error }, 'start-up failed');
  console.error(`\n  ${sentence}\n`);
  await started.runtime?.close().catch(() => {});
  await started.payfipSimulator?.close().catch(() => {});
  await started.embedded?.stop().catch(() => {});
  process.exit(1);
});
