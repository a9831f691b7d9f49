import type { Knex } from 'knex';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshFamily, FRESH_PASSWORD } from '../support/fresh-family.ts';
import { buildTestApp, countMailsTo, csrfTokenFrom, DEMO, html, lastMailTo, signIn, unique, type TestApp } from '../support/test-app.ts';

// Friday 20 November 2026, 16:00 in Paris: 48 working hours later is Tuesday 24 November, 16:00.
const FRIDAY_4PM = new Date('2026-11-20T16:00:00+01:00');

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(FRIDAY_4PM);
});
afterAll(() => t.close());

function form(email: string, overrides: Record<string, string> = {}) {
  return {
    civilite: 'madame',
    nomUsage: 'Lambert',
    prenom: 'Élodie',
    dateNaissance: '1988-06-02',
    paysNaissance: 'France',
    departementNaissance: 'Yvelines',
    communeNaissance: 'Poissy',
    adresse: '8 rue de la Seine',
    codePostal: '78670',
    ville: 'Villennes-sur-Seine',
    telephone: '0612345678',
    courriel: email,
    contactPrefere: 'email',
    motDePasse: 'ma maison au bord de la Seine',
    confirmation: 'ma maison au bord de la Seine',
    ...overrides,
  };
}

async function register(agent: request.Agent, fields: Record<string, string>) {
  const _csrf = await csrfTokenFrom(agent, '/villennes/creer-mon-espace');
  return agent.post('/villennes/creer-mon-espace').type('form').send({ _csrf, ...fields });
}

