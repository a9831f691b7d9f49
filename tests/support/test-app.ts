import * as cheerio from 'cheerio';
import type { Express } from 'express';
import request from 'supertest';
import { inject } from 'vitest';
import { createRuntime, type Runtime } from '../../src/bootstrap.ts';
import { fixedClock } from '../../src/integrations/clock.ts';
import { createLogger } from '../../src/logger.ts';
import { createApp } from '../../src/web/app.ts';
import { testEnv } from './test-env.ts';

export interface TestApp {
  app: Express;
  runtime: Runtime;
  clock: ReturnType<typeof fixedClock>;
  close(): Promise<void>;
}

export { DEFAULT_NOW } from './test-clock.ts';
import { DEFAULT_NOW } from './test-clock.ts';

/**
 * The real app, with its real middleware (CSRF included), on the integration database. `env`: more
 * of the environment, e.g. PAYFIP_URL of a PayFiP simulator the test started and the PUBLIC_URL the
 * app is reachable at for its notifications.
 */
export function buildTestApp(now: Date = DEFAULT_NOW, env: Record<string, string> = {}): TestApp {
  const clock = fixedClock(now);
  const runtime = createRuntime(inject('databaseUrl'), testEnv(env), clock);
  const app = createApp({
    services: runtime.services,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    sessionPool: runtime.sessionPool,
    sessionSecret: 'test-secret-that-is-long-enough-for-sessions',
    production: false,
    devMailbox: true,
    paymentSiteOrigin: env.PAYFIP_URL ? new URL(env.PAYFIP_URL).origin : undefined,
  });
  return { app, runtime, clock, close: () => runtime.close() };
}

/** Reads the CSRF token of the first form on a page, as a browser would. */
export async function csrfTokenFrom(agent: request.Agent, path: string): Promise<string> {
  const page = await agent.get(path);
  const token = cheerio.load(page.text)('input[name="_csrf"]').first().val();
  if (typeof token !== 'string' || !token) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
  return token;
}

/** Signs in through the real form; fails the test unless the answer has `expectedStatus`. */
export async function signIn(
  agent: request.Agent,
  slug: string,
  identifiant: string,
  motDePasse: string,
  expectedStatus: number,
): Promise<request.Response> {
  const _csrf = await csrfTokenFrom(agent, `/${slug}/connexion`);
  return agent.post(`/${slug}/connexion`).type('form').send({ _csrf, identifiant, motDePasse }).expect(expectedStatus);
}

export const DEMO = {
  parentPassword: 'demo-parent-2026',
  agentPassword: 'demo-agent-2026',
  adminPassword: 'demo-admin-2026',
};

export const html = (text: string) => cheerio.load(text);

/** The newest e-mail written to `to`, and the first portal link in it (as the person would click). */
export async function lastMailTo(t: TestApp, to: string) {
  const row = await t.runtime.db('mail_outbox').where({ to_address: to }).orderBy('id', 'desc').first();
  if (!row) throw new Error(`no mail to ${to}`);
  const link = /https?:\/\/[^\s]+/.exec(row.text_body as string)?.[0];
  return {
    subject: row.subject as string,
    text: row.text_body as string,
    html: row.html_body as string,
    kind: row.kind as string,
    /** Path of the link, to request it on the test app. */
    path: link ? new URL(link).pathname : undefined,
  };
}

export async function countMailsTo(t: TestApp, to: string, kind?: string): Promise<number> {
  const query = t.runtime.db('mail_outbox').where({ to_address: to });
  if (kind) query.andWhere({ kind });
  const [row] = await query.count<{ count: number }[]>('* as count');
  return row!.count;
}

/** A value unique to this run, for e-mails and names that must not collide between suites. */
export function unique(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
}
