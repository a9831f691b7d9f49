import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import getPort from 'get-port';
import pg from 'pg';
import { createRuntime, prepareDatabase, type Runtime } from '../src/bootstrap.ts';
import { parseEnv, type Env } from '../src/config/env.ts';
import { isoWeekOf, mondayOf, type IsoWeek } from '../src/domain/booking-grid.ts';
import { addDays } from '../src/domain/calendar/calendar-day.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/data/embedded-postgres.ts';
import { clockStartingAt } from '../src/integrations/clock.ts';
import { createLogger } from '../src/logger.ts';
import { argon2Hasher } from '../src/services/password-hasher.ts';
import { SCALE_PASSWORD, scaleSeedService, type ScaleSeedOutcome } from '../src/services/scale-seed-service.ts';
import { load, type LoadResult, type Step } from './load.ts';
import { arrivalsPerSecond, changedWeek, csrfTokenFrom, formBody, locationOf, percentile, sessionCookieFrom, weekFormFrom, type WeekForm } from './pages.ts';

/*
 * npm run bench [-- --quick] — README « Benchmark ». A dedicated database (an embedded PostgreSQL
 * in a temporary folder, or a new database on the server DATABASE_URL names, dropped at the end),
 * seeded with the scale data, the app started as a cluster (bench/app-cluster.ts), then every
 * figure measured with its reference in this one run. Prints a table, writes bench/results/<date>.json.
 */

const QUICK = process.argv.includes('--quick');
const PLANS = QUICK
  ? { families: 1_000, pageSeconds: 3, connections: 16, rush: { parents: 200, seconds: 15 }, race: { places: 10, racers: 1_000 }, signInSeconds: 4 }
  : { families: 20_000, pageSeconds: 10, connections: 16, rush: { parents: 2_500, seconds: 60 }, race: { places: 10, racers: 1_000 }, signInSeconds: 10 };
/** BENCH_FAMILIES: another size of commune (the figures' names stay those of the plan). */
const PLAN = { ...PLANS, families: process.env.BENCH_FAMILIES ? Number(process.env.BENCH_FAMILIES) : PLANS.families };
const SLUG = 'echirolles';
/** A Thursday morning: next week's changes close today at 11:00. */
const FAKE_NOW = '2026-11-26T09:00:00+01:00';
const WORKERS = Number(process.env.BENCH_WORKERS ?? os.availableParallelism());

