import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import getPort from 'get-port';
import request from 'supertest';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { cell, familyWithChild, postWeek, type FamilyWithChild } from '../support/booking-fixtures.ts';
import { FRESH_PASSWORD } from '../support/fresh-family.ts';
import { buildTestApp, csrfTokenFrom, DEFAULT_NOW, DEMO, html, signIn, type TestApp } from '../support/test-app.ts';
import { TEST_DATA_KEY } from '../support/test-env.ts';

/*
 * Two app processes (`tsx src/server.ts`, as `npm start` runs it) behind a real HAProxy, round
 * robin without stickiness, on one PostgreSQL: a session opened through one instance is valid on
 * the other (sessions in PostgreSQL), a mail is sent once though both run the outbox worker (rows
 * claimed with SKIP LOCKED), the race for the last places stays exact with the requests spread over
 * both, and when one instance stops the other serves its sessions.
 */

const SLUG = 'echirolles';
// Wednesday 9 December 2026 (2026-W50): open to change until Thursday 3 December, 11:00.
const WEEK = '2026-W50';
const DAY = '2026-12-09';
const FAMILIES = 24;
const PLACES_LEFT = 6;
const SESSION_SECRET = 'two-instances-share-this-session-secret-of-40-chars';

// Debian puts it in /usr/sbin, which an ordinary user's PATH may not hold.
const HAPROXY = fs.existsSync('/usr/sbin/haproxy') ? '/usr/sbin/haproxy' : 'haproxy';

let t: TestApp;
let work: string;
let haproxy: ChildProcess;
let balancer: string;
const instances: { name: string; port: number; process: ChildProcess; log: string }[] = [];
const delivered: { to: string[]; subject: string }[] = [];
let smtp: SMTPServer;

