import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAIL_ADDRESS_LIMIT, MAIL_SOURCE_LIMIT, MAIL_SOURCE_PREFIX } from '../../src/integrations/mail-throttle.ts';
import { communeOf, freshFamily } from '../support/fresh-family.ts';
import { buildSignInTestApp, type SignInTestApp } from '../support/sign-in-test-app.ts';
import { countMailsTo, csrfTokenFrom, DEFAULT_NOW, html, lastMailTo, unique } from '../support/test-app.ts';

const THROTTLED = /^Vous avez fait trop de demandes en peu de temps\. Par sécurité, aucun e-mail n'est envoyé pour l'instant : réessayez dans \d+ minutes?\.$/;

let t: SignInTestApp;
beforeAll(() => {
  t = buildSignInTestApp();
});
afterAll(async () => {
  await t.runtime.db('rate_limits').where('key', 'like', `${MAIL_SOURCE_PREFIX}:192.0.2.%`).delete();
  await t.close();
});

// Each test comes from addresses of its own (TEST-NET-1), so no source counter is shared with
// another test or with the suites that post from 127.0.0.1.
let lastOctet = 0;
const newSource = () => `192.0.2.${(lastOctet += 1)}`;

/** Posts a form from `ip` with a token read from `formPage`, as a browser on that page would. */
async function postFrom(ip: string, formPage: string, action: string, fields: Record<string, string>) {
  const agent = request.agent(t.app);
  const _csrf = await csrfTokenFrom(agent, formPage);
  const response = await agent.post(action).set('X-Forwarded-For', ip).type('form').send({ _csrf, ...fields });
  return { agent, response };
}

/** The answer as a person reads it: the status, and the words shown next to the field or in the flash. */
async function answerOf(agent: request.Agent, response: request.Response, field: string) {
  if (response.status === 303) {
    const page = await agent.get(response.headers.location!);
    return { status: 303, words: html(page.text)('[role="status"]').text().trim() };
  }
  const $ = html(response.text);
  expect($('title').text()).toMatch(/^Erreur : /);
  expect($('.error-summary a').attr('href')).toBe(`#field-${field}`);
  expect(Number(response.headers['retry-after'])).toBeGreaterThan(0);
  return { status: response.status, words: $(`#error-${field}`).text().replace(/^Erreur :\s*/, '').trim() };
}

describe('POST /:commune/mot-de-passe-oublie, asked again and again', () => {
  const SLUG = 'lemesnilsaintdenis';
  const askReset = async (login: string, ip: string) => {
    const { agent, response } = await postFrom(ip, `/${SLUG}/mot-de-passe-oublie`, `/${SLUG}/mot-de-passe-oublie`, { identifiant: login });
    return answerOf(agent, response, 'identifiant');
  };
  const withoutNumbers = (answer: { status: number; words: string }) => ({ ...answer, words: answer.words.replace(/\d+/g, 'N') });

  it(`mails at most ${MAIL_ADDRESS_LIMIT} links per address, then answers alike whether or not the address has an account`, async () => {
    const { parents } = await freshFamily(t, SLUG, { prefix: 'Flot' });
    const { email } = parents[0]!;
    const nobody = `${unique('personne')}@example.org`;
    const ip = newSource();

    const forReal = [];
    const forNobody = [];
    for (let i = 0; i <= MAIL_ADDRESS_LIMIT; i += 1) {
      forReal.push(await askReset(email, ip));
      forNobody.push(await askReset(nobody, ip));
    }
    expect(forReal.map((answer) => answer.status)).toEqual([...Array(MAIL_ADDRESS_LIMIT).fill(303), 429]);
    expect(forReal.at(-1)!.words).toMatch(THROTTLED);
    expect(forNobody.map(withoutNumbers)).toEqual(forReal.map(withoutNumbers));
    expect(await countMailsTo(t, email, 'password_reset')).toBe(MAIL_ADDRESS_LIMIT);

    // Counted per address: another account still gets its link from the same source.
    const other = (await freshFamily(t, SLUG, { prefix: 'Flot' })).parents[0]!;
    expect((await askReset(other.email, ip)).status).toBe(303);
    expect(await countMailsTo(t, other.email, 'password_reset')).toBe(1);
  });

  it(`mails nothing more from one source after ${MAIL_SOURCE_LIMIT} requests, whatever the addresses, and only from that source`, async () => {
    const ip = newSource();
    for (let i = 0; i < MAIL_SOURCE_LIMIT; i += 1) {
      expect((await askReset(`${unique('balayage')}@example.org`, ip)).status).toBe(303);
    }
    const { email } = (await freshFamily(t, SLUG, { prefix: 'Flot' })).parents[0]!;
    const refused = await askReset(email, ip);
    expect(refused.status).toBe(429);
    expect(refused.words).toMatch(THROTTLED);
    expect(await countMailsTo(t, email, 'password_reset')).toBe(0);

    expect((await askReset(email, newSource())).status).toBe(303);
    expect(await countMailsTo(t, email, 'password_reset')).toBe(1);
  });
});