describe('« Créer mon espace » at Villennes', () => {
  it('gives the exact deadline, refuses sign-in until staff activate, then lets the person in', async () => {
    const email = `${unique('lambert')}@example.org`;
    const visitor = request.agent(t.app);
    const sent = await register(visitor, form(email));
    expect(sent.status).toBe(303);
    const done = await visitor.get(sent.headers.location!).expect(200);
    const $ = html(done.text);
    expect($('h1').text()).toBe('Votre demande est envoyée');
    expect($('.deadline').text()).toBe('mardi 24 novembre 2026 à 16h00');

    const receipt = await lastMailTo(t, email);
    expect(receipt.kind).toBe('self_registration_received');
    expect(receipt.text).toContain('au plus tard le mardi 24 novembre 2026 à 16h00');
    expect(receipt.text).toContain('01 39 08 25 67');

    const refused = await signIn(request.agent(t.app), 'villennes', email, 'ma maison au bord de la Seine', 403);
    expect(html(refused.text)('.error-summary').text()).toContain('mardi 24 novembre 2026 à 16h00');

    // Staff see it in the queue with its deadline, then activate it.
    const staff = request.agent(t.app);
    await signIn(staff, 'villennes', 'agent', DEMO.agentPassword, 303);
    const queue = await staff.get('/villennes/admin/comptes-a-activer').expect(200);
    const row = html(queue.text)(`tr:contains("${email}")`);
    expect(row.text()).toContain('mardi 24 novembre 2026 à 16h00');
    expect(row.text()).toContain('Reste');
    const userId = row.find('input[name="comptes"]').val() as string;
    const _csrf = html(queue.text)('input[name="_csrf"]').val() as string;
    await staff.post('/villennes/admin/comptes-a-activer').type('form').send({ _csrf, comptes: userId, decision: 'activer' }).expect(303);

    expect((await lastMailTo(t, email)).kind).toBe('activation_accepted');
    const signedIn = await signIn(request.agent(t.app), 'villennes', email, 'ma maison au bord de la Seine', 303);
    expect(signedIn.headers.location).toBe('/villennes/tableau-de-bord');
  });

  it('shows overdue requests flagged in words, and a refusal needs a reason that is e-mailed', async () => {
    const email = `${unique('roux')}@example.org`;
    await register(request.agent(t.app), form(email, { nomUsage: 'Roux', prenom: 'Jules' }));

    t.clock.set(new Date('2026-11-24T16:00:01+01:00'));
    try {
      const staff = request.agent(t.app);
      await signIn(staff, 'villennes', 'agent', DEMO.agentPassword, 303);
      const queue = await staff.get('/villennes/admin/comptes-a-activer').expect(200);
      const row = html(queue.text)(`tr:contains("${email}")`);
      expect(row.find('.tag--late').text()).toContain('En retard');
      const userId = row.find('input[name="comptes"]').val() as string;
      const _csrf = html(queue.text)('input[name="_csrf"]').val() as string;

      const noReason = await staff.post('/villennes/admin/comptes-a-activer').type('form').send({ _csrf, comptes: userId, decision: 'refuser' });
      expect(noReason.status).toBe(400);
      expect(html(noReason.text)('.error-summary').text()).toContain('Indiquez le motif du refus');

      await staff
        .post('/villennes/admin/comptes-a-activer')
        .type('form')
        .send({ _csrf, comptes: userId, decision: 'refuser', motif: 'Vous ne résidez pas à Villennes-sur-Seine.' })
        .expect(303);
      const mail = await lastMailTo(t, email);
      expect(mail.kind).toBe('activation_refused');
      expect(mail.text).toContain('Vous ne résidez pas à Villennes-sur-Seine.');
      await signIn(request.agent(t.app), 'villennes', email, 'ma maison au bord de la Seine', 403);
    } finally {
      t.clock.set(FRIDAY_4PM);
    }
  });

  it('reports bad input next to each field and in the summary, keeps it, and writes nothing', async () => {
    const email = `${unique('bad')}@example.org`;
    const families = await t.runtime.db('families').count<{ count: number }[]>('* as count');
    const response = await register(
      request.agent(t.app),
      form(email, { nomUsage: '', dateNaissance: '31/02/1990', codePostal: '7867', telephone: '123', confirmation: 'autre chose' }),
    );
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual([
      '#field-nomUsage',
      '#field-dateNaissance',
      '#field-codePostal',
      '#field-telephone',
      '#field-confirmation',
    ]);
    expect($('#error-dateNaissance').text()).toContain('Saisissez une date valide');
    expect($('#field-prenom').val()).toBe('Élodie');
    expect($('#field-codePostal').val()).toBe('7867');
    expect($('#field-motDePasse').val()).toBeUndefined();
    expect($('#field-civilite-madame').attr('checked')).toBeDefined();
    expect(await t.runtime.db('families').count<{ count: number }[]>('* as count')).toEqual(families);
    expect(await countMailsTo(t, email)).toBe(0);
  });

  it('answers an address that already has an account exactly as a new one, and mails its holder instead', async () => {
    const holder = (await freshFamily(t, 'villennes', { prefix: 'Lambert' })).parents[0]!;
    const newcomer = `${unique('lambert')}@example.org`;
    const count = async (table: string, where: (q: Knex.QueryBuilder) => void = () => {}) =>
      Number((await t.runtime.db(table).where(where).count<{ count: string }[]>('* as count'))[0]!.count);
    const sameAddress = (email: string) => (q: Knex.QueryBuilder) => q.whereRaw('lower(email) = ?', [email.toLowerCase()]);
    const before = { families: await count('families'), members: await count('members', sameAddress(holder.email)) };

    /** The answer, and the page it leads to, with the address and identifier shown on it put aside. */
    async function answerTo(email: string) {
      const visitor = request.agent(t.app);
      const sent = await register(visitor, form(email));
      const done = await visitor.get(sent.headers.location!);
      const identifier = html(done.text)('main strong').text();
      const page = html(done.text)('main').html()!.replaceAll(email, '<adresse>').replaceAll(identifier, '<identifiant>');
      return { status: sent.status, location: sent.headers.location, body: sent.text, page: { status: done.status, html: page } };
    }
    const forNewcomer = await answerTo(newcomer);
    const forHolder = await answerTo(holder.email);
    expect(forNewcomer.status).toBe(303);
    expect(forHolder).toEqual(forNewcomer);

    expect(await countMailsTo(t, newcomer, 'self_registration_received')).toBe(1);
    expect(await countMailsTo(t, holder.email)).toBe(2); // activation link, then this mail
    const mail = await lastMailTo(t, holder.email);
    expect(mail.kind).toBe('self_registration_existing_account');
    expect(mail.text).toContain(`avec votre adresse e-mail ${holder.email}`);
    expect(mail.text).toContain(`identifiant ${holder.user.identifier}`);
    expect(mail.text).toContain('/villennes/connexion');
    expect(mail.text).toContain('/villennes/mot-de-passe-oublie');

    // Nothing else is written for the holder's address: one account, one member, one new family (the newcomer's).
    expect(await count('users', sameAddress(holder.email))).toBe(1);
    expect(await count('members', sameAddress(holder.email))).toBe(before.members);
    expect(await count('families')).toBe(before.families + 1);
    await signIn(request.agent(t.app), 'villennes', holder.email, FRESH_PASSWORD, 303);
  });

  it('is closed where the commune creates accounts itself, and says how to get one', async () => {
    const page = await request(t.app).get('/echirolles/creer-mon-espace').expect(404);
    expect(html(page.text)('main').text()).toContain('04 76 20 63 40');
    const agent = request.agent(t.app);
    const _csrf = await csrfTokenFrom(agent, '/echirolles/connexion');
    await agent.post('/echirolles/creer-mon-espace').type('form').send({ _csrf, ...form(`${unique('x')}@example.org`) }).expect(404);
  });
});