const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
const families = (count: number) => Array.from({ length: count }, (_, index) => index + 1);
const identifierOf = (family: number) => `scale-${String(family).padStart(5, '0')}`;
const shuffled = <T>(list: T[]): T[] => {
  const copy = [...list];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

interface Database {
  url: string;
  close(): Promise<void>;
}

/** The benchmark's own database, never the one of `npm start`. */
async function openDatabase(): Promise<Database> {
  const name = `espace_famille_bench_${randomBytes(4).toString('hex')}`;
  if (process.env.DATABASE_URL) {
    const admin = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${name}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      async close() {
        const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
        await client.connect();
        await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        await client.end();
      },
    };
  }
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'espace-famille-bench-'));
  fs.chmodSync(folder, 0o755);
  const embedded: EmbeddedServer = await startEmbeddedPostgres({ dataDir: path.join(folder, 'pg'), persistent: false });
  await embedded.createDatabase(name);
  return {
    url: embedded.connectionString(name),
    async close() {
      await embedded.stop();
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

function benchEnv(databaseUrl: string, extra: Record<string, string> = {}): Env {
  return parseEnv({ NODE_ENV: 'development', SEED_DEMO_DATA: 'false', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, FAKE_NOW, ...extra });
}

interface App {
  url: string;
  pids: number[];
  stop(): Promise<void>;
}

async function startApp(databaseUrl: string, sessionSecret: string): Promise<App> {
  const port = await getPort();
  const child: ChildProcess = fork(path.join(import.meta.dirname, 'app-cluster.ts'), [], {
    execArgv: ['--import', 'tsx'],
    env: {
      ...process.env,
      NODE_ENV: 'development',
      SEED_DEMO_DATA: 'false',
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      FAKE_NOW,
      SESSION_SECRET: sessionSecret,
      LOG_LEVEL: process.env.BENCH_APP_LOG_LEVEL ?? 'info',
      MAIL_WORKER: 'false',
      BENCH_WORKERS: String(WORKERS),
    },
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const pids = await new Promise<number[]>((resolve, reject) => {
    child.on('message', (message: unknown) => {
      const ready = (message as { ready?: number[] }).ready;
      if (ready) resolve(ready);
    });
    child.once('exit', (code) => reject(new Error(`the app stopped before listening (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pids,
    stop: () =>
      new Promise((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Resident memory of a process, in MB (Linux /proc). */
function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** argon2id verifications per second with the app's parameters, as many at once as the app's workers run. */
async function argon2PerSecond(env: Env, seconds: number): Promise<number> {
  const hash = await argon2Hasher({ memoryKib: env.ARGON2_MEMORY_KIB, timeCost: env.ARGON2_TIME_COST, parallelism: env.ARGON2_PARALLELISM }).hash(SCALE_PASSWORD);
  const until = Date.now() + seconds * 1000;
  let done = 0;
  const lane = async () => {
    while (Date.now() < until) {
      await argon2.verify(hash, SCALE_PASSWORD);
      done += 1;
    }
  };
  const started = Date.now();
  // Each app worker verifies on its own libuv pool (4 threads); here one pool, as many lanes as cores.
  await Promise.all(Array.from({ length: Math.max(WORKERS, os.availableParallelism()) }, lane));
  return done / ((Date.now() - started) / 1000);
}

// ---- The flows: what a parent's browser sends -----------------------------------------------

interface Parent {
  family: number;
  child?: number;
  cookie?: string;
  csrf?: string;
  form?: WeekForm;
  signedIn?: boolean;
}

const getSignInPage: Step<Parent> = {
  request: () => ({ method: 'GET', path: `/${SLUG}/connexion` }),
  check(parent, status, body, headers) {
    parent.cookie = sessionCookieFrom(headers) ?? parent.cookie;
    parent.csrf = csrfTokenFrom(body);
    return status === 200 && Boolean(parent.csrf);
  },
};

const postSignIn: Step<Parent> = {
  request: (parent) => ({
    method: 'POST',
    path: `/${SLUG}/connexion`,
    cookie: parent.cookie,
    body: formBody({ _csrf: parent.csrf ?? '', identifiant: identifierOf(parent.family), motDePasse: SCALE_PASSWORD }),
  }),
  check(parent, status, _body, headers) {
    parent.cookie = sessionCookieFrom(headers) ?? parent.cookie;
    parent.signedIn = status === 303 && locationOf(headers) === `/${SLUG}/tableau-de-bord`;
    return parent.signedIn;
  },
};

const getPage = (pathOf: (parent: Parent) => string): Step<Parent> => ({
  request: (parent) => ({ method: 'GET', path: pathOf(parent), cookie: parent.cookie }),
  check: (_parent, status) => status === 200,
});

const getWeek = (week: IsoWeek): Step<Parent> => ({
  request: (parent) => ({ method: 'GET', path: `/${SLUG}/reservations/${parent.child}?semaine=${week}`, cookie: parent.cookie }),
  check(parent, status, body) {
    parent.form = weekFormFrom(body);
    return status === 200 && Boolean(parent.form);
  },
});

const postWeek = (ticked: (parent: Parent) => string[]): Step<Parent> => ({
  request: (parent) => ({
    method: 'POST',
    path: `/${SLUG}/reservations/${parent.child}`,
    cookie: parent.cookie,
    body: formBody({ _csrf: parent.form?.csrf ?? '', semaine: parent.form?.week ?? '', avant: parent.form?.shown ?? '', jours: ticked(parent) }),
  }),
  check: (parent, status, _body, headers) => status === 303 && locationOf(headers)?.startsWith(`/${SLUG}/reservations/${parent.child}`) === true,
});

/** Signs parents in (one connection each, as many at once as `connections`), keeping what the flow read. */
async function signInAll(url: string, parents: Parent[], extra: Step<Parent>[] = []): Promise<Parent[]> {
  const queue = [...parents];
  let next = 0;
  const batch = 50;
  for (let from = 0; from < queue.length; from += batch) {
    const slice = queue.slice(from, from + batch);
    next = 0;
    await load<Parent>({
      url,
      connections: slice.length,
      flowsPerConnection: 1,
      start: () => slice[next++]!,
      steps: [getSignInPage, postSignIn, ...extra],
    });
  }
  return parents.filter((parent) => parent.signedIn);
}

// ---- The measures -------------------------------------------------------------------------------

interface Figures {
  [key: string]: unknown;
}

async function main() {
  const started = Date.now();
  const figures: Figures = {};
  log(`${QUICK ? 'quick run' : 'full run'}: ${PLAN.families} families, ${WORKERS} app workers`);
  const database = await openDatabase();
  let runtime: Runtime | undefined;
  let app: App | undefined;
  try {
    const env = benchEnv(database.url);
    const clock = clockStartingAt(new Date(FAKE_NOW));
    runtime = createRuntime(database.url, env, clock);
    await prepareDatabase(runtime, env, createLogger('silent'));
    const postgres = (await runtime.db.raw<{ rows: { version: string }[] }>('SHOW server_version')).rows[0] as unknown as { server_version: string };

    log('seeding the scale data (npm run seed:scale)');
    const seedStarted = Date.now();
    const seed: ScaleSeedOutcome = await scaleSeedService({
      repositories: runtime.repositories,
      hasher: argon2Hasher({ memoryKib: env.ARGON2_MEMORY_KIB, timeCost: env.ARGON2_TIME_COST, parallelism: env.ARGON2_PARALLELISM }),
      calendars: runtime.services.calendars,
      invoicing: runtime.services.invoicing,
      clock,
      production: false,
    }).seed(SLUG, PLAN.families, { invoices: true });
    figures.seed = { ...seed, totalSeconds: (Date.now() - seedStarted) / 1000 };
    log(`seeded in ${((Date.now() - seedStarted) / 1000).toFixed(1)} s: ${seed.bookings} bookings, ${seed.invoices} invoices`);

    const commune = (await runtime.services.communes.findBySlug(SLUG))!;
    const firstChild = new Map<number, number>(
      (
        await runtime.db.raw<{ rows: { reference: string; member_id: number }[] }>(
          `SELECT DISTINCT ON (f.id) f.reference, r.member_id FROM families f JOIN registrations r ON r.family_id = f.id AND r.status = 'validated'
            JOIN activities a ON a.id = r.activity_id AND a.code = 'restauration'
            WHERE f.commune_id = ? AND f.reference LIKE 'scale-%' ORDER BY f.id, r.member_id`,
          [commune.id],
        )
      ).rows.map((row) => [Number(row.reference.slice(6)), row.member_id]),
    );
    const nextWeek = isoWeekOf(addDays(FAKE_NOW.slice(0, 10), 7));
    const weekAfter = isoWeekOf(addDays(mondayOf(nextWeek), 7));

    const withChild = [...firstChild.keys()];

    app = await startApp(database.url, randomBytes(32).toString('hex'));
    log(`app listening at ${app.url} (pids ${app.pids.join(', ')})`);

    // Sign-in against raw argon2id, one after the other on the same machine.
    log('raw argon2id verifications');
    const argon2Rate = await argon2PerSecond(env, PLAN.signInSeconds);
    log('sign-in');
    const signedIn: Parent[] = [];
    const signIns = await load<Parent>({
      url: app.url,
      connections: PLAN.connections,
      seconds: PLAN.signInSeconds,
      start: () => {
        const family = pick(withChild);
        const parent: Parent = { family, child: firstChild.get(family) };
        signedIn.push(parent);
        return parent;
      },
      steps: [getSignInPage, postSignIn],
    });
    const sessions = signedIn.filter((parent) => parent.signedIn);
    const signInRate = sessions.length / PLAN.signInSeconds;
    figures.signIn = {
      perSecond: signInRate,
      argon2PerSecond: argon2Rate,
      ratio: signInRate / argon2Rate,
      failures: signIns.failures,
      errors: signIns.errors,
      p50: percentile(signIns.latencies, 50),
      p99: percentile(signIns.latencies, 99),
    };

    // The floor and the signed-in pages, each for a random signed-in family.
    const page = async (name: string, pathOf: (parent: Parent) => string) => {
      log(name);
      const result = await load<Parent>({ url: app!.url, connections: PLAN.connections, seconds: PLAN.pageSeconds, start: () => pick(sessions), steps: [getPage(pathOf)] });
      return summary(result);
    };
    const floor = await page('floor: commune home, signed in', () => `/${SLUG}`);
    const pages: Record<string, ReturnType<typeof summary> & { ratio: number }> = {};
    for (const [name, pathOf] of [
      ['dashboard', () => `/${SLUG}/tableau-de-bord`],
      ['weekGrid', (parent: Parent) => `/${SLUG}/reservations/${parent.child}?semaine=${nextWeek}`],
      ['invoices', () => `/${SLUG}/factures`],
    ] as const) {
      const result = await page(name, pathOf);
      pages[name] = { ...result, ratio: result.perSecond / floor.perSecond };
    }
    figures.floor = floor;
    figures.pages = pages;

    // One invoice PDF at a time: its own latency, not a queue's.
    log('invoice PDF');
    const invoiceOf = new Map<number, number>(
      (
        await runtime.db.raw<{ rows: { reference: string; id: number }[] }>(
          `SELECT f.reference, i.id FROM invoices i JOIN families f ON f.id = i.family_id WHERE i.commune_id = ? AND f.reference LIKE 'scale-%'`,
          [commune.id],
        )
      ).rows.map((row) => [Number(row.reference.slice(6)), row.id]),
    );
    const withInvoice = sessions.filter((parent) => invoiceOf.has(parent.family));
    const pdf = await load<Parent>({
      url: app.url,
      connections: 1,
      seconds: PLAN.pageSeconds,
      start: () => pick(withInvoice),
      steps: [getPage((parent) => `/${SLUG}/factures/${invoiceOf.get(parent.family)}.pdf`)],
    });
    figures.invoicePdf = summary(pdf);

    // The rush: parents arriving over the period, each signing in, opening next week, changing it.
    log(`the rush: ${PLAN.rush.parents} parents over ${PLAN.rush.seconds} s`);
    const taken = new Set(sessions.map((parent) => parent.family));
    // Parents whose child eats at the canteen: a week to change (one family in forty has no such child).
    const rushFamilies = shuffled(families(PLAN.families).filter((family) => !taken.has(family) && firstChild.has(family))).slice(0, PLAN.rush.parents);
    const idleRss = app.pids.map(rssOf);
    const peak = { total: 0, perWorker: 0 };
    const sampler = setInterval(() => {
      const each = app!.pids.map(rssOf);
      peak.total = Math.max(peak.total, each.reduce((sum, value) => sum + value, 0));
      peak.perWorker = Math.max(peak.perWorker, ...each);
    }, 200);
    const rushStarted = Date.now();
    let arriving = 0;
    const waves: Promise<LoadResult>[] = [];
    for (const [second, count] of arrivalsPerSecond(rushFamilies.length, PLAN.rush.seconds).entries()) {
      const wave = rushFamilies.slice(arriving, arriving + count);
      arriving += count;
      if (!wave.length) continue;
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, rushStarted + second * 1000 - Date.now())));
      let next = 0;
      waves.push(
        load<Parent>({
          url: app.url,
          connections: wave.length,
          flowsPerConnection: 1,
          start: () => {
            const family = wave[next++]!;
            return { family, child: firstChild.get(family) };
          },
          steps: [
            getSignInPage,
            postSignIn,
            getPage(() => `/${SLUG}/tableau-de-bord`),
            getWeek(nextWeek),
            postWeek((parent) => (parent.form ? changedWeek(parent.form) : [])),
            getPage((parent) => `/${SLUG}/reservations/${parent.child}?semaine=${nextWeek}`),
          ],
        }),
      );
    }
    const rushResults = await Promise.all(waves);
    const rushSeconds = (Date.now() - rushStarted) / 1000;
    clearInterval(sampler);
    const rushLatencies = rushResults.flatMap((result) => result.latencies);
    const changed = await runtime.db.raw<{ rows: { n: number }[] }>(
      `SELECT count(DISTINCT b.member_id) AS n FROM bookings b JOIN families f ON f.id = b.family_id
        WHERE b.commune_id = ? AND b.day BETWEEN ? AND ? AND b.updated_at >= ? AND f.reference = ANY(?)`,
      [commune.id, mondayOf(nextWeek), addDays(mondayOf(nextWeek), 6), new Date(FAKE_NOW), rushFamilies.map(identifierOf)],
    );
    figures.rush = {
      parents: rushFamilies.length,
      arrivalSeconds: PLAN.rush.seconds,
      lastServedAfterSeconds: rushSeconds,
      requests: rushLatencies.length,
      failures: rushResults.reduce((sum, result) => sum + result.failures, 0),
      errors: rushResults.reduce((sum, result) => sum + result.errors, 0),
      notServed: rushFamilies.length - rushResults.reduce((sum, result) => sum + result.completedFlows, 0),
      p50: percentile(rushLatencies, 50),
      p99: percentile(rushLatencies, 99),
      weeksChanged: Number(changed.rows[0]!.n),
      peakRssMb: { app: Math.round(peak.total), perWorker: Math.round(peak.perWorker), workers: app.pids.length },
      rssBeforeRushMb: idleRss.map(Math.round),
    };

    // The race for the last places of a Wednesday.
    figures.race = await race(app.url, runtime, commune.id, weekAfter, firstChild);

    await app.stop();
    app = undefined;

    // The monthly invoicing run, the app stopped (staff run it in a quiet hour).
    log('monthly invoicing run (October)');
    const agent = (await runtime.repositories.users.findByEmail(commune.id, 'scale-agent@scale.example.org'))!;
    const invoicingStarted = Date.now();
    const outcome = await runtime.services.invoicing.issue(commune, agent, '2026-10-01');
    figures.invoicing = { month: '2026-10', families: PLAN.families, invoices: outcome.issued, seconds: (Date.now() - invoicingStarted) / 1000 };

    const report = {
      date: new Date().toISOString(),
      quick: QUICK,
      machine: {
        cpus: os.availableParallelism(),
        cpuModel: os.cpus()[0]?.model,
        memoryGb: Math.round(os.totalmem() / 1024 ** 3),
        os: `${os.type()} ${os.release()}`,
        node: process.version,
        postgres: postgres.server_version,
        appWorkers: WORKERS,
        loadAverageAtEnd: os.loadavg(),
      },
      plan: { ...PLAN, fakeNow: FAKE_NOW },
      ...figures,
      totalSeconds: (Date.now() - started) / 1000,
    };
    fs.mkdirSync(path.join(import.meta.dirname, 'results'), { recursive: true });
    const file = path.join(import.meta.dirname, 'results', `${report.date.slice(0, 19).replace(/:/g, '-')}${QUICK ? '-quick' : ''}.json`);
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    printTable(report);
    log(`written ${path.relative(process.cwd(), file)} (${report.totalSeconds.toFixed(0)} s in all)`);
  } finally {
    await app?.stop();
    await runtime?.close();
    await database.close();
  }
}

function summary(result: LoadResult) {
  return {
    perSecond: result.perSecond,
    p50: result.p50,
    p99: result.p99,
    requests: result.requests,
    failures: result.failures,
    errors: result.errors,
  };
}

/**
 * `racers` parents tick the same Wednesday at the same instant, ten places left: exactly ten get
 * one, the others wait with tickets 1, 2, 3… in the order their requests reached the day's row.
 */
async function race(url: string, runtime: Runtime, communeId: number, week: IsoWeek, firstChild: Map<number, number>) {
  const monday = mondayOf(week);
  const day = (
    await runtime.db.raw<{ rows: { day: string; activity_id: number; capacity: number }[] }>(
      `SELECT ad.day::text AS day, ad.activity_id, ad.capacity FROM activity_days ad JOIN activities a ON a.id = ad.activity_id AND a.code = 'mercredi'
        WHERE ad.commune_id = ? AND ad.day BETWEEN ? AND ? AND ad.capacity - ad.booked = ? AND ad.waiting_last = 0 LIMIT 1`,
      [communeId, monday, addDays(monday, 6), PLAN.race.places],
    )
  ).rows[0];
  if (!day) return { skipped: `no Wednesday of ${week} with exactly ${PLAN.race.places} places left` };
  // Children registered for the Wednesdays, not booked that day; one per family (their first child is the one the flow uses).
  const candidates = (
    await runtime.db.raw<{ rows: { reference: string; member_id: number }[] }>(
      `SELECT DISTINCT ON (f.id) f.reference, r.member_id FROM registrations r JOIN families f ON f.id = r.family_id
        WHERE r.commune_id = ? AND r.activity_id = ? AND r.status = 'validated' AND f.reference LIKE 'scale-%'
          AND NOT EXISTS (SELECT 1 FROM bookings b WHERE b.commune_id = r.commune_id AND b.member_id = r.member_id AND b.activity_id = r.activity_id AND b.day = ?)
        ORDER BY f.id, r.member_id`,
      [communeId, day.activity_id, day.day],
    )
  ).rows;
  const racers: Parent[] = shuffled(candidates)
    .slice(0, PLAN.race.racers)
    .map((row) => ({ family: Number(row.reference.slice(6)), child: row.member_id }));
  log(`the race: ${racers.length} parents for the last ${PLAN.race.places} places of ${day.day} (signing them in first)`);
  const ready = await signInAll(url, racers, [getWeek(week)]);
  const key = `${day.activity_id}:${day.day}`;
  let next = 0;
  const startedAt = new Date();
  const result = await load<Parent>({
    url,
    connections: ready.length,
    flowsPerConnection: 1,
    start: () => ready[next++]!,
    steps: [postWeek((parent) => [...(parent.form?.cells.filter((cell) => cell.checked).map((cell) => cell.key) ?? []), key])],
  });
  const rows = (
    await runtime.db.raw<{ rows: { member_id: number; status: string; waiting_position: number | null }[] }>(
      `SELECT member_id, status, waiting_position FROM bookings WHERE commune_id = ? AND activity_id = ? AND day = ? AND member_id = ANY(?)`,
      [communeId, day.activity_id, day.day, ready.map((parent) => parent.child!)],
    )
  ).rows;
  const places = (
    await runtime.db.raw<{ rows: { capacity: number; booked: number; waiting_last: number; counted: number }[] }>(
      `SELECT ad.capacity, ad.booked, ad.waiting_last,
              (SELECT count(*) FROM bookings b WHERE b.commune_id = ad.commune_id AND b.activity_id = ad.activity_id AND b.day = ad.day AND b.status = 'booked') AS counted
         FROM activity_days ad WHERE ad.commune_id = ? AND ad.activity_id = ? AND ad.day = ?`,
      [communeId, day.activity_id, day.day],
    )
  ).rows[0]!;
  const booked = rows.filter((row) => row.status === 'booked').length;
  const waiting = rows.filter((row) => row.status === 'waiting').sort((a, b) => a.waiting_position! - b.waiting_position!);
  const expectedBooked = Math.min(PLAN.race.places, ready.length);
  // In order: tickets 1, 2, 3… given under the day's row lock, so in the order the requests reached
  // it, without gap or duplicate. (waiting_since cannot tell: each worker's FAKE_NOW clock starts
  // with its process, and a request reads the clock before it queues for the lock.)
  const inOrder = waiting.every((row, index) => row.waiting_position === index + 1);
  return {
    day: day.day,
    racers: ready.length,
    places: PLAN.race.places,
    booked,
    waiting: waiting.length,
    dayFull: places.booked === places.capacity && Number(places.counted) === places.capacity,
    exact: booked === expectedBooked && waiting.length === ready.length - expectedBooked && inOrder && Number(places.counted) === places.capacity,
    seconds: result.seconds,
    p50: result.p50,
    p99: result.p99,
    failures: result.failures,
    errors: result.errors,
    startedAt: startedAt.toISOString(),
  };
}

function printTable(report: Record<string, unknown>) {
  const r = report as unknown as {
    machine: { cpus: number; cpuModel?: string; memoryGb: number; appWorkers: number };
    seed: { families: number; children: number; bookings: number; totalSeconds: number };
    floor: { perSecond: number; p50?: number; p99?: number };
    pages: Record<string, { perSecond: number; p50?: number; p99?: number; ratio: number }>;
    signIn: { perSecond: number; argon2PerSecond: number; ratio: number };
    rush: { parents: number; arrivalSeconds: number; lastServedAfterSeconds: number; failures: number; errors: number; notServed: number; p50?: number; p99?: number; weeksChanged: number; peakRssMb: { app: number; perWorker: number } };
    race: { racers?: number; places?: number; booked?: number; waiting?: number; exact?: boolean; skipped?: string };
    invoicing: { invoices: number; seconds: number; families: number };
    invoicePdf: { p50?: number };
  };
  const ms = (value?: number) => (value === undefined ? '–' : `${Math.round(value)} ms`);
  const rate = (value: number) => `${value.toFixed(1)}/s`;
  const percent = (value: number) => `${Math.round(value * 100)} %`;
  const rows: [string, string, string][] = [
    ['machine', `${r.machine.cpus} cores, ${r.machine.memoryGb} GB, ${r.machine.appWorkers} app workers`, r.machine.cpuModel ?? ''],
    ['scale data', `${r.seed.families} families, ${r.seed.children} children, ${r.seed.bookings} bookings`, `seeded in ${r.seed.totalSeconds.toFixed(0)} s (target < 120 s)`],
    ['floor (commune home, signed in)', `${rate(r.floor.perSecond)}  p50 ${ms(r.floor.p50)}  p99 ${ms(r.floor.p99)}`, 'reference'],
    ...Object.entries(r.pages).map(([name, page]): [string, string, string] => [
      name,
      `${rate(page.perSecond)}  p50 ${ms(page.p50)}  p99 ${ms(page.p99)}`,
      `${percent(page.ratio)} of the floor (target ≥ 50 %)`,
    ]),
    ['sign-in', `${rate(r.signIn.perSecond)} (raw argon2id ${rate(r.signIn.argon2PerSecond)})`, `${percent(r.signIn.ratio)} of argon2id (target ≥ 80 %)`],
    [
      'the rush',
      `${r.rush.parents} parents over ${r.rush.arrivalSeconds} s: last served after ${r.rush.lastServedAfterSeconds.toFixed(1)} s, ${r.rush.failures + r.rush.errors + r.rush.notServed} errors, p50 ${ms(r.rush.p50)}, p99 ${ms(r.rush.p99)}`,
      `${r.rush.weeksChanged} weeks changed (target: within 90 s, 0 errors, p99 < 2 s)`,
    ],
    [
      'the race',
      r.race.skipped ?? `${r.race.racers} parents for ${r.race.places} places: ${r.race.booked} booked, ${r.race.waiting} waiting`,
      r.race.exact ? 'exact' : 'NOT EXACT',
    ],
    ['invoicing run', `${r.invoicing.invoices} invoices for ${r.invoicing.families} families in ${r.invoicing.seconds.toFixed(1)} s`, 'target < 30 s for 20,000'],
    ['invoice PDF', `p50 ${ms(r.invoicePdf.p50)}`, 'target < 50 ms'],
    ['peak RSS during the rush', `${r.rush.peakRssMb.app} MB (all workers), ${r.rush.peakRssMb.perWorker} MB the largest worker`, 'target < 300 MB'],
  ];
  const widths = [0, 1].map((column) => Math.max(...rows.map((row) => row[column]!.length)));
  console.log('');
  for (const [name, value, note] of rows) console.log(`  ${name.padEnd(widths[0]!)}  ${value.padEnd(widths[1]!)}  ${note}`);
  console.log('');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