describe('POST /:commune/activation/:token/nouveau-lien', () => {
  const SLUG = 'echirolles';
  const DAY = 86_400_000;

  /** An account opened by staff: it waits for its password, and got one activation link. */
  async function pendingAccount(): Promise<{ email: string; path: string }> {
    const name = unique('Relance');
    const email = `${name.toLowerCase()}@example.org`;
    await t.runtime.services.familyCreation.createFamilyWithGuardians(await communeOf(t, SLUG), {
      name,
      guardians: [{ civility: 'madame', lastName: name, firstName: 'Lou', email }],
    });
    return { email, path: (await lastMailTo(t, email)).path! };
  }

  async function askNewLink(path: string, ip: string) {
    const { response } = await postFrom(ip, `/${SLUG}/connexion`, `${path}/nouveau-lien`, {});
    const $ = html(response.text);
    return { status: response.status, heading: $('h1').text().trim(), words: $('h1').first().next('p').text().replace(/\s+/g, ' ').trim() };
  }

  const at = (days: number) => t.clock.set(new Date(DEFAULT_NOW.getTime() + days * DAY));

  it('never replaces a link still valid, and answers as when it sends a new one', async () => {
    const { email, path: first } = await pendingAccount();
    const ip = newSource();
    try {
      const kept = await askNewLink(first, ip);
      expect(kept.status).toBe(200);
      expect(await countMailsTo(t, email, 'activation')).toBe(1);
      await request(t.app).get(first).expect(200);

      at(8);
      const renewed = await askNewLink(first, ip);
      expect(renewed).toEqual(kept);
      expect(await countMailsTo(t, email, 'activation')).toBe(2);
      const second = (await lastMailTo(t, email)).path!;

      // The first link has expired, but the account has a valid one now: it is not replaced.
      expect(await askNewLink(first, ip)).toEqual(kept);
      expect(await countMailsTo(t, email, 'activation')).toBe(2);
      await request(t.app).get(second).expect(200);
    } finally {
      at(0);
    }
  });

  it(`mails at most ${MAIL_ADDRESS_LIMIT} new links per address, then says so`, async () => {
    const { email, path } = await pendingAccount();
    const ip = newSource();
    try {
      let latest = path;
      for (let i = 1; i <= MAIL_ADDRESS_LIMIT; i += 1) {
        at(8 * i);
        expect((await askNewLink(latest, ip)).status).toBe(200);
        latest = (await lastMailTo(t, email)).path!;
      }
      expect(await countMailsTo(t, email, 'activation')).toBe(1 + MAIL_ADDRESS_LIMIT);

      at(8 * (MAIL_ADDRESS_LIMIT + 1));
      const refused = await askNewLink(latest, ip);
      expect(refused.status).toBe(429);
      expect(refused.words).toMatch(THROTTLED);
      expect(await countMailsTo(t, email, 'activation')).toBe(1 + MAIL_ADDRESS_LIMIT);

      // Counted per address: another account's expired link is renewed from the same source.
      at(0);
      const other = await pendingAccount();
      at(8);
      expect((await askNewLink(other.path, ip)).status).toBe(200);
      expect(await countMailsTo(t, other.email, 'activation')).toBe(2);
    } finally {
      at(0);
    }
  });

  it(`mails nothing more from one source after ${MAIL_SOURCE_LIMIT} requests, and only from that source`, async () => {
    const target = await pendingAccount();
    const ip = newSource();
    try {
      at(8);
      // Requests for links still valid send nothing, but count as requests all the same.
      for (let i = 0; i < MAIL_SOURCE_LIMIT; i += 1) {
        expect((await askNewLink((await pendingAccount()).path, ip)).status).toBe(200);
      }
      const refused = await askNewLink(target.path, ip);
      expect(refused.status).toBe(429);
      expect(await countMailsTo(t, target.email, 'activation')).toBe(1);

      expect((await askNewLink(target.path, newSource())).status).toBe(200);
      expect(await countMailsTo(t, target.email, 'activation')).toBe(2);
    } finally {
      at(0);
    }
  });
});

