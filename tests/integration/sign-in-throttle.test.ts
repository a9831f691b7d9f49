import { randomBytes } from 'node:crypto';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it, vi } from 'vitest';
import {
  ACCOUNT_LOCK_AFTER_FAILURES,
  ACCOUNT_PREFIX,
  accountKey,
  LOCK_SECONDS,
  postgresSignInThrottle,
  type SignInAttempt,
  type SignInThrottle,
  SOURCE_LOCK_AFTER_FAILURES,
  SOURCE_PREFIX,
  sourceKey,
} from '../../src/integrations/sign-in-throttle.ts';
import { freshFamily, FRESH_PASSWORD } from '../support/fresh-family.ts';
import { attemptSignIn, buildSignInTestApp, type SignInTestApp } from '../support/sign-in-test-app.ts';
import { csrfTokenFrom, DEMO, html } from '../support/test-app.ts';

const SLUG = 'lemesnilsaintdenis';
const VOISIN_EMAIL = `voisin@${SLUG}.example.org`;
const VOISIN_IDENTIFIER = 'bernard-sophie';
const LOCKED_MESSAGE =
  'Trop de tentatives de connexion. Par sécurité, la connexion à ce compte est suspendue pendant 15 minutes. Réessayez plus tard, ou utilisez « Mot de passe oublié ».';
// Logins and addresses of this run only: other suites share the database and 127.0.0.1.
const RUN = randomBytes(4).toString('hex');
const IPS = { lockA: '203.0.113.11', lockB: '203.0.113.12', delay: '203.0.113.13', reset: '203.0.113.14', source: '203.0.113.15', other: '203.0.113.16', shared: '198.51.100.77', swarm: '203.0.113.17', spray: '203.0.113.18', afterLock: '203.0.113.19' };

let t: SignInTestApp;
let communeId: number;

beforeAll(async () => {
  t = buildSignInTestApp();
  communeId = (await t.runtime.db('communes').where({ slug: SLUG }).first()).id;
});

afterAll(async () => {
  // Leave no lock behind for the suites that sign the demo accounts in afterwards.
  await t.runtime
    .db('rate_limits')
    .whereIn('key', [
      ...[VOISIN_EMAIL, VOISIN_IDENTIFIER].map((login) => `${ACCOUNT_PREFIX}:${accountKey(communeId, login)}`),
      ...Object.values(IPS).map((ip) => `${SOURCE_PREFIX}:${sourceKey(ip)}`),
    ])
    .orWhere('key', 'like', `%${RUN}%`)
    .delete();
  await t.close();
});

beforeEach(() => {
  t.delays.length = 0;
});

const attempt = (login: string, password: string, ip: string) => attemptSignIn(request.agent(t.app), SLUG, login, password, { ip });

function errorOf(response: request.Response) {
  const $ = html(response.text);
  return {
    summary: $('.error-summary a[href="#field-identifiant"]').text(),
    fieldError: $('#error-identifiant').text(),
    identifiant: $('#field-identifiant').val(),
    title: $('title').text(),
  };
}

