import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { argon2Hasher } from '../../src/services/accounts/password-hasher.ts';
import { buildTestApp, csrfTokenFrom, DEMO, html, signIn, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp();
});
afterAll(() => t.close());

function sessionCookie(response: request.Response): string | undefined {
  const cookies = response.headers['set-cookie'] as unknown as string[] | undefined;
  return cookies?.find((cookie) => cookie.startsWith('ef.sid='));
}

describe('POST /:commune/connexion', () => {
  it.each([
    ['the identifier', 'martin-claire'],
    ['the e-mail address', 'parent@echirolles.example.org'],
    ['the identifier in another case', 'Martin-Claire'],
    ['the e-mail in capitals, with spaces around', '  PARENT@Echirolles.Example.org '],
  ])('signs a parent in with %s and opens the dashboard', async (_label, login) => {
    const agent = request.agent(t.app);
    const response = await signIn(agent, 'echirolles', login, DEMO.parentPassword, 303);
    expect(response.headers.location).toBe('/echirolles/tableau-de-bord');

    const dashboard = await agent.get('/echirolles/tableau-de-bord').expect(200);
    const $ = html(dashboard.text);
    expect($('h1').text()).toBe('Bonjour Claire Martin');
    const members = $('section[aria-labelledby="members-title"] li a').map((_, el) => $(el).text()).get();
    expect(members).toEqual(['Claire Martin', 'Paul Martin', 'Léa Martin', 'Hugo Martin', 'Monique Durand']);
    expect(dashboard.text).not.toContain('Bernard');
  });

  it('refuses a wrong password with 401, one generic message, and keeps the identifier', async () => {
    const agent = request.agent(t.app);
    const response = await signIn(agent, 'echirolles', 'martin-claire', 'not-the-password', 401);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('.error-summary h2').text()).toBe('Il y a un problème');
    expect($('.error-summary a[href="#field-identifiant"]').text()).toBe('Identifiant ou mot de passe incorrect.');
    expect($('#field-identifiant').val()).toBe('martin-claire');
    expect($('#field-motDePasse').val()).toBeUndefined();
    await agent.get('/echirolles/tableau-de-bord').expect(303);
  });

  it('gives an unknown account exactly the same answer as a wrong password', async () => {
    const agent = request.agent(t.app);
    const response = await signIn(agent, 'echirolles', 'personne-inconnue', 'whatever-password', 401);
    expect(html(response.text)('.error-summary li').text()).toBe('Identifiant ou mot de passe incorrect.');
  });

  it('refuses a parent of another commune', async () => {
    const agent = request.agent(t.app);
    await signIn(agent, 'echirolles', 'parent@villennes.example.org', DEMO.parentPassword, 401);
  });

  it('reports each empty field with a 400, next to the field and in the summary', async () => {
    const agent = request.agent(t.app);
    const response = await signIn(agent, 'echirolles', '', '', 400);
    const $ = html(response.text);
    expect($('.error-summary li').map((_, el) => $(el).text()).get()).toEqual([
      'Saisissez votre identifiant ou votre adresse e-mail',
      'Saisissez votre mot de passe',
    ]);
    expect($('#error-identifiant').text()).toContain('Saisissez votre identifiant');
    expect($('#field-identifiant').attr('aria-invalid')).toBe('true');
  });

  it('gives a new session id at sign-in, with httpOnly and SameSite=Lax', async () => {
    const agent = request.agent(t.app);
    const page = await agent.get('/echirolles/connexion');
    const _csrf = html(page.text)('input[name="_csrf"]').val() as string;
    const before = sessionCookie(page);
    expect(before).toBeDefined();

    const response = await agent
      .post('/echirolles/connexion')
      .type('form')
      .send({ _csrf, identifiant: 'martin-claire', motDePasse: DEMO.parentPassword })
      .expect(303);
    const after = sessionCookie(response);
    expect(after).toBeDefined();
    expect(after!.split(';')[0]).not.toBe(before!.split(';')[0]);
    expect(after).toMatch(/HttpOnly/i);
    expect(after).toMatch(/SameSite=Lax/i);
    expect(after).not.toMatch(/Secure/i);
  });

  it('sends staff to the back-office', async () => {
    const agent = request.agent(t.app);
    const response = await signIn(agent, 'echirolles', 'agent@echirolles.example.org', DEMO.agentPassword, 303);
    expect(response.headers.location).toBe('/echirolles/admin');
    const admin = await agent.get('/echirolles/admin').expect(200);
    const $ = html(admin.text);
    expect($('h1').text()).toContain('Espace agents');
    // The commune's families, the first page of them (other suites add families named before Martin).
    const rows = $('tbody tr').map((_, row) => $(row).find('td').eq(1).text()).get();
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.length).toBeLessThanOrEqual(50);
    const found = html((await agent.get('/echirolles/admin/familles').query({ q: 'Martin' }).expect(200)).text);
    expect(found('main').text()).toContain('Martin');
  });

  it('keeps parents out of the back-office', async () => {
    const agent = request.agent(t.app);
    await signIn(agent, 'echirolles', 'martin-claire', DEMO.parentPassword, 303);
    await agent.get('/echirolles/admin').expect(403);
  });

  it('upgrades a hash made with weaker argon2 parameters at the next sign-in', async () => {
    const old = argon2Hasher({ memoryKib: 19_456, timeCost: 2, parallelism: 1 });
    const db = t.runtime.db;
    const weakHash = await (await import('argon2')).default.hash(DEMO.parentPassword, {
      type: 2,
      memoryCost: 8_192,
      timeCost: 1,
      parallelism: 1,
    });
    await db('users').where({ email: 'parent2@lemesnilsaintdenis.example.org' }).update({ password_hash: weakHash });

    await signIn(request.agent(t.app), 'lemesnilsaintdenis', 'martin-paul', DEMO.parentPassword, 303);

    const { password_hash: upgraded } = await db('users')
      .where({ email: 'parent2@lemesnilsaintdenis.example.org' })
      .first();
    expect(upgraded).not.toBe(weakHash);
    expect(upgraded).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect((await old.verify(upgraded, DEMO.parentPassword)).valid).toBe(true);
  });
});

