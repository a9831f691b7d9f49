import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, countMailsTo, csrfTokenFrom, DEMO, html, lastMailTo, signIn, unique, type TestApp } from '../support/test-app.ts';

const NOW = new Date('2026-11-23T09:00:00+01:00');
let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());

/** A fresh active parent of Le Mesnil-Saint-Denis, so password changes touch no shared demo account. */
async function freshParent() {
  const name = unique('Leroy');
  const email = `${name.toLowerCase()}@example.org`;
  const commune = (await t.runtime.services.communes.findBySlug('lemesnilsaintdenis'))!;
  await t.runtime.services.familyCreation.createFamilyWithGuardians(commune, {
    name,
    guardians: [{ civility: 'madame', lastName: name, firstName: 'Anne', email }],
  });
  const { path } = await lastMailTo(t, email);
  const agent = request.agent(t.app);
  const _csrf = await csrfTokenFrom(agent, path!);
  await agent.post(path!).type('form').send({ _csrf, motDePasse: 'premier mot de passe', confirmation: 'premier mot de passe' }).expect(303);
  return email;
}

async function askReset(login: string) {
  const agent = request.agent(t.app);
  const _csrf = await csrfTokenFrom(agent, '/lemesnilsaintdenis/mot-de-passe-oublie');
  const response = await agent.post('/lemesnilsaintdenis/mot-de-passe-oublie').type('form').send({ _csrf, identifiant: login }).expect(303);
  return html((await agent.get(response.headers.location!)).text)('[role="status"]').text();
}

async function setNewPassword(path: string, password: string) {
  const agent = request.agent(t.app);
  // The token comes from the sign-in page: a used or expired link's page has no form.
  const _csrf = await csrfTokenFrom(agent, `/${path.split('/')[1]}/connexion`);
  return agent.post(path).type('form').send({ _csrf, motDePasse: password, confirmation: password });
}

describe('forgotten password', () => {
  it('answers the same whether or not the account exists, and mails only a real account', async () => {
    const email = await freshParent();
    const forReal = await askReset(email.toUpperCase());
    const forNobody = await askReset(`${unique('personne')}@example.org`);
    expect(forReal).toBe(forNobody);
    expect(forReal).toContain('Si un espace correspond à cet identifiant');
    expect(await countMailsTo(t, email, 'password_reset')).toBe(1);
  });

  it('works once, closes every open session, and refuses the link a second time', async () => {
    const email = await freshParent();
    const phone = request.agent(t.app);
    await signIn(phone, 'lemesnilsaintdenis', email, 'premier mot de passe', 303);
    await phone.get('/lemesnilsaintdenis/tableau-de-bord').expect(200);

    await askReset(email);
    const { path, text } = await lastMailTo(t, email);
    expect(text).toContain('valable une heure, jusqu\'au lundi 23 novembre 2026 à 10h00');
    expect((await setNewPassword(path!, 'deuxième mot de passe')).status).toBe(303);

    await phone.get('/lemesnilsaintdenis/tableau-de-bord').expect(303);
    await signIn(request.agent(t.app), 'lemesnilsaintdenis', email, 'premier mot de passe', 401);
    await signIn(request.agent(t.app), 'lemesnilsaintdenis', email, 'deuxième mot de passe', 303);

    const reused = await setNewPassword(path!, 'troisième mot de passe');
    expect(reused.status).toBe(410);
    expect(html(reused.text)('h1').text()).toBe('Ce lien a déjà été utilisé');
    await signIn(request.agent(t.app), 'lemesnilsaintdenis', email, 'troisième mot de passe', 401);
    expect((await lastMailTo(t, email)).kind).toBe('password_changed');
  });

  it('expires after one hour', async () => {
    const email = await freshParent();
    await askReset(email);
    const { path } = await lastMailTo(t, email);
    t.clock.set(new Date(NOW.getTime() + 60 * 60_000 + 1_000));
    try {
      const page = await request(t.app).get(path!).expect(410);
      expect(html(page.text)('h1').text()).toBe('Ce lien a expiré');
      expect((await setNewPassword(path!, 'deuxième mot de passe')).status).toBe(410);
    } finally {
      t.clock.set(NOW);
    }
  });
});

describe('POST /:commune/changer-mot-de-passe', () => {
  it('checks the current password and the rules, then closes the other sessions but not this one', async () => {
    const email = await freshParent();
    const laptop = request.agent(t.app);
    const phone = request.agent(t.app);
    await signIn(laptop, 'lemesnilsaintdenis', email, 'premier mot de passe', 303);
    await signIn(phone, 'lemesnilsaintdenis', email, 'premier mot de passe', 303);

    const _csrf = await csrfTokenFrom(laptop, '/lemesnilsaintdenis/changer-mot-de-passe');
    const wrong = await laptop
      .post('/lemesnilsaintdenis/changer-mot-de-passe')
      .type('form')
      .send({ _csrf, motDePasseActuel: 'pas le bon', motDePasse: 'nouveau mot de passe', confirmation: 'nouveau mot de passe' });
    expect(wrong.status).toBe(400);
    expect(html(wrong.text)('#error-motDePasseActuel').text()).toContain('Le mot de passe actuel est incorrect');

    const short = await laptop
      .post('/lemesnilsaintdenis/changer-mot-de-passe')
      .type('form')
      .send({ _csrf, motDePasseActuel: 'premier mot de passe', motDePasse: 'court', confirmation: 'court' });
    expect(html(short.text)('#error-motDePasse').text()).toContain('au moins 12 caractères');

    await laptop
      .post('/lemesnilsaintdenis/changer-mot-de-passe')
      .type('form')
      .send({ _csrf, motDePasseActuel: 'premier mot de passe', motDePasse: 'nouveau mot de passe', confirmation: 'nouveau mot de passe' })
      .expect(303);

    await laptop.get('/lemesnilsaintdenis/tableau-de-bord').expect(200);
    await phone.get('/lemesnilsaintdenis/tableau-de-bord').expect(303);
    await signIn(request.agent(t.app), 'lemesnilsaintdenis', email, 'nouveau mot de passe', 303);
  });

  it('needs a signed-in person', async () => {
    const response = await request(t.app).get('/lemesnilsaintdenis/changer-mot-de-passe').expect(303);
    expect(response.headers.location).toContain('/lemesnilsaintdenis/connexion');
  });

  it('is reachable by staff too', async () => {
    const staff = request.agent(t.app);
    await signIn(staff, 'lemesnilsaintdenis', 'admin', DEMO.adminPassword, 303);
    await staff.get('/lemesnilsaintdenis/changer-mot-de-passe').expect(200);
  });
});
