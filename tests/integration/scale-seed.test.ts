import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createRuntime, prepareDatabase, type Runtime } from '../../src/bootstrap.ts';
import { ProductionRefusedError } from '../../src/domain/errors.ts';
import { fixedClock } from '../../src/integrations/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { argon2Hasher } from '../../src/services/accounts/password-hasher.ts';
import { SCALE_PASSWORD, ScaleSeedRefusal, scaleSeedService, type ScaleSeedOutcome } from '../../src/services/commune/scale-seed-service.ts';
import { createApp } from '../../src/web/app.ts';
import { DEFAULT_NOW, html, signIn } from '../support/test-app.ts';
import { adminSql } from '../support/admin-sql.ts';
import { testEnv } from '../support/test-env.ts';

/*
 * The scale seeder writes tens of thousands of rows into a commune: it gets a database of its own
 * on the test server (the other suites count Échirolles' families and places), without demo data.
 */
const FAMILIES = 50;
const databaseName = `espace_famille_scale_${randomBytes(4).toString('hex')}`;
let runtime: Runtime;
let outcome: ScaleSeedOutcome;

function hasherOfTests() {
  const env = testEnv();
  return argon2Hasher({ memoryKib: env.ARGON2_MEMORY_KIB, timeCost: env.ARGON2_TIME_COST, parallelism: env.ARGON2_PARALLELISM });
}

function seeder(production = false) {
  return scaleSeedService({
    repositories: runtime.repositories,
    hasher: hasherOfTests(),
    calendars: runtime.services.calendars,
    invoicing: runtime.services.invoicing,
    clock: runtime.services.clock,
    production,
  });
}

beforeAll(async () => {
  await adminSql(`CREATE DATABASE ${databaseName}`);
  const url = new URL(inject('databaseUrl'));
  url.pathname = `/${databaseName}`;
  const env = testEnv({ SEED_DEMO_DATA: 'false' });
  runtime = createRuntime(url.toString(), env, fixedClock(DEFAULT_NOW));
  await prepareDatabase(runtime, env, createLogger('silent'));
  // Fifty families fill no Wednesday of 60 places: 3 places here, so full days and waiting lists exist.
  await runtime.db('activities').where({ code: 'mercredi' }).update({ capacity_per_day: 3 });
  outcome = await seeder().seed('echirolles', FAMILIES, { invoices: true });
});

afterAll(async () => {
  await runtime?.close();
  await adminSql(`DROP DATABASE IF EXISTS ${databaseName} WITH (FORCE)`);
});

const count = async (sql: string, bindings: unknown[] = []) =>
  Number((await runtime.db.raw<{ rows: { n: string }[] }>(sql, bindings as never)).rows[0]!.n);

