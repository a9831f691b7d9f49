import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Server } from 'node:http';
import { createRuntime, prepareDatabase, publicUrlOf } from './bootstrap.ts';
import { parseEnv } from './config/env.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from './data/embedded-postgres.ts';
import { createLogger } from './logger.ts';
import { createApp } from './web/app.ts';

const SHUTDOWN_LIMIT_MS = 15_000;

/** Outside production without SESSION_SECRET: a random secret kept in DATA_DIR, so restarts keep sessions. */
function localSessionSecret(dataDir: string): string {
  const file = path.join(dataDir, 'session-secret');
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  fs.mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(32).toString('hex');
  fs.writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}

async function main() {
  const env = parseEnv(process.env);
  const logger = createLogger(env.LOG_LEVEL);
  const production = env.NODE_ENV === 'production';

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

  const runtime = createRuntime(connectionString, env, undefined, logger);
  await prepareDatabase(runtime, env, logger);
  if (env.MAIL_WORKER) runtime.mailWorker.start(env.MAIL_POLL_MS);
  if (!env.SMTP_URL) logger.info('no SMTP_URL: e-mails stay in the development mailbox at /_dev/mails');

  const app = createApp({
    services: runtime.services,
    logger,
    sessionPool: runtime.sessionPool,
    sessionSecret: env.SESSION_SECRET ?? localSessionSecret(env.DATA_DIR),
    production,
    trustProxy: env.TRUST_PROXY,
  });

  const server: Server = app.listen(env.PORT, env.HOST, () => {
    const url = publicUrlOf(env);
    logger.info(`Espace Famille is listening on ${url}`);
    console.log(`\n  Espace Famille : ${url}\n  Communes : ${url}/echirolles  ${url}/lemesnilsaintdenis  ${url}/villennes\n`);
  });

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const limit = setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_LIMIT_MS);
    limit.unref();
    server.closeIdleConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await runtime.close();
    if (embedded) await embedded.stop().catch((error) => logger.error({ err: error }, 'PostgreSQL stop failed'));
    clearTimeout(limit);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
