import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCOUNT_LOCK_AFTER_FAILURES, ACCOUNT_PREFIX, SOURCE_PREFIX, accountKey, sourceKey } from '../../src/integrations/sign-in-throttle.ts';
import { attemptSignIn, buildSignInTestApp, type SignInTestApp } from '../support/sign-in-test-app.ts';
import { DEMO, html } from '../support/test-app.ts';

const SLUG = 'lemesnilsaintdenis';
const HISTORY = `/${SLUG}/historique`;
const FIREFOX_WINDOWS = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0';
const IPS = { claire: '198.51.100.23', paul: '198.51.100.24', lock: '198.51.100.25' };
const paris = (local: string) => new Date(`${local}+01:00`);

// Instants of February 2027 that no other suite uses, so their own sign-ins never show up here.
const PREVIOUS_MONTH = paris('2027-01-28T18:00');
const EARLIER_THIS_MONTH = paris('2027-02-01T08:15');
const THIS_WEEK = paris('2027-02-10T09:00');
const VIEWING = paris('2027-02-11T12:00');

let t: SignInTestApp;
let communeId: number;

beforeAll(async () => {
  t = buildSignInTestApp(VIEWING);
  communeId = (await t.runtime.db('communes').where({ slug: SLUG }).first()).id;
});
afterAll(async () => {
  await t.runtime
    .db('rate_limits')
    .whereIn('key', [
      `${ACCOUNT_PREFIX}:${accountKey(communeId, 'martin-claire')}`,
      ...Object.values(IPS).map((ip) => `${SOURCE_PREFIX}:${sourceKey(ip)}`),
    ])
    .delete();
  await t.close();
});

/** Signs in at `at` (the injected clock), after `failures` wrong passwords; answers the signed-in agent. */
async function signInAt(at: Date, login: string, { failures = 0, ip = IPS.claire, userAgent = undefined as string | undefined } = {}) {
  t.clock.set(at);
  const agent = request.agent(t.app);
  for (let i = 0; i < failures; i += 1) {
    expect((await attemptSignIn(agent, SLUG, login, 'wrong-password', { ip, userAgent })).status).toBe(401);
  }
  expect((await attemptSignIn(agent, SLUG, login, DEMO.parentPassword, { ip, userAgent })).status).toBe(303);
  return agent;
}

function rowsOf(text: string) {
  const $ = html(text);
  return $('main table tbody tr')
    .map((_, row) =>
      [
        $(row)
          .find('td')
          .map((__, cell) => $(cell).text().trim())
          .get(),
      ],
    )
    .get() as string[][];
}

