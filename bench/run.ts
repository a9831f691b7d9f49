import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRuntime, prepareDatabase, type Runtime } from '../src/bootstrap.ts';
import { isoWeekOf, mondayOf } from '../src/domain/booking-grid.ts';
import { addDays } from '../src/domain/calendar/calendar-day.ts';
import { clockStartingAt } from '../src/integrations/clock.ts';
import { createLogger } from '../src/logger.ts';
import { argon2Hasher } from '../src/services/accounts/password-hasher.ts';
import { scaleSeedService, type ScaleSeedOutcome } from '../src/services/commune/scale-seed-service.ts';
import {
  argon2PerSecond,
  benchEnv,
  FAKE_NOW,
  families,
  getPage,
  getSignInPage,
  getWeek,
  identifierOf,
  log,
  openDatabase,
  pick,
  postSignIn,
  postWeek,
  race,
  rssOf,
  shuffled,
  SLUG,
  startApp,
  WORKERS,
  type App,
  type Parent,
} from './harness.ts';
import { load, type LoadResult } from './load.ts';
import { arrivalsPerSecond, changedWeek, percentile } from './pages.ts';

/*
 * npm run bench [-- --quick] — README « Benchmark ». A dedicated database (an embedded PostgreSQL
 * in a temporary folder, or a new database on the server DATABASE_URL names, dropped at the end),
 * seeded with the scale data, the app started as npm start does with WEB_CONCURRENCY, then every
 * figure measured with its reference in this one run. Prints a table, writes bench/results/<date>.json.
 */

const QUICK = process.argv.includes('--quick');
const PLANS = QUICK
  ? { families: 1_000, pageSeconds: 3, connections: 16, rush: { parents: 200, seconds: 15 }, race: { places: 10, racers: 1_000 }, signInSeconds: 4 }
  : { families: 20_000, pageSeconds: 10, connections: 16, rush: { parents: 2_500, seconds: 60 }, race: { places: 10, racers: 1_000 }, signInSeconds: 10 };
/** BENCH_FAMILIES: another size of commune (the figures' names stay those of the plan). */
const PLAN = { ...PLANS, families: process.env.BENCH_FAMILIES ? Number(process.env.BENCH_FAMILIES) : PLANS.families };
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
    const startRss = app.pids.map(rssOf).map(Math.round);

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
      rssAtStartMb: startRss,
      rssBeforeRushMb: idleRss.map(Math.round),
    };

    // The race for the last places of a Wednesday.
    figures.race = await race(app.url, runtime, commune.id, weekAfter, PLAN.race);

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
    ['peak RSS during the rush', `${r.rush.peakRssMb.app} MB (all processes), ${r.rush.peakRssMb.perWorker} MB the largest process`, 'target < 300 MB'],
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