describe('POST /:commune/creer-mon-espace, sent again and again', () => {
  const SLUG = 'villennes';
  const form = (email: string) => ({
    civilite: 'monsieur',
    nomUsage: 'Caron',
    prenom: 'Théo',
    courriel: email,
    contactPrefere: 'email',
    motDePasse: 'la barque glisse sur la Seine',
    confirmation: 'la barque glisse sur la Seine',
  });
  const register = async (email: string, ip: string) => {
    const { response } = await postFrom(ip, `/${SLUG}/creer-mon-espace`, `/${SLUG}/creer-mon-espace`, form(email));
    if (response.status === 303) return { status: 303, words: '' };
    const $ = html(response.text);
    expect($('#field-courriel').val()).toBe(email);
    return { status: response.status, words: $('#error-courriel').text().replace(/^Erreur :\s*/, '').trim() };
  };
  const accountsWith = async (email: string) =>
    Number((await t.runtime.db('users').whereRaw('lower(email) = ?', [email.toLowerCase()]).count<{ count: string }[]>('* as count'))[0]!.count);

  it(`mails one address at most ${MAIL_ADDRESS_LIMIT} times, then says so`, async () => {
    const email = `${unique('caron')}@example.org`;
    const ip = newSource();
    for (let i = 0; i < MAIL_ADDRESS_LIMIT; i += 1) expect((await register(email, ip)).status).toBe(303);
    const refused = await register(email, ip);
    expect(refused.status).toBe(429);
    expect(refused.words).toMatch(THROTTLED);
    // The first request opened the account, the next ones told its holder; the last one, nothing.
    expect(await countMailsTo(t, email)).toBe(MAIL_ADDRESS_LIMIT);
    expect(await accountsWith(email)).toBe(1);

    const other = `${unique('caron')}@example.org`;
    expect((await register(other, ip)).status).toBe(303);
    expect(await countMailsTo(t, other, 'self_registration_received')).toBe(1);
  });

  it(`opens nothing and mails nothing from one source after ${MAIL_SOURCE_LIMIT} requests, and only from that source`, async () => {
    const ip = newSource();
    for (let i = 0; i < MAIL_SOURCE_LIMIT; i += 1) expect((await register(`${unique('rafale')}@example.org`, ip)).status).toBe(303);
    const email = `${unique('caron')}@example.org`;
    const refused = await register(email, ip);
    expect(refused.status).toBe(429);
    expect(await countMailsTo(t, email)).toBe(0);
    expect(await accountsWith(email)).toBe(0);

    expect((await register(email, newSource())).status).toBe(303);
    expect(await countMailsTo(t, email, 'self_registration_received')).toBe(1);
  });
});