describe('GET /:commune/historique?vue=connexions', () => {
  let claire: request.Agent;

  beforeAll(async () => {
    await signInAt(PREVIOUS_MONTH, 'martin-claire');
    await signInAt(EARLIER_THIS_MONTH, 'parent@lemesnilsaintdenis.example.org', { failures: 1, userAgent: FIREFOX_WINDOWS });
    await signInAt(THIS_WEEK, 'martin-paul', { failures: 2, ip: IPS.paul });
    claire = await signInAt(THIS_WEEK, 'Martin-Claire', { failures: 2 });
    t.clock.set(VIEWING);
  });

  it('lists this week’s sign-ins and failures of the parent, newest first, in words', async () => {
    const page = await claire.get(`${HISTORY}?vue=connexions&periode=semaine`).expect(200);
    expect(rowsOf(page.text)).toEqual([
      ['mercredi 10 février 2027 à 09h00', 'Connexion réussie', IPS.claire, 'Chrome 120 sur Android'],
      ['mercredi 10 février 2027 à 09h00', 'Échec : mot de passe incorrect', IPS.claire, 'Chrome 120 sur Android'],
      ['mercredi 10 février 2027 à 09h00', 'Échec : mot de passe incorrect', IPS.claire, 'Chrome 120 sur Android'],
    ]);
    const $ = html(page.text);
    expect($('main table caption').text()).toContain('du lundi 8 février 2027 au dimanche 14 février 2027');
    expect($('#periode-semaine').is(':checked')).toBe(true);
  });

  it('lists the whole month with « mois », and nothing of the month before', async () => {
    const page = await claire.get(`${HISTORY}?vue=connexions&periode=mois`).expect(200);
    const rows = rowsOf(page.text);
    expect(rows.map((row) => row[0])).toEqual([
      'mercredi 10 février 2027 à 09h00',
      'mercredi 10 février 2027 à 09h00',
      'mercredi 10 février 2027 à 09h00',
      'lundi 1er février 2027 à 08h15',
      'lundi 1er février 2027 à 08h15',
    ]);
    expect(rows.at(-1)).toEqual(['lundi 1er février 2027 à 08h15', 'Échec : mot de passe incorrect', IPS.claire, 'Firefox 121 sur Windows']);
    expect(page.text).not.toContain('janvier 2027');
    expect(html(page.text)('main table caption').text()).toContain('du lundi 1er février 2027 au dimanche 28 février 2027');
  });

  it('never shows another parent’s events, even of the same family', async () => {
    for (const periode of ['semaine', 'mois']) {
      const page = await claire.get(`${HISTORY}?periode=${periode}`).expect(200);
      expect(page.text).not.toContain(IPS.paul);
    }
    const paul = await signInAt(VIEWING, 'martin-paul', { ip: IPS.paul });
    const page = await paul.get(`${HISTORY}?periode=semaine`).expect(200);
    const rows = rowsOf(page.text);
    expect(rows).toHaveLength(4);
    expect(rows.every((row) => row[2] === IPS.paul)).toBe(true);
    expect(page.text).not.toContain(IPS.claire);
  });

  it.each([
    ['no parameters', ''],
    ['an unknown view', '?vue=factures&periode=semaine'],
    ['an unknown period', '?vue=connexions&periode=annee'],
    ['a repeated parameter', '?periode=mois&periode=semaine'],
  ])('falls back to this week’s connections with %s', async (_label, query) => {
    const page = await claire.get(`${HISTORY}${query}`).expect(200);
    expect(rowsOf(page.text)).toHaveLength(3);
    const $ = html(page.text);
    expect($('#periode-semaine').is(':checked')).toBe(true);
    expect($('input[name="vue"]').val()).toBe('connexions');
  });

  it('is one accessible page: one h1, labelled filter that works without JavaScript, table with caption and headers', async () => {
    const page = await claire.get(HISTORY).expect(200);
    const $ = html(page.text);
    expect($('h1')).toHaveLength(1);
    expect($('h1').text()).toBe('Historique');
    const form = $('main form[method="get"]');
    expect(form.attr('action')).toBe(HISTORY);
    expect(form.find('fieldset legend').text()).toBe('Période');
    for (const value of ['semaine', 'mois']) {
      expect($(`label[for="periode-${value}"]`).text()).not.toBe('');
      expect($(`#periode-${value}`).attr('name')).toBe('periode');
    }
    expect(form.find('button[type="submit"]').text()).toBe('Afficher');
    expect($('.table-scroll[role="region"][tabindex="0"]').attr('aria-labelledby')).toBe($('main table caption').attr('id'));
    expect($('main table thead th[scope="col"]')).toHaveLength(4);
    expect($(`.site-nav a[href="${HISTORY}"]`).attr('aria-current')).toBe('page');
  });
});

describe('a locked attempt in the history', () => {
  it('shows « Bloquée (trop de tentatives) » for the refused right password', async () => {
    t.clock.set(paris('2027-03-03T10:00'));
    const agent = request.agent(t.app);
    for (let i = 0; i < ACCOUNT_LOCK_AFTER_FAILURES; i += 1) {
      await attemptSignIn(agent, SLUG, 'martin-claire', `wrong-${i}`, { ip: IPS.lock });
    }
    t.clock.set(paris('2027-03-03T10:05'));
    expect((await attemptSignIn(agent, SLUG, 'martin-claire', DEMO.parentPassword, { ip: IPS.lock })).status).toBe(429);

    // Staff lift the lock by deleting the counter; the parent then signs in and reads what happened.
    await t.runtime.db('rate_limits').where({ key: `${ACCOUNT_PREFIX}:${accountKey(communeId, 'martin-claire')}` }).delete();
    const claire = await signInAt(paris('2027-03-03T10:20'), 'martin-claire', { ip: IPS.lock });
    const rows = rowsOf((await claire.get(`${HISTORY}?periode=semaine`).expect(200)).text);
    expect(rows.map((row) => row.slice(0, 2))).toEqual([
      ['mercredi 3 mars 2027 à 10h20', 'Connexion réussie'],
      ['mercredi 3 mars 2027 à 10h05', 'Bloquée (trop de tentatives)'],
      ...Array(ACCOUNT_LOCK_AFTER_FAILURES).fill(['mercredi 3 mars 2027 à 10h00', 'Échec : mot de passe incorrect']),
    ]);
  });
});

describe('GET /:commune/historique, not signed in as a parent', () => {
  it('sends an anonymous visitor to the sign-in page, to come back afterwards', async () => {
    const response = await request(t.app).get(`${HISTORY}?periode=mois`).expect(303);
    expect(response.headers.location).toBe(`/${SLUG}/connexion?retour=${encodeURIComponent(`${HISTORY}?periode=mois`)}`);
  });

  it('is not for staff', async () => {
    const agent = request.agent(t.app);
    const response = await attemptSignIn(agent, SLUG, `agent@${SLUG}.example.org`, DEMO.agentPassword, { ip: IPS.claire });
    expect(response.status).toBe(303);
    await agent.get(HISTORY).expect(403);
  });
});
