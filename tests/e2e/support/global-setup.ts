import { addDays } from '../../../src/domain/calendar/calendar-day.ts';
import { clockStartingAt } from '../../../src/integrations/clock.ts';
import { startPayfipSimulator, type PayfipSimulator } from '../../../src/integrations/payfip/payfip-simulator.ts';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import pg from 'pg';
import type { Logger } from 'pino';
import type { TestProject } from 'vitest/node';
import { createRuntime, prepareDatabase, type Runtime } from '../../../src/bootstrap.ts';
import { parseEnv, type Env } from '../../../src/config/env.ts';
import type { Transaction } from '../../../src/data/database.ts';
import { startEmbeddedPostgres } from '../../../src/data/embedded-postgres.ts';
import { createLogger } from '../../../src/logger.ts';
import type { Activity } from '../../../src/model/activity.ts';
import type { Commune } from '../../../src/model/commune.ts';
import { createApp } from '../../../src/web/app.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where the app under test listens, without a trailing slash: `http://127.0.0.1:PORT`. */
    baseUrl: string;
  }
}

interface ThrowAwayDatabase {
  connectionString: string;
  drop(): Promise<void>;
}

/** A fresh embedded PostgreSQL cluster, deleted when stopped. */
async function embeddedDatabase(): Promise<ThrowAwayDatabase> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'espace-famille-e2e-'));
  const server = await startEmbeddedPostgres({ dataDir, persistent: false });
  await server.createDatabase('espace_famille_e2e');
  return {
    connectionString: server.connectionString('espace_famille_e2e'),
    async drop() {
      try {
        await server.stop();
      } finally {
        fs.rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}

/** A throw-away database on the server DATABASE_URL points at; the server's own data is not touched. */
async function databaseOnServer(databaseUrl: string): Promise<ThrowAwayDatabase> {
  const name = `espace_famille_e2e_${randomBytes(6).toString('hex')}`;
  const admin = async (sql: string) => {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(databaseUrl);
  url.pathname = `/${name}`;
  return {
    connectionString: url.toString(),
    drop: () => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`),
  };
}

/**
 * The app's clock starts here and runs on: the journeys meet the same calendar whatever the day
 * they run (a Tuesday of term, the previous months invoiced, last month open to invoice).
 */
const JOURNEYS_START = new Date('2026-12-01T09:00:00+01:00');

interface RunningApp {
  runtime: Runtime;
  server: Server;
}

/** Migrates and seeds like `npm start` does, then listens on a free local port. */
async function startApp(connectionString: string, baseEnv: Env, logger: Logger, payfip: PayfipSimulator): Promise<RunningApp> {
  // The port is chosen first so that links in e-mails (and PayFiP's notifications) reach this very server.
  const port = await getPort({ host: '127.0.0.1' });
  const env: Env = { ...baseEnv, PUBLIC_URL: `http://127.0.0.1:${port}`, PAYFIP_URL: payfip.soapUrl };
  const runtime = createRuntime(connectionString, env, clockStartingAt(JOURNEYS_START));
  try {
    await prepareDatabase(runtime, env, logger);
    const app = createApp({
      services: runtime.services,
      logger,
      sessionPool: runtime.sessionPool,
      sessionSecret: randomBytes(32).toString('hex'),
      production: false,
      devMailbox: true,
      paymentSiteOrigin: new URL(payfip.url).origin,
    });
    const server = await new Promise<Server>((resolve, reject) => {
      const listening = app.listen(port, '127.0.0.1', (error?: Error) => (error ? reject(error) : resolve(listening)));
    });
    return { runtime, server };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}

/**
 * The invoicing journey issues a month for real: at Échirolles, Nina Bernard is registered to the
 * canteen and was booked every open day of last month, which the demo seeding left uninvoiced
 * (it invoices the Martin family only).
 */
async function bernardCanteenLastMonth(runtime: Runtime): Promise<void> {
  const { repositories, services } = runtime;
  const commune = (await services.communes.findBySlug('echirolles'))!;
  const family = (await repositories.families.findByReference(commune.id, 'ECH-00002'))!;
  const nina = (await repositories.families.listMembers(commune.id, family.id)).find((member) => member.firstName === 'Nina')!;
  const sophie = (await repositories.users.findByEmail(commune.id, 'voisin@echirolles.example.org'))!;
  const canteen = (await repositories.activities.findByCode(commune.id, 'restauration'))!;
  const year = services.calendars.openSchoolYears(commune)[0]!;
  const month = services.invoicing.defaultMonth();
  await repositories.db.transaction(async (trx) => {
    const id = await repositories.registrations.insert(
      commune.id,
      { familyId: family.id, memberId: nina.id, activityId: canteen.id, schoolYear: year.name, startsOn: year.startsOn, endsOn: year.endsOn, requestId: null, createdAt: services.clock.now() },
      trx,
    );
    await repositories.registrations.recordDecision(commune.id, id, { status: 'validated', reference: 'INS-E2E-00001', decidedBy: sophie.id, decidedAt: services.clock.now(), reason: null }, trx);
    await bookEveryOpenDay(runtime, trx, commune, { familyId: family.id, memberId: nina.id, activity: canteen, from: year.startsOn, by: sophie.id }, month);
  });
}

/** Books a child every open day of `month` (from `from` on), four weeks ahead, as the parent would have. */
async function bookEveryOpenDay(
  { repositories, services }: Runtime,
  trx: Transaction,
  commune: Commune,
  booking: { familyId: number; memberId: number; activity: Activity; from: string; by: number },
  month: string,
): Promise<void> {
  const { activity } = booking;
  for (let day = month; day.slice(0, 7) === month.slice(0, 7); day = addDays(day, 1)) {
    if (day < booking.from || !services.calendars.dayStatus(commune, activity, day).open) continue;
    if (activity.capacityPerDay && !(await repositories.bookings.takePlace(commune.id, activity.id, day, activity.capacityPerDay, trx))) continue;
    await repositories.bookings.upsert(
      commune.id,
      { familyId: booking.familyId, memberId: booking.memberId, activityId: activity.id, day, status: 'booked', waitingPosition: null, by: booking.by, at: new Date(`${addDays(month, -28)}T09:00:00Z`) },
      trx,
    );
  }
}

/**
 * The payment journey pays two invoices at once: at Villennes, the Martin children were also
 * booked every open day of September, invoiced by the real run, so the family has two months to
 * pay (September, and the newer demo month) beside the settled one.
 */
async function martinSeptemberAtVillennes(runtime: Runtime): Promise<void> {
  const { repositories, services } = runtime;
  const commune = (await services.communes.findBySlug('villennes'))!;
  const family = (await repositories.families.findByReference(commune.id, 'VIL-00001'))!;
  const agent = (await repositories.users.findByEmail(commune.id, 'agent@villennes.example.org'))!;
  const claire = (await repositories.users.findByEmail(commune.id, 'parent@villennes.example.org'))!;
  const september = `${services.calendars.openSchoolYears(commune)[0]!.startsOn.slice(0, 7)}-01`;
  const registrations = await repositories.registrations.listForFamily(commune.id, family.id, { status: 'validated' });
  const activities = new Map((await repositories.activities.listActive(commune.id)).map((activity) => [activity.id, activity]));
  await repositories.db.transaction(async (trx) => {
    for (const registration of registrations) {
      const activity = activities.get(registration.activityId)!;
      await bookEveryOpenDay(runtime, trx, commune, { familyId: family.id, memberId: registration.memberId, activity, from: registration.startsOn, by: claire.id }, september);
    }
  });
  await services.invoicing.issue(commune, agent, september);
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = parseEnv({ ...process.env, NODE_ENV: 'test', LOG_LEVEL: 'silent' });
  const logger = createLogger(env.LOG_LEVEL);
  const database = env.DATABASE_URL ? await databaseOnServer(env.DATABASE_URL) : await embeddedDatabase();

  // Online payments go to the local PayFiP simulator, as with `npm start`.
  const payfip = await startPayfipSimulator({ host: '127.0.0.1' });
  let running: RunningApp;
  try {
    running = await startApp(database.connectionString, env, logger, payfip);
  } catch (error) {
    await payfip.close();
    await database.drop();
    throw error;
  }
  const { runtime, server } = running;
  await bernardCanteenLastMonth(runtime);
  await martinSeptemberAtVillennes(runtime);
  const { port } = server.address() as AddressInfo;
  project.provide('baseUrl', `http://127.0.0.1:${port}`);

  return async () => {
    // Chromium may leave idle keep-alive connections open, which would hold close() forever.
    server.closeAllConnections();
    await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    await runtime.close();
    await payfip.close();
    await database.drop();
  };
}