describe('POST /:commune/connexion under repeated failures', () => {
  it('waits longer after each failure from the 3rd one, up to 5 seconds', async () => {
    const login = `lent-${RUN}`;
    const statuses: number[] = [];
    for (let i = 0; i < ACCOUNT_LOCK_AFTER_FAILURES - 1; i += 1) statuses.push((await attempt(login, 'wrong-password', IPS.delay)).status);
    expect(statuses).toEqual(Array(9).fill(401));
    expect(t.delays).toEqual([1_000, 2_000, 3_000, 4_000, 5_000, 5_000, 5_000]);
  });

  it('clears the account counter at a successful sign-in, whichever login the person used', async () => {
    for (let i = 0; i < 4; i += 1) await attempt(VOISIN_EMAIL, 'wrong-password', IPS.reset).then((r) => expect(r.status).toBe(401));
    expect(t.delays).toEqual([1_000, 2_000]);

    const success = await attempt(VOISIN_IDENTIFIER, DEMO.parentPassword, IPS.reset);
    expect(success.status).toBe(303);
    const counter = await t.runtime.db('rate_limits').where({ key: `${ACCOUNT_PREFIX}:${accountKey(communeId, VOISIN_EMAIL)}` }).first();
    expect(counter).toBeUndefined();

    t.delays.length = 0;
    for (let i = 0; i < 3; i += 1) await attempt(VOISIN_EMAIL, 'wrong-password', IPS.reset).then((r) => expect(r.status).toBe(401));
    // Counting afresh: the 3rd failure since the sign-in waits 1 s, not the 3 s of a 7th.
    expect(t.delays).toEqual([1_000]);
    await attempt(VOISIN_EMAIL, DEMO.parentPassword, IPS.reset).then((r) => expect(r.status).toBe(303));
  });

  describe('once a login has failed 10 times within 15 minutes', () => {
    const unknownLogin = `personne-${RUN}@${SLUG}.example.org`;
    const answers: Record<string, number[]> = { real: [], unknown: [] };

    beforeAll(async () => {
      for (let i = 0; i < ACCOUNT_LOCK_AFTER_FAILURES; i += 1) {
        answers.real!.push((await attempt(VOISIN_EMAIL, `wrong-${i}`, IPS.lockA)).status);
        answers.unknown!.push((await attempt(unknownLogin, `wrong-${i}`, IPS.lockA)).status);
      }
    });

    it('answers the 10th failure with the lock, whether or not the login names an account', () => {
      expect(answers.real).toEqual([...Array(9).fill(401), 429]);
      expect(answers.unknown).toEqual(answers.real);
    });

    it('refuses even the right password, from any address, with 429, Retry-After and the message on the field', async () => {
      const response = await attempt(VOISIN_EMAIL, DEMO.parentPassword, IPS.lockB);
      expect(response.status).toBe(429);
      const retryAfter = Number(response.headers['retry-after']);
      expect(retryAfter).toBeGreaterThan(LOCK_SECONDS - 60);
      expect(retryAfter).toBeLessThanOrEqual(LOCK_SECONDS);
      const error = errorOf(response);
      expect(error.title).toMatch(/^Erreur : /);
      expect(error.summary).toBe(LOCKED_MESSAGE);
      expect(error.fieldError).toContain(LOCKED_MESSAGE);
      expect(error.identifiant).toBe(VOISIN_EMAIL);
      await request(t.app).get(`/${SLUG}/tableau-de-bord`).expect(303);
    });

    it('gives an unknown login exactly the same answer as the real account', async () => {
      const unknown = await attempt(unknownLogin, DEMO.parentPassword, IPS.lockB);
      const real = await attempt(VOISIN_EMAIL, DEMO.parentPassword, IPS.lockB);
      expect(unknown.status).toBe(429);
      expect(real.status).toBe(429);
      expect(Number(unknown.headers['retry-after'])).toBeGreaterThan(LOCK_SECONDS - 60);
      expect({ ...errorOf(unknown), identifiant: undefined }).toEqual({ ...errorOf(real), identifiant: undefined });
      expect(errorOf(unknown).identifiant).toBe(unknownLogin);
    });
  });

  it('locks an address after SOURCE_LOCK_AFTER_FAILURES failures, whatever the logins tried, and only that address', async () => {
    const answers: number[] = [];
    for (let i = 0; i < SOURCE_LOCK_AFTER_FAILURES; i += 1) {
      answers.push((await attempt(`balayage-${RUN}-${i}`, 'wrong-password', IPS.source)).status);
    }
    expect(answers.slice(0, -1).every((status) => status === 401)).toBe(true);
    expect(answers.at(-1)).toBe(429);
    // One failure per login: no login was slowed down, the address alone was counted.
    expect(t.delays).toEqual([]);

    // A real account, never failed from here, with its right password: refused from this address…
    const refused = await attempt('martin-claire', DEMO.parentPassword, IPS.source);
    expect(refused.status).toBe(429);
    expect(errorOf(refused).summary).toBe(LOCKED_MESSAGE);
    // …and welcome from any other.
    await attempt('martin-claire', DEMO.parentPassword, IPS.other).then((r) => expect(r.status).toBe(303));
  });
});