async function waitForHealth(url: string, child: ChildProcess, log: string): Promise<void> {
  for (let attempt = 0; attempt < 240; attempt += 1) {
    if (child.exitCode !== null) throw new Error(`${url} exited (${child.exitCode}):\n${fs.readFileSync(log, 'utf8')}`);
    try {
      if ((await fetch(`${url}/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`${url} never answered /health:\n${fs.readFileSync(log, 'utf8')}`);
}

async function startInstance(name: string, env: Record<string, string>): Promise<void> {
  const port = await getPort({ host: '127.0.0.1' });
  const log = path.join(work, `${name}.log`);
  const out = fs.openSync(log, 'w');
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/server.ts'], {
    env: { ...process.env, ...env, PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', out, out],
  });
  instances.push({ name, port, process: child, log });
  await waitForHealth(`http://127.0.0.1:${port}`, child, log);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

beforeAll(async () => {
  if (spawnSync(HAPROXY, ['-v']).error) throw new Error('haproxy is not installed: apt-get install haproxy (the README says so)');
  t = buildTestApp(DEFAULT_NOW);
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'espace-famille-instances-'));

  smtp = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    onData(stream, session, callback) {
      let subject = '';
      stream.on('data', (chunk: Buffer) => {
        subject ||= /^Subject: (.*)$/m.exec(chunk.toString('utf8'))?.[1] ?? '';
      });
      stream.on('end', () => {
        delivered.push({ to: session.envelope.rcptTo.map((address) => address.address), subject });
        callback();
      });
    },
  });
  const smtpPort = await getPort({ host: '127.0.0.1' });
  await new Promise<void>((resolve) => smtp.listen(smtpPort, '127.0.0.1', resolve));

  const balancerPort = await getPort({ host: '127.0.0.1' });
  balancer = `http://127.0.0.1:${balancerPort}`;
  const env = {
    NODE_ENV: 'development',
    DATABASE_URL: inject('databaseUrl'),
    SESSION_SECRET,
    DATA_ENCRYPTION_KEY: TEST_DATA_KEY,
    FAKE_NOW: DEFAULT_NOW.toISOString(),
    SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
    MAIL_POLL_MS: '200',
    LOG_LEVEL: 'warn',
    PUBLIC_URL: balancer,
    DATA_DIR: work,
  };
  // One after the other: the first migrates and seeds, the second finds it done.
  await startInstance('app1', env);
  await startInstance('app2', env);

  const config = path.join(work, 'haproxy.cfg');
  fs.writeFileSync(
    config,
    [
      'defaults',
      '  mode http',
      '  timeout connect 5s',
      '  timeout client 60s',
      '  timeout server 60s',
      '  timeout check 5s',
      '  retries 2',
      '  option redispatch',
      'frontend portal',
      `  bind 127.0.0.1:${balancerPort}`,
      '  default_backend apps',
      'backend apps',
      '  balance roundrobin',
      '  option httpchk GET /health',
      // Which instance answered, for the test to see both at work.
      '  http-response set-header X-Instance %s',
      ...instances.map((instance) => `  server ${instance.name} 127.0.0.1:${instance.port} check inter 1s fall 3 rise 2`),
      '',
    ].join('\n'),
  );
  const haproxyLog = path.join(work, 'haproxy.log');
  haproxy = spawn(HAPROXY, ['-db', '-f', config], { stdio: ['ignore', fs.openSync(haproxyLog, 'w'), fs.openSync(haproxyLog, 'a')] });
  await waitForHealth(balancer, haproxy, haproxyLog);
  // Both servers up behind the balancer (its health checks need two passes): each answers in turn.
  const seen = new Set<string>();
  for (let attempt = 0; attempt < 120 && seen.size < 2; attempt += 1) {
    const response = await fetch(`${balancer}/health`);
    if (response.ok) seen.add(response.headers.get('x-instance') ?? '');
    else await new Promise((resolve) => setTimeout(resolve, 250));
  }
  if (seen.size < 2) throw new Error(`HAProxy does not reach both instances:\n${fs.readFileSync(haproxyLog, 'utf8')}`);
}, 180_000);

afterAll(async () => {
  if (haproxy) await stop(haproxy);
  await Promise.all(instances.map((instance) => stop(instance.process)));
  await new Promise<void>((resolve) => (smtp ? smtp.close(() => resolve()) : resolve()));
  await t?.close();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

const servedBy = (response: request.Response) => response.headers['x-instance'] as string;

describe('two app instances behind HAProxy on one PostgreSQL', () => {
  it('keeps a session opened through one instance valid on the other', async () => {
    const parent = request.agent(balancer);
    const signedIn = await signIn(parent, SLUG, 'martin-claire', DEMO.parentPassword, 303);
    const answers = [];
    for (let index = 0; index < 4; index += 1) answers.push(await parent.get(`/${SLUG}/tableau-de-bord`).expect(200));
    expect(new Set([servedBy(signedIn), ...answers.map(servedBy)])).toEqual(new Set(['app1', 'app2']));
    for (const answer of answers) expect(html(answer.text)('h1').text()).toContain('Bonjour Claire Martin');
  });

  it('sends a mail once though both instances run the outbox worker', async () => {
    // The outbox the seeding filled (activation links…) is sent first: wait until it is empty.
    for (let waited = 0; waited < 100 && (await t.runtime.db('mail_outbox').where({ status: 'pending' }).count<{ count: string }[]>('* as count'))[0]!.count !== '0'; waited += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const before = delivered.length;
    const visitor = request.agent(balancer);
    const _csrf = await csrfTokenFrom(visitor, `/${SLUG}/mot-de-passe-oublie`);
    await visitor.post(`/${SLUG}/mot-de-passe-oublie`).type('form').send({ _csrf, identifiant: 'parent2@echirolles.example.org' }).expect(303);
    const received = () => delivered.slice(before).filter((mail) => mail.to.includes('parent2@echirolles.example.org'));
    for (let waited = 0; waited < 100 && !received().length; waited += 1) await new Promise((resolve) => setTimeout(resolve, 100));
    // Both workers poll every 200 ms: a second copy would have come by now.
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    expect(received()).toHaveLength(1);
    expect(received()[0]!.subject).toContain('initialisation');
  });

  it(`books exactly the last ${PLACES_LEFT} places of a day for ${FAMILIES} families racing through both instances, the others waiting in order`, async () => {
    const families: FamilyWithChild[] = [];
    for (let index = 0; index < FAMILIES; index += 1) families.push(await familyWithChild(t, SLUG, ['mercredi'], { prefix: `Deux${index}` }));
    const activityId = families[0]!.activities.mercredi!;
    const communeId = families[0]!.commune.id;
    const { capacity_per_day: capacity } = await t.runtime.db('activities').where({ id: activityId }).first('capacity_per_day');
    await t.runtime.db.raw(
      `INSERT INTO activity_days (commune_id, activity_id, day, capacity, booked) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (commune_id, activity_id, day) DO UPDATE SET capacity = EXCLUDED.capacity, booked = EXCLUDED.booked`,
      [communeId, activityId, DAY, capacity, capacity - PLACES_LEFT],
    );
    const parents = await Promise.all(
      families.map(async (family) => {
        const agent = request.agent(balancer);
        await signIn(agent, SLUG, family.parents[0]!.email, FRESH_PASSWORD, 303);
        return { agent, csrf: await csrfTokenFrom(agent, `/${SLUG}/reservations/${family.childId}?semaine=${WEEK}`) };
      }),
    );

    const responses = await Promise.all(
      families.map((family, index) => postWeek(parents[index]!.agent, SLUG, family.childId, WEEK, [cell(activityId, DAY)], { csrf: parents[index]!.csrf })),
    );
    expect(responses.map((response) => response.status)).toEqual(families.map(() => 303));
    const byInstance = new Map<string, number>();
    for (const response of responses) byInstance.set(servedBy(response), (byInstance.get(servedBy(response)) ?? 0) + 1);
    expect([...byInstance.keys()].sort()).toEqual(['app1', 'app2']);

    const rows = await t.runtime.db('bookings').where({ commune_id: communeId, activity_id: activityId, day: DAY }).whereIn('member_id', families.map((family) => family.childId));
    expect(rows.filter((row) => row.status === 'booked')).toHaveLength(PLACES_LEFT);
    const waiting = rows.filter((row) => row.status === 'waiting').map((row) => row.waiting_position as number);
    expect(waiting.sort((a, b) => a - b)).toEqual(Array.from({ length: FAMILIES - PLACES_LEFT }, (_, index) => index + 1));
    expect(await t.runtime.db('activity_days').where({ commune_id: communeId, activity_id: activityId, day: DAY }).first()).toMatchObject({ booked: capacity });
  });

  it('goes on serving the same sessions when one instance stops', async () => {
    const parent = request.agent(balancer);
    await signIn(parent, SLUG, 'martin-claire', DEMO.parentPassword, 303);
    await stop(instances[0]!.process);
    for (let index = 0; index < 3; index += 1) {
      const answer = await parent.get(`/${SLUG}/tableau-de-bord`).expect(200);
      expect(servedBy(answer)).toBe('app2');
      expect(html(answer.text)('h1').text()).toContain('Bonjour Claire Martin');
    }
  });
});
