import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import { SMTPServer } from 'smtp-server';
import { createRuntime, prepareDatabase, type Runtime } from '../src/bootstrap.ts';
import { isoWeekOf, mondayOf } from '../src/domain/booking-grid.ts';
import { addDays } from '../src/domain/calendar/calendar-day.ts';
import { clockStartingAt } from '../src/integrations/clock.ts';
import { createLogger } from '../src/logger.ts';
import { argon2Hasher } from '../src/services/password-hasher.ts';
import { SCALE_PASSWORD, scaleSeedService } from '../src/services/scale-seed-service.ts';
import { benchEnv, FAKE_NOW, identifierOf, log, openDatabase, race, SLUG, startApp, type App } from './harness.ts';
import { changedWeek, csrfTokenFrom, formBody, locationOf, sessionCookieFrom, weekFormFrom } from './pages.ts';

/*
 * npm run test:two-instances — issue 14 item 4, README « Two instances behind HAProxy ». Two app
 * instances (two processes, each with its mail worker) behind Debian's HAProxy, round robin per
 * request, on one PostgreSQL, and three checks:
 *  1. a session opened through one instance is valid on the other (sessions live in PostgreSQL);
 *  2. each e-mail leaves once, both mail workers polling the same outbox (SKIP LOCKED);
 *  3. the race for the last 10 places of a day stays exact with the requests spread over both.
 * Exit status 0 when all three hold, 1 otherwise, 2 without haproxy.
 */

const FAMILIES = 1_000;
const MAILS = 20;

function smtpSink() {
  const received: { to: string[]; messageId: string }[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
      stream.on('end', () => {
        received.push({ to: session.envelope.rcptTo.map((r) => r.address), messageId: /^Message-ID: (.*)$/im.exec(raw)?.[1]?.trim() ?? '' });
        callback();
      });
    },
  });
  return {
    received,
    listen: () => new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.server.address() as AddressInfo).port))),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

interface Balancer {
  url: string;
  /** Answers per server (`a`, `b`) so far, from HAProxy's own statistics. */
  answersPerServer(): Promise<Record<string, number>>;
  stop(): void;
}

