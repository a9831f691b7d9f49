import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm } from '../support/fresh-family.ts';
import { buildTestApp, countMailsTo, csrfTokenFrom, DEMO, html, lastMailTo, signIn, unique, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(new Date('2026-11-23T09:00:00+01:00'));
});
afterAll(() => t.close());

async function staffAgent(slug = 'echirolles') {
  const agent = request.agent(t.app);
  await signIn(agent, slug, `agent@${slug}.example.org`, DEMO.agentPassword, 303);
  return agent;
}

async function createFamily(agent: request.Agent, fields: Record<string, string>, slug = 'echirolles') {
  return postForm(agent, `/${slug}/admin/familles/nouvelle`, `/${slug}/admin/familles/nouvelle`, fields);
}

async function choosePassword(path: string, password: string, confirmation = password) {
  const agent = request.agent(t.app);
  // The token comes from the sign-in page: a used or expired link's page has no form.
  const _csrf = await csrfTokenFrom(agent, `/${path.split('/')[1]}/connexion`);
  return agent.post(path).type('form').send({ _csrf, motDePasse: password, confirmation });
}

describe('staff create a family with two guardians', () => {
  it('opens one account per guardian and e-mails each an activation link that works once', async () => {
    const name = unique('Durand');
    const claire = `${name.toLowerCase()}-a@example.org`;
    const marc = `${name.toLowerCase()}-b@example.org`;
    const staff = await staffAgent();
    const created = await createFamily(staff, {
      famille: name,
      adresse: '4 rue du Moulin',
      codePostal: '38130',
      ville: 'Échirolles',
      civilite1: 'madame',
      nom1: name,
      prenom1: 'Inès',
      courriel1: claire,
      telephone1: '06.11.22.33.44',
      civilite2: 'monsieur',
      nom2: name,
      prenom2: 'Marc',
      courriel2: marc,
    });
    expect(created.status).toBe(303);

    const accounts = await t.runtime.db('users').whereIn('email', [claire, marc]).orderBy('email');
    expect(accounts.map((a) => [a.email, a.status, a.password_hash])).toEqual([
      [claire, 'pending_activation', null],
      [marc, 'pending_activation', null],
    ]);
    expect(await countMailsTo(t, claire, 'activation')).toBe(1);
    expect(await countMailsTo(t, marc, 'activation')).toBe(1);

    const mail = await lastMailTo(t, claire);
    expect(mail.subject).toContain("Ville d'Échirolles");
    expect(mail.text).toContain(`Votre identifiant : ${name.toLowerCase()}-ines`);
    expect(mail.text).toContain('04 76 20 63 40');
    expect(mail.html).toContain('Choisir mon mot de passe');
    expect(mail.path).toMatch(/^\/echirolles\/activation\/[\w-]{40,}$/);

    const page = await request(t.app).get(mail.path!).expect(200);
    expect(html(page.text)('h1').text()).toBe('Activer mon espace');

    await choosePassword(mail.path!, 'une phrase assez longue').then((r) => expect(r.status).toBe(303));
    await signIn(request.agent(t.app), 'echirolles', claire, 'une phrase assez longue', 303);

    // The same link a second time: refused, and the password stays the one chosen first.
    const again = await request(t.app).get(mail.path!).expect(410);
    expect(html(again.text)('h1').text()).toBe("Ce lien d'activation a déjà été utilisé");
    const reused = await choosePassword(mail.path!, 'un autre mot de passe long');
    expect(reused.status).toBe(410);
    await signIn(request.agent(t.app), 'echirolles', claire, 'une phrase assez longue', 303);
  });

  it('refuses a weak password with a message per rule, and keeps the link usable', async () => {
    const name = unique('Petit');
    const address = `${name.toLowerCase()}@example.org`;
    await createFamily(await staffAgent(), { famille: name, civilite1: 'monsieur', nom1: name, prenom1: 'Léo', courriel1: address });
    const { path } = await lastMailTo(t, address);

    const short = await choosePassword(path!, 'court');
    expect(short.status).toBe(400);
    expect(html(short.text)('.error-summary li').text()).toBe('Le mot de passe doit contenir au moins 12 caractères (5 saisis)');

    const mismatch = await choosePassword(path!, 'une phrase assez longue', 'une autre phrase longue');
    expect(mismatch.status).toBe(400);
    expect(html(mismatch.text)('#error-confirmation').text()).toContain('Les deux mots de passe ne sont pas identiques');

    await choosePassword(path!, 'une phrase assez longue').then((r) => expect(r.status).toBe(303));
  });

  it('says an expired link has expired and sends a new one on request', async () => {
    const name = unique('Moreau');
    const address = `${name.toLowerCase()}@example.org`;
    await createFamily(await staffAgent(), { famille: name, civilite1: 'madame', nom1: name, prenom1: 'Zoé', courriel1: address });
    const first = await lastMailTo(t, address);

    t.clock.set(new Date('2026-12-01T09:00:01+01:00'));
    try {
      const agent = request.agent(t.app);
      const expired = await agent.get(first.path!).expect(410);
      expect(html(expired.text)('h1').text()).toBe("Ce lien d'activation a expiré");
      const _csrf = html(expired.text)('form input[name="_csrf"]').val() as string;
      await agent.post(`${first.path}/nouveau-lien`).type('form').send({ _csrf }).expect(200);

      expect(await countMailsTo(t, address, 'activation')).toBe(2);
      const second = await lastMailTo(t, address);
      expect(second.path).not.toBe(first.path);
      await choosePassword(second.path!, 'une phrase assez longue').then((r) => expect(r.status).toBe(303));
      await choosePassword(first.path!, 'une phrase assez longue').then((r) => expect(r.status).toBe(410));
    } finally {
      t.clock.set(new Date('2026-11-23T09:00:00+01:00'));
    }
  });

  it('refuses an e-mail that already has an account, keeping what was typed and writing nothing', async () => {
    const name = unique('Garcia');
    const staff = await staffAgent();
    const before = await t.runtime.db('families').count<{ count: number }[]>('* as count');
    const response = await createFamily(staff, {
      famille: name,
      civilite1: 'madame',
      nom1: name,
      prenom1: 'Ana',
      courriel1: 'parent@echirolles.example.org',
      telephone1: '12345',
    });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('.error-summary li').map((_, el) => $(el).text()).get()).toEqual([
      'Saisissez un numéro de téléphone français à 10 chiffres, par exemple 06 12 34 56 78',
    ]);
    expect($('#field-famille').val()).toBe(name);

    const duplicate = await createFamily(staff, {
      famille: name,
      civilite1: 'madame',
      nom1: name,
      prenom1: 'Ana',
      courriel1: 'PARENT@echirolles.example.org',
    });
    expect(duplicate.status).toBe(400);
    expect(html(duplicate.text)('#error-courriel1').text()).toContain('Un compte existe déjà');
    expect(await t.runtime.db('families').count<{ count: number }[]>('* as count')).toEqual(before);
  });

  it('is for staff only', async () => {
    const parent = request.agent(t.app);
    await signIn(parent, 'echirolles', 'martin-claire', DEMO.parentPassword, 303);
    await parent.get('/echirolles/admin/familles/nouvelle').expect(403);
  });
});
