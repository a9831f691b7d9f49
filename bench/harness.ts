import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import argon2 from 'argon2';
import getPort from 'get-port';
import pg from 'pg';
import type { Runtime } from '../src/bootstrap.ts';
import { parseEnv, type Env } from '../src/config/env.ts';
import { mondayOf, type IsoWeek } from '../src/domain/booking-grid.ts';
import { addDays } from '../src/domain/calendar/calendar-day.ts';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/data/embedded-postgres.ts';
import { argon2Hasher } from '../src/services/accounts/password-hasher.ts';
import { SCALE_PASSWORD } from '../src/services/commune/scale-seed-service.ts';
import { load, type Step } from './load.ts';
import { csrfTokenFrom, formBody, locationOf, sessionCookieFrom, weekFormFrom, type WeekForm } from './pages.ts';

/*
 * The parts of `npm run bench`: its own database, the app started as a child process, the pages a
 * parent's browser goes through, and the race for the last places (usable by other load checks).
 */

export const SLUG = 'echirolles';
/** A Thursday morning: next week's changes close today at 11:00. */
export const FAKE_NOW = '2026-11-26T09:00:00+01:00';
/** App processes: one per core unless BENCH_WORKERS says otherwise. */
export const WORKERS = Number(process.env.BENCH_WORKERS ?? os.availableParallelism());

export const log = (message: string) => console.log(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}`);
export const families = (count: number) => Array.from({ length: count }, (_, index) => index + 1);
export const identifierOf = (family: number) => `scale-${String(family).padStart(5, '0')}`;
export const shuffled = <T>(list: T[]): T[] => {
  const copy = [...list];
  for (let index = copy.length - 1; index > 0; index -= 1) {
    const other = Math.floor(Math.random() * (index + 1));
    [copy[index], copy[other]] = [copy[other]!, copy[index]!];
  }
  return copy;
};
export const pick = <T>(list: readonly T[]): T => list[Math.floor(Math.random() * list.length)]!;

export interface Database {
  url: string;
  close(): Promise<void>;
}

/** The benchmark's own database, never the one of `npm start`. */
export async function openDatabase(): Promise<Database> {
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

export function benchEnv(databaseUrl: string, extra: Record<string, string> = {}): Env {
  return parseEnv({ NODE_ENV: 'development', SEED_DEMO_DATA: 'false', LOG_LEVEL: 'silent', DATABASE_URL: databaseUrl, FAKE_NOW, ...extra });
}

export interface App {
  url: string;
  /** The processes of the app: the first process, then its HTTP processes when there are several. */
  pids: number[];
  stop(): Promise<void>;
}

const PROJECT = path.resolve(import.meta.dirname, '..');

/**
 * The app as `npm start` runs it (src/server.ts), with `WEB_CONCURRENCY` HTTP processes (one per
 * core by default), on the benchmark's database, which it migrates and checks like a deployment.
 * What differs from a deployment, and why: FAKE_NOW (the rush is a Thursday morning), which
 * production ignores, so NODE_ENV is `test` — templates cached as in production, no demo data —;
 * cookies are not `secure` (plain HTTP on loopback); no mail worker unless asked (the benchmark
 * leaves the week-change e-mails in the outbox). Logs at info, read and dropped.
 */
export async function startApp(databaseUrl: string, sessionSecret: string, options: { workers?: number; env?: Record<string, string> } = {}): Promise<App> {
  const port = await getPort();
  const workers = options.workers ?? WORKERS;
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    cwd: PROJECT,
    env: {
      ...process.env,
      NODE_ENV: 'test',
      SEED_DEMO_DATA: 'false',
      DATABASE_URL: databaseUrl,
      HOST: '127.0.0.1',
      PORT: String(port),
      FAKE_NOW,
      SESSION_SECRET: sessionSecret,
      LOG_LEVEL: process.env.BENCH_APP_LOG_LEVEL ?? 'info',
      MAIL_WORKER: 'false',
      WEB_CONCURRENCY: String(workers),
      // Behind a reverse proxy, as deployed: each parent arrives from their own address
      // (X-Forwarded-For), so the sign-in throttle counts per household, not for the whole town.
      TRUST_PROXY: '1',
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve, reject) => {
    let seen = '';
    const watch = (chunk: Buffer) => {
      seen = (seen + chunk.toString()).slice(-4096);
      if (seen.includes('Espace Famille : ')) {
        child.stdout!.off('data', watch);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on('data', watch);
    child.once('exit', (code) => reject(new Error(`the app stopped before listening (${code}): ${seen}`)));
  });
  const primary = child.pid!;
  const children = () => {
    try {
      // The HTTP processes, not the esbuild service tsx starts beside them.
      return fs
        .readFileSync(`/proc/${primary}/task/${primary}/children`, 'utf8')
        .trim()
        .split(/\s+/)
        .filter(Boolean)
        .map(Number)
        .filter((pid) => fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('src/server.ts'));
    } catch {
      return [];
    }
  };
  return {
    url: `http://127.0.0.1:${port}`,
    pids: workers > 1 ? [primary, ...children()] : [primary],
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Resident memory of a process, in MB (Linux /proc). */
export function rssOf(pid: number): number {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : 0;
  } catch {
    return 0;
  }
}