describe('npm run seed:scale on a commune', () => {
  it('writes the families, one parent account each and 1.75 children a family', async () => {
    expect(outcome).toMatchObject({ families: FAMILIES, parents: FAMILIES, children: 88, schoolYear: '2026-2027' });
    expect(await count(`SELECT count(*) AS n FROM families WHERE reference LIKE 'scale-%'`)).toBe(FAMILIES);
    expect(await count(`SELECT count(*) AS n FROM users WHERE identifier = 'scale-00050' AND role = 'parent' AND status = 'active'`)).toBe(1);
    // One hash for every account: the password is hashed once, with the app's parameters.
    expect(await count(`SELECT count(DISTINCT password_hash) AS n FROM users WHERE identifier LIKE 'scale-%'`)).toBe(1);
    // With the app's own parameters: a real sign-in neither fails nor upgrades it.
    const { password_hash: hash } = await runtime.db('users').where({ identifier: 'scale-00001' }).first('password_hash');
    expect(await hasherOfTests().verify(hash, SCALE_PASSWORD)).toEqual({ valid: true, needsRehash: false });
  });

  it('registers every child (validated) and books a school year, most children four days a week', async () => {
    expect(await count(`SELECT count(*) AS n FROM registrations r JOIN families f ON f.id = r.family_id WHERE f.reference LIKE 'scale-%' AND r.status <> 'validated'`)).toBe(0);
    expect(outcome.registrations).toBeGreaterThan(outcome.children);
    // The counts printed are those of the rows written.
    expect(await count(`SELECT count(*) AS n FROM registrations r JOIN families f ON f.id = r.family_id WHERE f.reference LIKE 'scale-%'`)).toBe(outcome.registrations);
    expect(await count(`SELECT count(*) AS n FROM bookings b JOIN families f ON f.id = b.family_id WHERE f.reference LIKE 'scale-%' AND b.status = 'booked'`)).toBe(outcome.bookings);
    expect(await count(`SELECT count(*) AS n FROM attendance a JOIN families f ON f.id = a.family_id WHERE f.reference LIKE 'scale-%'`)).toBe(outcome.attendance);
    // Bookings from September to July.
    const span = (await runtime.db.raw(`SELECT min(day)::text AS first, max(day)::text AS last FROM bookings b JOIN families f ON f.id = b.family_id WHERE f.reference LIKE 'scale-%'`)).rows[0];
    expect(span.first < '2026-09-10').toBe(true);
    expect(span.last > '2027-06-20').toBe(true);
    // A child of the « every day » kind eats at the canteen four days of a school week (no family holiday that week).
    const perWeek = await count(
      `SELECT max(n) AS n FROM (SELECT count(*) AS n FROM bookings b JOIN activities a ON a.id = b.activity_id
        WHERE a.code = 'restauration' AND b.status = 'booked' AND b.day BETWEEN '2026-11-30' AND '2026-12-04' GROUP BY b.member_id) AS weeks`,
    );
    expect(perWeek).toBe(4);
    // Booked ahead, never after the seeding instant (a page sorting by date must not see the future).
    expect(await count(`SELECT count(*) AS n FROM bookings WHERE created_at > ? OR updated_at > ?`, [DEFAULT_NOW, DEFAULT_NOW])).toBe(0);
  });

  it('keeps the places of capped activities exact: the counts match the rows, full days have a waiting list in order', async () => {
    const mismatched = await count(
      `SELECT count(*) AS n FROM activity_days ad
        WHERE ad.booked <> (SELECT count(*) FROM bookings b WHERE b.commune_id = ad.commune_id AND b.activity_id = ad.activity_id AND b.day = ad.day AND b.status = 'booked')
           OR ad.waiting_last <> (SELECT coalesce(max(waiting_position), 0) FROM bookings b WHERE b.commune_id = ad.commune_id AND b.activity_id = ad.activity_id AND b.day = ad.day)`,
    );
    expect(mismatched).toBe(0);
    expect(outcome.waiting).toBeGreaterThan(0);
    // Waiting only where the day is full, tickets 1, 2, 3… without gaps.
    const gaps = await count(
      `SELECT count(*) AS n FROM (SELECT activity_id, day, count(*) AS c, max(waiting_position) AS m FROM bookings WHERE status = 'waiting' GROUP BY activity_id, day) w
        JOIN activity_days ad USING (activity_id, day) WHERE w.c <> w.m OR ad.booked < ad.capacity`,
    );
    expect(gaps).toBe(0);
  });

  it('takes attendance of past booked days only', async () => {
    expect(outcome.attendance).toBeGreaterThan(0);
    expect(await count(`SELECT count(*) AS n FROM attendance WHERE day >= '2026-11-23'`)).toBe(0);
    expect(await count(`SELECT count(*) AS n FROM attendance WHERE status = 'absent'`)).toBeGreaterThan(0);
  });

  it('invoices September through the real invoicing run', async () => {
    expect(outcome.invoicedMonth).toBe('2026-09-01');
    expect(outcome.invoices).toBeGreaterThan(FAMILIES * 0.9);
    expect(await count(`SELECT count(*) AS n FROM invoices WHERE period_start = '2026-09-01' AND total_cents > 0`)).toBe(outcome.invoices);
  });

  it('refuses a second run on the same commune and writes nothing', async () => {
    const families = await count(`SELECT count(*) AS n FROM families`);
    await expect(seeder().seed('echirolles', 10, { invoices: false })).rejects.toBeInstanceOf(ScaleSeedRefusal);
    expect(await count(`SELECT count(*) AS n FROM families`)).toBe(families);
  });

  it('is refused by the command in production (NODE_ENV=production or unset) before it opens any database', () => {
    for (const nodeEnv of ['production', undefined]) {
      const env: Record<string, string | undefined> = { ...process.env, NODE_ENV: nodeEnv, DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none' };
      if (nodeEnv === undefined) delete env.NODE_ENV;
      const run = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/seed-scale.ts', '--families', '5'], { env, encoding: 'utf8' });
      expect(run.status).toBe(2);
      expect(run.stderr).toContain('Données de charge refusées en production');
    }
  });

  it('is refused in production', async () => {
    await expect(seeder(true).seed('villennes', 10, { invoices: false })).rejects.toBeInstanceOf(ProductionRefusedError);
    expect(await count(`SELECT count(*) AS n FROM families WHERE reference LIKE 'scale-%'`)).toBe(FAMILIES);
  });

  it('lets a generated parent sign in through the real form and open the dashboard and a child\'s week', async () => {
    const app = createApp({
      services: runtime.services,
      logger: createLogger('silent'),
      sessionPool: runtime.sessionPool,
      sessionSecret: 'test-secret-that-is-long-enough-for-sessions',
      production: false,
    });
    const agent = request.agent(app);
    const signedIn = await signIn(agent, 'echirolles', 'scale-00007', SCALE_PASSWORD, 303);
    expect(signedIn.headers.location).toBe('/echirolles/tableau-de-bord');
    await agent.get('/echirolles/tableau-de-bord').expect(200);
    const child = await runtime.db('members').join('families', 'families.id', 'members.family_id').where({ 'families.reference': 'scale-00007', 'members.role': 'child' }).first('members.id');
    const week = await agent.get(`/echirolles/reservations/${child.id}?semaine=2026-W49`).expect(200);
    expect(html(week.text)('input[name="jours"]').length).toBeGreaterThan(0);
  });
});
