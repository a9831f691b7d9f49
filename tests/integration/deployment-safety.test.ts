import { Writable } from 'node:stream';
import pino from 'pino';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { createApp } from '../../src/web/app.ts';
import { buildTestApp, csrfTokenFrom, DEMO, lastMailTo, signIn, unique, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp();
});
afterAll(() => t.close());

function appWith(options: { devMailbox: boolean; production?: boolean; logger?: pino.Logger }) {
  return createApp({
    services: t.runtime.services,
    logger: options.logger ?? createLogger('silent'),
    sessionPool: t.runtime.sessionPool,
    sessionSecret: 'test-secret-that-is-long-enough-for-sessions',
    production: options.production ?? false,
    devMailbox: options.devMailbox,
  });
}

describe('the development mailbox', () => {
  it('is not there unless asked for (development on loopback, no SMTP)', async () => {
    const app = appWith({ devMailbox: false });
    await request(app).get('/_dev/mails').expect(404);
    await request(app).get('/_dev/mails/1').expect(404);
  });

  it('is never there in production, even if asked for', async () => {
    await request(appWith({ devMailbox: true, production: true })).get('/_dev/mails').expect(404);
  });

  it('answers only a browser on this machine, not one behind a proxy', async () => {
    const app = appWith({ devMailbox: true });
    await request(app).get('/_dev/mails').expect(200);
    await request(app).get('/_dev/mails').set('X-Forwarded-For', '203.0.113.7').expect(404);
    await request(app).get('/_dev/mails').set('Forwarded', 'for=203.0.113.7').expect(404);
  });
});

describe('pages kept by the browser', () => {
  it('are never kept: a signed-in page, the sign-in form and the sign-out answer send no-store', async () => {
    const agent = request.agent(t.app);
    expect((await agent.get('/echirolles/connexion')).headers['cache-control']).toBe('no-store');
    await signIn(agent, 'echirolles', 'martin-claire', DEMO.parentPassword, 303);
    const dashboard = await agent.get('/echirolles/tableau-de-bord').expect(200);
    expect(dashboard.headers['cache-control']).toBe('no-store');
    const family = await agent.get('/echirolles/famille').expect(200);
    expect(family.headers['cache-control']).toBe('no-store');
  });

  it('except the static files, which may be cached', async () => {
    const css = await request(t.app).get('/static/css/main.css');
    expect(css.headers['cache-control']).not.toBe('no-store');
  });
});

describe('request logs', () => {
  it('never hold an activation or reset token, in the URL or in the Referer', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logger = pino({ level: 'info' }, sink);
    const app = appWith({ devMailbox: false, logger });

    // A real reset link, for a fresh account of Le Mesnil-Saint-Denis.
    const name = unique('Roux');
    const email = `${name.toLowerCase()}@example.org`;
    const commune = (await t.runtime.services.communes.findBySlug('lemesnilsaintdenis'))!;
    await t.runtime.services.familyCreation.createFamilyWithGuardians(commune, {
      name,
      guardians: [{ civility: 'madame', lastName: name, firstName: 'Anne', email }],
    });
    const { path } = await lastMailTo(t, email);
    const token = path!.split('/').pop()!;
    expect(token.length).toBeGreaterThan(20);

    const agent = request.agent(app);
    const _csrf = await csrfTokenFrom(agent, path!);
    await agent
      .post(path!)
      .set('Referer', `http://localhost:3000${path}`)
      .type('form')
      .send({ _csrf, motDePasse: 'trop court', confirmation: 'trop court' });

    const logged = lines.join('');
    expect(logged).toContain('/lemesnilsaintdenis/activation/[masqué]');
    expect(logged).not.toContain(token);
  });
});
