import request from 'supertest';
import { createLogger } from '../../src/logger.ts';
import { createApp } from '../../src/web/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, DEMO, html, signIn, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp();
});
afterAll(() => t.close());

describe('GET /', () => {
  it('lists every commune served, in French alphabetical order', async () => {
    const response = await request(t.app).get('/').expect(200);
    const names = html(response.text)('main li a').map((_, a) => html(response.text)(a).text()).get();
    expect(names).toEqual(['Échirolles', 'Le Mesnil-Saint-Denis', 'Villennes-sur-Seine']);
  });
});

describe('GET /:commune', () => {
  it.each([
    ['echirolles', "Ville d'Échirolles", '04 76 20 63 40'],
    ['lemesnilsaintdenis', 'Commune du Mesnil-Saint-Denis', 'enfance-education@lemesnilsaintdenis.fr'],
    ['villennes', 'Ville de Villennes-sur-Seine', '01 39 08 25 67'],
  ])('resolves %s and shows its identity and contacts', async (slug, officialName, contact) => {
    const response = await request(t.app).get(`/${slug}`).expect(200);
    const $ = html(response.text);
    expect($('header .site-header__commune').text()).toBe(officialName);
    expect($('footer').text()).toContain(contact);
    expect($('h1')).toHaveLength(1);
    expect($('a.skip-link').attr('href')).toBe('#contenu');
    expect($('main#contenu')).toHaveLength(1);
    expect($('title').text()).toContain(officialName);
  });

  it('answers 404 for an unknown commune, with the list of communes served', async () => {
    const response = await request(t.app).get('/grenoble/connexion').expect(404);
    const $ = html(response.text);
    expect($('h1').text()).toBe('Commune introuvable');
    expect($('main a[href="/echirolles"]').text()).toBe('Échirolles');
    expect($('main a[href="/villennes"]')).toHaveLength(1);
  });

  it("serves the commune's colours as a stylesheet, since inline styles are forbidden", async () => {
    const response = await request(t.app).get('/echirolles/theme.css').expect(200);
    expect(response.type).toBe('text/css');
    expect(response.text).toContain('--commune-primary:#8a1538');
  });
});

describe('a session opened at one commune', () => {
  it('is anonymous at another commune, and still signed in at the first', async () => {
    const agent = request.agent(t.app);
    await signIn(agent, 'echirolles', 'martin-claire', DEMO.parentPassword, 303);

    const elsewhere = await agent.get('/villennes/tableau-de-bord').expect(303);
    expect(elsewhere.headers.location).toBe('/villennes/connexion?retour=%2Fvillennes%2Ftableau-de-bord');
    const villennesHome = await agent.get('/villennes').expect(200);
    expect(html(villennesHome.text)('button:contains("Se déconnecter")')).toHaveLength(0);

    await agent.get('/echirolles/tableau-de-bord').expect(200);
  });

  it('does not open the same person at another commune even with the same e-mail domain pattern', async () => {
    const agent = request.agent(t.app);
    await signIn(agent, 'echirolles', 'parent@echirolles.example.org', DEMO.parentPassword, 303);
    // Villennes has its own Claire Martin: the Échirolles session must not reach her file.
    const response = await agent.get('/villennes/tableau-de-bord');
    expect(response.status).toBe(303);
  });
});

describe('GET /health', () => {
  it('answers 200 when the database answers', async () => {
    const response = await request(t.app).get('/health').expect(200);
    expect(response.body).toEqual({ status: 'ok', database: true });
  });
});

describe('security headers', () => {
  it('sends a CSP without inline scripts, and pages carry no inline script', async () => {
    const response = await request(t.app).get('/echirolles').expect(200);
    const csp = response.headers['content-security-policy'];
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const $ = html(response.text);
    expect($('script:not([src])')).toHaveLength(0);
    expect($('[style]')).toHaveLength(0);
    expect(response.headers['x-content-type-options']).toBe('nosniff');
  });
});

describe('the development mailbox', () => {
  it('lists the mails outside production', async () => {
    const response = await request(t.app).get('/_dev/mails').expect(200);
    expect(html(response.text)('h1').text()).toBe('Boîte aux lettres de développement');
  });

  it('does not exist in production', async () => {
    const production = createApp({
      services: t.runtime.services,
      logger: createLogger('silent'),
      sessionPool: t.runtime.sessionPool,
      sessionSecret: 'test-secret-that-is-long-enough-for-sessions',
      production: true,
    });
    await request(production).get('/_dev/mails').expect(404);
    await request(production).get('/_dev/mails/1').expect(404);
  });
});

describe('the footer', () => {
  it('names the official portal in a sentence, keeping the capital of the town', async () => {
    const response = await request(t.app).get('/villennes').expect(200);
    expect(html(response.text)('.site-footer__meta').text()).toContain('portail officiel de la ville de Villennes-sur-Seine');
  });
});