describe('protected pages', () => {
  it('send an anonymous visitor to sign in, then back to the page asked for', async () => {
    const agent = request.agent(t.app);
    const first = await agent.get('/echirolles/tableau-de-bord').expect(303);
    expect(first.headers.location).toBe('/echirolles/connexion?retour=%2Fechirolles%2Ftableau-de-bord');

    const page = await agent.get(first.headers.location!).expect(200);
    const $ = html(page.text);
    expect($('input[name="retour"]').val()).toBe('/echirolles/tableau-de-bord');
    const response = await agent
      .post('/echirolles/connexion')
      .type('form')
      .send({
        _csrf: $('input[name="_csrf"]').val(),
        identifiant: 'martin-paul',
        motDePasse: DEMO.parentPassword,
        retour: '/echirolles/tableau-de-bord',
      })
      .expect(303);
    expect(response.headers.location).toBe('/echirolles/tableau-de-bord');
  });

  it.each(['//evil.example.com/', 'https://evil.example.com/', '/villennes/tableau-de-bord', '/echirolles/\\evil'])(
    'ignore a return address outside the commune (%s)',
    async (retour) => {
      const agent = request.agent(t.app);
      const _csrf = await csrfTokenFrom(agent, '/echirolles/connexion');
      const response = await agent
        .post('/echirolles/connexion')
        .type('form')
        .send({ _csrf, identifiant: 'martin-claire', motDePasse: DEMO.parentPassword, retour })
        .expect(303);
      expect(response.headers.location).toBe('/echirolles/tableau-de-bord');
    },
  );
});

describe('CSRF', () => {
  it('refuses a sign-in posted without the token, and signs no one in', async () => {
    const agent = request.agent(t.app);
    await agent.get('/echirolles/connexion');
    const response = await agent
      .post('/echirolles/connexion')
      .type('form')
      .send({ identifiant: 'martin-claire', motDePasse: DEMO.parentPassword })
      .expect(403);
    expect(html(response.text)('h1').text()).toBe('Formulaire expiré');
    await agent.get('/echirolles/tableau-de-bord').expect(303);
  });

  it('refuses a token from another session', async () => {
    const other = request.agent(t.app);
    const _csrf = await csrfTokenFrom(other, '/echirolles/connexion');
    const agent = request.agent(t.app);
    await agent.get('/echirolles/connexion');
    await agent
      .post('/echirolles/connexion')
      .type('form')
      .send({ _csrf, identifiant: 'martin-claire', motDePasse: DEMO.parentPassword })
      .expect(403);
  });

  it('refuses a sign-out without the token, leaving the session open', async () => {
    const agent = request.agent(t.app);
    await signIn(agent, 'echirolles', 'martin-claire', DEMO.parentPassword, 303);
    await agent.post('/echirolles/deconnexion').type('form').send({}).expect(403);
    await agent.get('/echirolles/tableau-de-bord').expect(200);
  });
});

describe('POST /:commune/deconnexion', () => {
  it('ends the session and returns to the commune home', async () => {
    const agent = request.agent(t.app);
    await signIn(agent, 'echirolles', 'martin-claire', DEMO.parentPassword, 303);
    const _csrf = await csrfTokenFrom(agent, '/echirolles/tableau-de-bord');
    const response = await agent.post('/echirolles/deconnexion').type('form').send({ _csrf }).expect(303);
    expect(response.headers.location).toBe('/echirolles');
    const home = await agent.get('/echirolles').expect(200);
    expect(html(home.text)('[role="status"]').text()).toContain('Vous êtes déconnecté·e');
    await agent.get('/echirolles/tableau-de-bord').expect(303);
  });
});
