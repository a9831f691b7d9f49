import request from 'supertest';
import { createRepositories } from '../../src/data/index.ts';
import { postgresSignInThrottle } from '../../src/integrations/sign-in-throttle.ts';
import { createLogger } from '../../src/logger.ts';
import { authService } from '../../src/services/accounts/auth-service.ts';
import { argon2Hasher, type PasswordHasher } from '../../src/services/accounts/password-hasher.ts';
import { createApp } from '../../src/web/app.ts';
import { buildTestApp, csrfTokenFrom, DEFAULT_NOW, type TestApp } from './test-app.ts';
import { testEnv } from './test-env.ts';

export interface SignInTestApp extends TestApp {
  /** Every delay the auth service asked for, in milliseconds, in order; nothing actually waits. */
  delays: number[];
  /** How many passwords the auth service has checked (against a real or the dummy hash). */
  passwordChecks: { count: number };
}

/**
 * The real app with the real PostgreSQL throttles, as `buildTestApp` builds it, except that slowed
 * answers only note their delay instead of sleeping, password checks are counted, and the app
 * trusts one proxy, so each test can pretend to come from its own address with `X-Forwarded-For`
 * (and leave 127.0.0.1's counters, shared by every suite, alone).
 */
export function buildSignInTestApp(now: Date = DEFAULT_NOW): SignInTestApp {
  const base = buildTestApp(now);
  const env = testEnv();
  const delays: number[] = [];
  const passwordChecks = { count: 0 };
  const hasher = argon2Hasher({ memoryKib: env.ARGON2_MEMORY_KIB, timeCost: env.ARGON2_TIME_COST, parallelism: env.ARGON2_PARALLELISM });
  const countingHasher: PasswordHasher = {
    hash: (password) => hasher.hash(password),
    verify(hash, password) {
      passwordChecks.count += 1;
      return hasher.verify(hash, password);
    },
    verifyAgainstDummy(password) {
      passwordChecks.count += 1;
      return hasher.verifyAgainstDummy(password);
    },
  };
  const auth = authService(
    createRepositories(base.runtime.db),
    countingHasher,
    base.clock,
    postgresSignInThrottle(base.runtime.sessionPool),
    {
      sleep: async (ms) => {
        delays.push(ms);
      },
    },
  );
  const app = createApp({
    services: { ...base.runtime.services, auth },
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    sessionPool: base.runtime.sessionPool,
    sessionSecret: 'test-secret-that-is-long-enough-for-sessions',
    production: false,
    devMailbox: true,
    trustProxy: true,
  });
  return { ...base, app, delays, passwordChecks };
}

export const ANDROID_CHROME =
  'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36';

/** Posts the sign-in form from `ip`, whatever the answer (the caller checks it). */
export async function attemptSignIn(
  agent: request.Agent,
  slug: string,
  login: string,
  password: string,
  { ip, userAgent = ANDROID_CHROME }: { ip: string; userAgent?: string },
): Promise<request.Response> {
  const _csrf = await csrfTokenFrom(agent, `/${slug}/connexion`);
  return agent
    .post(`/${slug}/connexion`)
    .set('X-Forwarded-For', ip)
    .set('User-Agent', userAgent)
    .type('form')
    .send({ _csrf, identifiant: login, motDePasse: password });
}