/** argon2id verifications per second with the app's parameters, as many at once as the app's workers run. */
export async function argon2PerSecond(env: Env, seconds: number): Promise<number> {
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

export interface Parent {
  family: number;
  child?: number;
  cookie?: string;
  csrf?: string;
  form?: WeekForm;
  signedIn?: boolean;
}

/** The household's own address (10.x.y.z from its file number): parents do not share one. */
export const addressOf = (parent: Parent) => `10.${(parent.family >> 16) & 255}.${(parent.family >> 8) & 255}.${parent.family & 255}`;

export const getSignInPage: Step<Parent> = {
  request: (parent) => ({ method: 'GET', path: `/${SLUG}/connexion`, from: addressOf(parent) }),
  check(parent, status, body, headers) {
    parent.cookie = sessionCookieFrom(headers) ?? parent.cookie;
    parent.csrf = csrfTokenFrom(body);
    return status === 200 && Boolean(parent.csrf);
  },
};

export const postSignIn: Step<Parent> = {
  request: (parent) => ({
    method: 'POST',
    path: `/${SLUG}/connexion`,
    cookie: parent.cookie,
    from: addressOf(parent),
    body: formBody({ _csrf: parent.csrf ?? '', identifiant: identifierOf(parent.family), motDePasse: SCALE_PASSWORD }),
  }),
  check(parent, status, _body, headers) {
    parent.cookie = sessionCookieFrom(headers) ?? parent.cookie;
    parent.signedIn = status === 303 && locationOf(headers) === `/${SLUG}/tableau-de-bord`;
    return parent.signedIn;
  },
};

export const getPage = (pathOf: (parent: Parent) => string): Step<Parent> => ({
  request: (parent) => ({ method: 'GET', path: pathOf(parent), cookie: parent.cookie, from: addressOf(parent) }),
  check: (_parent, status) => status === 200,
});

export const getWeek = (week: IsoWeek): Step<Parent> => ({
  request: (parent) => ({ method: 'GET', path: `/${SLUG}/reservations/${parent.child}?semaine=${week}`, cookie: parent.cookie, from: addressOf(parent) }),
  check(parent, status, body) {
    parent.form = weekFormFrom(body);
    return status === 200 && Boolean(parent.form);
  },
});

export const postWeek = (ticked: (parent: Parent) => string[]): Step<Parent> => ({
  request: (parent) => ({
    method: 'POST',
    path: `/${SLUG}/reservations/${parent.child}`,
    cookie: parent.cookie,
    from: addressOf(parent),
    body: formBody({ _csrf: parent.form?.csrf ?? '', semaine: parent.form?.week ?? '', avant: parent.form?.shown ?? '', jours: ticked(parent) }),
  }),
  check: (parent, status, _body, headers) => status === 303 && locationOf(headers)?.startsWith(`/${SLUG}/reservations/${parent.child}`) === true,
});

/** Signs parents in (one connection each, as many at once as `connections`), keeping what the flow read. */
export async function signInAll(url: string, parents: Parent[], extra: Step<Parent>[] = []): Promise<Parent[]> {
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

/**
 * `racers` parents tick the same Wednesday at the same instant, ten places left: exactly ten get
 * one, the others wait with tickets 1, 2, 3… in the order their requests reached the day's row.
 */
export async function race(url: string, runtime: Runtime, communeId: number, week: IsoWeek, plan: { places: number; racers: number }) {
  const monday = mondayOf(week);
  const day = (
    await runtime.db.raw<{ rows: { day: string; activity_id: number; capacity: number }[] }>(
      `SELECT ad.day::text AS day, ad.activity_id, ad.capacity FROM activity_days ad JOIN activities a ON a.id = ad.activity_id AND a.code = 'mercredi'
        WHERE ad.commune_id = ? AND ad.day BETWEEN ? AND ? AND ad.capacity - ad.booked = ? AND ad.waiting_last = 0 LIMIT 1`,
      [communeId, monday, addDays(monday, 6), plan.places],
    )
  ).rows[0];
  if (!day) return { skipped: `no Wednesday of ${week} with exactly ${plan.places} places left` };
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
    .slice(0, plan.racers)
    .map((row) => ({ family: Number(row.reference.slice(6)), child: row.member_id }));
  log(`the race: ${racers.length} parents for the last ${plan.places} places of ${day.day} (signing them in first)`);
  const ready = await signInAll(url, racers, [getWeek(week)]);
  if (!ready.length) return { skipped: `none of the ${racers.length} parents could sign in and open the week` };
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
  const expectedBooked = Math.min(plan.places, ready.length);
  // In order: tickets 1, 2, 3… given under the day's row lock, so in the order the requests reached
  // it, without gap or duplicate. (waiting_since cannot tell: each worker's FAKE_NOW clock starts
  // with its process, and a request reads the clock before it queues for the lock.)
  const inOrder = waiting.every((row, index) => row.waiting_position === index + 1);
  return {
    day: day.day,
    racers: ready.length,
    places: plan.places,
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