describe('POST /:commune/connexion under a parallel attack', () => {
  /** `count` browsers, each with the sign-in form open, so their POSTs can leave at the same instant. */
  async function browsersReady(count: number) {
    return Promise.all(
      Array.from({ length: count }, async () => {
        const agent = request.agent(t.app);
        return { agent, _csrf: await csrfTokenFrom(agent, `/${SLUG}/connexion`) };
      }),
    );
  }

  async function inParallel(count: number, login: (i: number) => string, ip: string) {
    const browsers = await browsersReady(count);
    const checksBefore = t.passwordChecks.count;
    const answers = await Promise.all(
      browsers.map(({ agent, _csrf }, i) =>
        agent.post(`/${SLUG}/connexion`).set('X-Forwarded-For', ip).type('form').send({ _csrf, identifiant: login(i), motDePasse: `wrong-${i}` }),
      ),
    );
    return { statuses: answers.map((answer) => answer.status), checked: t.passwordChecks.count - checksBefore };
  }

  it('checks at most 10 of 50 simultaneous wrong passwords for one login, then refuses the right one until the lock ends', async () => {
    const { parents } = await freshFamily(t, SLUG, { prefix: 'Assaut' });
    const { email, user } = parents[0]!;

    const { statuses, checked } = await inParallel(50, () => email, IPS.swarm);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(ACCOUNT_LOCK_AFTER_FAILURES);
    expect(statuses.every((status) => status === 401 || status === 429)).toBe(true);
    expect(statuses.filter((status) => status === 401).length).toBeLessThan(ACCOUNT_LOCK_AFTER_FAILURES);
    // The connection history agrees: at most 10 wrong passwords, every other attempt refused unchecked.
    const outcomes = await t.runtime.db('sign_in_events').where({ user_id: user.id }).whereNot({ outcome: 'success' }).select('outcome');
    expect(outcomes.filter((event) => event.outcome === 'failure').length).toBe(checked);
    expect(outcomes.filter((event) => event.outcome === 'locked').length).toBe(50 - checked);

    // The account is locked: the right password, from another address, is refused without a check.
    const checksBefore = t.passwordChecks.count;
    const refused = await attempt(email, FRESH_PASSWORD, IPS.afterLock);
    expect(refused.status).toBe(429);
    expect(errorOf(refused).summary).toBe(LOCKED_MESSAGE);
    expect(t.passwordChecks.count).toBe(checksBefore);

    // The lock is kept by the counters' own clock in PostgreSQL rows: move the process's clock past it.
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + (LOCK_SECONDS - 30) * 1000);
      await attempt(email, FRESH_PASSWORD, IPS.afterLock).then((r) => expect(r.status).toBe(429));
      vi.setSystemTime(Date.now() + 31 * 1000);
      await attempt(email, FRESH_PASSWORD, IPS.afterLock).then((r) => expect(r.status).toBe(303));
    } finally {
      vi.useRealTimers();
    }
  });

  it('checks at most SOURCE_LOCK_AFTER_FAILURES passwords of a burst from one address, whatever the logins', async () => {
    const burst = SOURCE_LOCK_AFTER_FAILURES + 20;
    const { statuses, checked } = await inParallel(burst, (i) => `essaim-${RUN}-${i}`, IPS.spray);
    expect(checked).toBeGreaterThan(0);
    expect(checked).toBeLessThanOrEqual(SOURCE_LOCK_AFTER_FAILURES);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(burst - SOURCE_LOCK_AFTER_FAILURES);

    const refused = await attempt('martin-claire', DEMO.parentPassword, IPS.spray);
    expect(refused.status).toBe(429);
    await attempt('martin-claire', DEMO.parentPassword, IPS.other).then((r) => expect(r.status).toBe(303));
  });
});

describe('the PostgreSQL throttle shared by two app instances', () => {
  let pools: pg.Pool[];

  beforeAll(() => {
    pools = [0, 1].map(() => new pg.Pool({ connectionString: inject('databaseUrl'), max: 2 }));
  });
  afterAll(() => Promise.all(pools.map((pool) => pool.end())));

  it('counts the failures seen by either instance together, and both see the lock', async () => {
    const [first, second] = pools.map((pool) => postgresSignInThrottle(pool)) as [
      ReturnType<typeof postgresSignInThrottle>,
      ReturnType<typeof postgresSignInThrottle>,
    ];
    const attemptOf = { communeId, login: `  Partage-${RUN} `, ip: IPS.shared };

    /** One attempt with a wrong password on `instance`, as the auth service makes it. */
    async function fail(instance: SignInThrottle, attemptMade: SignInAttempt) {
      const counted = await instance.consume(attemptMade);
      if (counted.locked) return 'refused';
      const verdict = await instance.recordFailure(attemptMade, counted);
      return verdict.locked ? verdict : verdict.delayMs;
    }

    const verdicts = [];
    for (let i = 0; i < ACCOUNT_LOCK_AFTER_FAILURES - 1; i += 1) verdicts.push(await fail(i % 2 === 0 ? first : second, attemptOf));
    // Each instance saw only half the failures, yet the delays follow the shared count.
    expect(verdicts).toEqual([0, 0, 1_000, 2_000, 3_000, 4_000, 5_000, 5_000, 5_000]);

    // The 10th failure, on the second instance, locks the login for the first one too.
    expect(await fail(second, { ...attemptOf, login: `partage-${RUN}` })).toEqual({ locked: true, retryAfterSeconds: LOCK_SECONDS });
    const seen = await first.consume({ ...attemptOf, ip: null });
    expect(seen.locked).toBe(true);
    expect(seen.locked && seen.retryAfterSeconds).toBeGreaterThan(LOCK_SECONDS - 60);

    const row = await t.runtime.db('rate_limits').where({ key: `${ACCOUNT_PREFIX}:${communeId}:partage-${RUN}` }).first();
    expect(row.points).toBeGreaterThanOrEqual(ACCOUNT_LOCK_AFTER_FAILURES);
    expect(Number(row.expire)).toBeGreaterThan(Date.now() + (LOCK_SECONDS - 60) * 1000);

    // A success recorded by one instance clears the counter for the other.
    await second.recordSuccess(attemptOf);
    expect(await first.consume(attemptOf)).toMatchObject({ locked: false, accountAttempts: 1 });
  });
});