async function startHaproxy(backends: App[]): Promise<Balancer> {
  const [port, statsPort] = [await getPort(), await getPort()];
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'espace-famille-haproxy-'));
  const config = path.join(folder, 'haproxy.cfg');
  const servers = backends.map((app, index) => `  server ${String.fromCharCode(97 + index)} ${new URL(app.url).host}`).join('\n');
  fs.writeFileSync(
    config,
    `global
  maxconn 4096

defaults
  mode http
  timeout connect 5s
  timeout client 120s
  timeout server 120s

# Round robin per request: nothing sticks a browser to an instance.
frontend portal
  bind 127.0.0.1:${port}
  default_backend instances

backend instances
  balance roundrobin
  http-response set-header X-Instance %s
${servers}

frontend statistics
  bind 127.0.0.1:${statsPort}
  stats enable
  stats uri /stats
`,
  );
  const child: ChildProcess = spawn('haproxy', ['-f', config, '-db'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt += 1) {
    try {
      await fetch(`${url}/health`);
      break;
    } catch (error) {
      if (attempt > 50) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  return {
    url,
    async answersPerServer() {
      const csv = await (await fetch(`http://127.0.0.1:${statsPort}/stats;csv`)).text();
      const [header, ...rows] = csv.split('\n');
      const columns = header!.replace(/^# /, '').split(',');
      const [proxy, server, total] = ['pxname', 'svname', 'req_tot'].map((name) => columns.indexOf(name)) as [number, number, number];
      const counts: Record<string, number> = {};
      for (const row of rows) {
        const cells = row.split(',');
        if (cells[proxy] === 'instances' && cells[server] !== 'BACKEND') counts[cells[server]!] = Number(cells[total] || 0);
      }
      return counts;
    },
    stop() {
      child.kill('SIGTERM');
      fs.rmSync(folder, { recursive: true, force: true });
    },
  };
}

/** A browser: keeps the session cookie, follows nothing, tells which instance answered. */
function browser(base: string) {
  let cookie: string | undefined;
  return {
    async request(pathname: string, form?: Record<string, string | string[]>) {
      const response = await fetch(`${base}${pathname}`, {
        method: form ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { ...(cookie ? { cookie } : {}), ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body: form ? formBody(form) : undefined,
      });
      const headers = Object.fromEntries(response.headers.entries());
      headers['set-cookie'] = response.headers.getSetCookie() as unknown as string;
      cookie = sessionCookieFrom({ 'set-cookie': response.headers.getSetCookie() }) ?? cookie;
      return { status: response.status, body: await response.text(), location: locationOf(headers), instance: response.headers.get('x-instance') };
    },
    useOn: (other: string) => {
      const next = browser(other);
      next.setCookie(cookie);
      return next;
    },
    setCookie: (value: string | undefined) => (cookie = value),
  };
}

async function signIn(page: ReturnType<typeof browser>, family: number): Promise<boolean> {
  const form = await page.request(`/${SLUG}/connexion`);
  const answer = await page.request(`/${SLUG}/connexion`, { _csrf: csrfTokenFrom(form.body) ?? '', identifiant: identifierOf(family), motDePasse: SCALE_PASSWORD });
  return answer.status === 303 && answer.location === `/${SLUG}/tableau-de-bord`;
}

async function main(): Promise<number> {
  if (spawnSync('haproxy', ['-v']).status !== 0) {
    console.error('HAProxy est introuvable : installez-le (sudo apt-get install haproxy), puis relancez.');
    return 2;
  }
  const database = await openDatabase();
  const smtp = smtpSink();
  let runtime: Runtime | undefined;
  const apps: App[] = [];
  let balancer: Balancer | undefined;
  const results: { check: string; ok: boolean; detail: string }[] = [];
  try {
    const env = benchEnv(database.url);
    const clock = clockStartingAt(new Date(FAKE_NOW));
    runtime = createRuntime(database.url, env, clock);
    await prepareDatabase(runtime, env, createLogger('silent'));
    log(`seeding ${FAMILIES} families`);
    await scaleSeedService({
      repositories: runtime.repositories,
      hasher: argon2Hasher({ memoryKib: env.ARGON2_MEMORY_KIB, timeCost: env.ARGON2_TIME_COST, parallelism: env.ARGON2_PARALLELISM }),
      calendars: runtime.services.calendars,
      invoicing: runtime.services.invoicing,
      clock,
      production: false,
    }).seed(SLUG, FAMILIES, { invoices: false });
    const commune = (await runtime.services.communes.findBySlug(SLUG))!;

    const smtpPort = await smtp.listen();
    const secret = randomBytes(32).toString('hex');
    const instanceEnv = { MAIL_WORKER: 'true', MAIL_POLL_MS: '200', SMTP_URL: `smtp://127.0.0.1:${smtpPort}`, LOG_LEVEL: 'warn' };
    for (let index = 0; index < 2; index += 1) apps.push(await startApp(database.url, secret, { workers: 1, env: instanceEnv }));
    balancer = await startHaproxy(apps);
    log(`two instances (${apps.map((app) => app.url).join(', ')}) behind HAProxy at ${balancer.url}`);

    // 1. Sessions: signed in through the balancer, pages served by both; signed in on one, valid on the other.
    const parent = browser(balancer.url);
    const signedIn = await signIn(parent, 1);
    const seen = new Set<string>();
    let pagesOk = signedIn;
    for (let index = 0; index < 10; index += 1) {
      const page = await parent.request(`/${SLUG}/tableau-de-bord`);
      if (page.status !== 200) pagesOk = false;
      if (page.instance) seen.add(page.instance);
    }
    const onA = browser(apps[0]!.url);
    const directOk = await signIn(onA, 2);
    const onB = onA.useOn(apps[1]!.url);
    const crossed = (await onB.request(`/${SLUG}/tableau-de-bord`)).status === 200;
    results.push({
      check: 'session shared',
      ok: pagesOk && seen.size === 2 && directOk && crossed,
      detail: `10 dashboards through HAProxy answered by ${[...seen].sort().join(' and ')}; signed in on instance a, the dashboard on instance b: ${crossed ? '200' : 'refused'}`,
    });

    // 2. Mail: each week change queues one confirmation; both workers drain the outbox.
    const before = smtp.received.length;
    let changed = 0;
    for (let family = 10; family < 10 + MAILS; family += 1) {
      const page = browser(balancer.url);
      if (!(await signIn(page, family))) continue;
      const child = await runtime.db('members').join('families', 'families.id', 'members.family_id').join('registrations', 'registrations.member_id', 'members.id')
        .where({ 'families.reference': identifierOf(family), 'members.role': 'child', 'registrations.status': 'validated' }).first('members.id');
      const week = isoWeekOf(addDays(FAKE_NOW.slice(0, 10), 7));
      const form = weekFormFrom((await page.request(`/${SLUG}/reservations/${child.id}?semaine=${week}`)).body);
      if (!form) continue;
      const answer = await page.request(`/${SLUG}/reservations/${child.id}`, { _csrf: form.csrf, semaine: form.week, avant: form.shown, jours: changedWeek(form) });
      if (answer.status === 303) changed += 1;
    }
    for (let wait = 0; wait < 100; wait += 1) {
      const [pending] = await runtime.db('mail_outbox').where({ status: 'pending' }).count<{ count: number }[]>('* as count');
      if (Number(pending!.count) === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [sent] = await runtime.db('mail_outbox').where({ status: 'sent' }).count<{ count: number }[]>('* as count');
    const received = smtp.received.slice(before);
    const distinct = new Set(received.map((mail) => mail.messageId)).size;
    results.push({
      check: 'mail sent once',
      ok: changed === MAILS && Number(sent!.count) === MAILS && received.length === MAILS && distinct === MAILS,
      detail: `${changed} weeks changed through HAProxy (one confirmation each), ${Number(sent!.count)} mails marked sent in the outbox, ${received.length} received by the SMTP server, ${distinct} distinct`,
    });

    // 3. The race through the balancer.
    const statsBefore = await balancer.answersPerServer();
    const weekAfter = isoWeekOf(addDays(mondayOf(isoWeekOf(addDays(FAKE_NOW.slice(0, 10), 7))), 7));
    const outcome = await race(balancer.url, runtime, commune.id, weekAfter, { places: 10, racers: 1_000 });
    const statsAfter = await balancer.answersPerServer();
    const spread = Object.fromEntries(Object.keys(statsAfter).map((server) => [server, statsAfter[server]! - (statsBefore[server] ?? 0)]));
    const exact = 'exact' in outcome && outcome.exact === true;
    results.push({
      check: 'race exact over both',
      ok: exact && Object.values(spread).length === 2 && Object.values(spread).every((count) => count > 0),
      detail:
        'skipped' in outcome
          ? String(outcome.skipped)
          : `${outcome.racers} parents for ${outcome.places} places: ${outcome.booked} booked, ${outcome.waiting} waiting, tickets in order: ${exact ? 'yes' : 'NO'}; requests per instance (sign-in, grid, race): ${JSON.stringify(spread)}`,
    });
  } finally {
    balancer?.stop();
    for (const app of apps) await app.stop();
    await smtp.close();
    await runtime?.close();
    await database.close();
  }
  console.log('');
  for (const result of results) console.log(`  ${result.ok ? 'ok  ' : 'FAIL'}  ${result.check}: ${result.detail}`);
  console.log('');
  return results.length === 3 && results.every((result) => result.ok) ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
