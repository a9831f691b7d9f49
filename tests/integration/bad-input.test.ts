import { promisify } from 'node:util';
import type request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { communeOf, demoAgent, freshFamily, addChild, type FreshFamily } from '../support/fresh-family.ts';
import { hiddenFieldsOf } from '../support/repeated-forms.ts';
import { smallPdf } from '../support/small-pdf.ts';
import { buildTestApp, csrfTokenFrom, html, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026: the school years around today are 2021 to 2036.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const MESNIL = 'lemesnilsaintdenis';
const QUOTIENT = `/${MESNIL}/quotient-familial`;
const CONTACT = `/${MESNIL}/contact`;
const BOUNDARY = '----EspaceFamilleTestBoundary';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());
beforeEach(() => t.clock.set(NOW));

type Part = { name: string; value: string } | { name: string; filename: string; type: string; content: Buffer };

/** A multipart body written by hand, as a browser writes it, so a test can cut it or break it. */
function multipart(parts: Part[], boundary = BOUNDARY): Buffer {
  const chunks: Buffer[] = [];
  for (const part of parts) {
    if ('value' in part) {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"\r\n\r\n${part.value}\r\n`));
    } else {
      chunks.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"; filename="${part.filename}"\r\nContent-Type: ${part.type}\r\n\r\n`));
      chunks.push(part.content, Buffer.from('\r\n'));
    }
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return Buffer.concat(chunks);
}

const send = (agent: request.Agent, path: string, body: Buffer, boundary: string | undefined = BOUNDARY) =>
  agent
    .post(path)
    .set('Content-Type', boundary === undefined ? 'multipart/form-data' : `multipart/form-data; boundary=${boundary}`)
    .send(body);

const hiddenParts = (hidden: Record<string, string>): Part[] => Object.entries(hidden).map(([name, value]) => ({ name, value }));

async function declarations(family: FreshFamily) {
  const [row] = await t.runtime.db('requests').where({ family_id: family.familyId, type: 'quotient_familial' }).count<{ count: string }[]>('* as count');
  return Number(row!.count);
}

async function declarationParts(agent: request.Agent, fields: Partial<Record<'quotient' | 'revenu' | 'debut', string>> = {}): Promise<Part[]> {
  return [
    ...hiddenParts(await hiddenFieldsOf(agent, QUOTIENT)),
    { name: 'quotient', value: fields.quotient ?? '450' },
    { name: 'revenu', value: fields.revenu ?? '' },
    { name: 'debut', value: fields.debut ?? '2026-01-01' },
    { name: 'attestation', filename: 'attestation.pdf', type: 'application/pdf', content: await smallPdf('Attestation de quotient familial : 450 euros.') },
  ];
}

const errorSummary = ($: ReturnType<typeof html>) => $('.error-summary, [role="alert"]').text();

describe('a multipart form without its CSRF token', () => {
  it('is refused (403) and nothing is written, whatever the route that takes the file', async () => {
    const family = await freshFamily(t, MESNIL);
    const agent = family.parents[0]!.agent;
    const parts = (await declarationParts(agent)).filter((part) => part.name !== '_csrf');
    const response = await send(agent, QUOTIENT, multipart(parts)).expect(403);
    expect(html(response.text)('h1').text()).toBe('Formulaire expiré');
    expect(await declarations(family)).toBe(0);
  });

  it('is refused with a token of another session', async () => {
    const family = await freshFamily(t, MESNIL);
    const other = await freshFamily(t, MESNIL);
    const parts = await declarationParts(other.parents[0]!.agent);
    await send(family.parents[0]!.agent, QUOTIENT, multipart(parts)).expect(403);
    expect(await declarations(family)).toBe(0);
  });

  it('is refused on a route that takes no file, before any handler runs', async () => {
    const family = await freshFamily(t, MESNIL);
    const response = await send(family.parents[0]!.agent, `/${MESNIL}/deconnexion`, multipart([{ name: 'x', value: 'y' }])).expect(403);
    expect(html(response.text)('h1').text()).toBe('Formulaire expiré');
    // Still signed in: the sign-out did not run.
    await family.parents[0]!.agent.get(`/${MESNIL}/tableau-de-bord`).expect(200);
  });

  it('is refused when the token comes after more than 64 KiB of the body (every form of the portal writes it first)', async () => {
    const family = await freshFamily(t, MESNIL);
    const agent = family.parents[0]!.agent;
    const parts = await declarationParts(agent);
    const token = parts.find((part) => part.name === '_csrf')!;
    const big: Part = { name: 'attestation', filename: 'a.pdf', type: 'application/pdf', content: Buffer.alloc(80 * 1024, 0x41) };
    await send(agent, QUOTIENT, multipart([big, ...parts.filter((part) => part !== token && part.name !== 'attestation'), token])).expect(403);
    expect(await declarations(family)).toBe(0);
  });
});

describe('a multipart form that cannot be read whole', () => {
  it('with another boundary than its Content-Type says: 400, a French page leading back to the form, nothing written', async () => {
    const family = await freshFamily(t, MESNIL);
    const agent = family.parents[0]!.agent;
    const response = await send(agent, QUOTIENT, multipart(await declarationParts(agent), 'AnotherBoundary')).expect(400);
    const $ = html(response.text);
    expect($('h1').text()).toBe('Envoi incomplet');
    expect($('main a[href="/lemesnilsaintdenis/quotient-familial"]').text()).toBe('Revenir au formulaire');
    // The commune's layout, the person signed in, without the CSRF middleware's token.
    expect($('.site-header__commune').text()).toContain('Mesnil');
    expect(await declarations(family)).toBe(0);
  });

  it('with no boundary at all: 400, the same French page', async () => {
    const family = await freshFamily(t, MESNIL);
    const response = await send(family.parents[0]!.agent, QUOTIENT, Buffer.from('quotient=450'), undefined).expect(400);
    expect(html(response.text)('h1').text()).toBe('Envoi incomplet');
  });

  it('cut short in the middle of the file: 400, the form again with its text kept and a French message, nothing written', async () => {
    const family = await freshFamily(t, MESNIL);
    const agent = family.parents[0]!.agent;
    const body = multipart(await declarationParts(agent, { quotient: '612', revenu: '24000' }));
    const response = await send(agent, QUOTIENT, body.subarray(0, body.length - 400)).expect(400);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('input[name="quotient"]').val()).toBe('612');
    expect($('input[name="revenu"]').val()).toBe('24000');
    expect(errorSummary($)).toContain("Votre envoi n'est pas arrivé complet");
    expect(await declarations(family)).toBe(0);
  });

  it('with a text over its limit: 400, the form again with the fields before it kept and the limit in words', async () => {
    const family = await freshFamily(t, MESNIL);
    const agent = family.parents[0]!.agent;
    const page = html((await agent.get(CONTACT).expect(200)).text);
    const subject = page('select[name="objet"] option[value!=""]').first().attr('value')!;
    const parts: Part[] = [...hiddenParts(await hiddenFieldsOf(agent, CONTACT)), { name: 'objet', value: subject }, { name: 'message', value: 'é'.repeat(12_000) }];
    const response = await send(agent, CONTACT, multipart(parts)).expect(400);
    const $ = html(response.text);
    expect($('select[name="objet"] option[selected]').attr('value')).toBe(subject);
    expect(errorSummary($)).toMatch(/Ce texte est trop long pour être reçu \(6\s666 caractères au plus\)/);
    expect(await t.runtime.db('message_threads').where({ family_id: family.familyId }).first()).toBeUndefined();
  });

  it('whole and well formed still goes through the route\'s own parser: the declaration is sent', async () => {
    const family = await freshFamily(t, MESNIL);
    const agent = family.parents[0]!.agent;
    await send(agent, QUOTIENT, multipart(await declarationParts(agent))).expect(303);
    expect(await declarations(family)).toBe(1);
  });
});

describe('a urlencoded body over its limit', () => {
  it('answers 413 with a French page', async () => {
    const family = await freshFamily(t, MESNIL);
    const response = await family.parents[0]!.agent
      .post(`/${MESNIL}/coordonnees`)
      .type('form')
      .send(`_csrf=x&adresse=${'a'.repeat(200 * 1024)}`)
      .expect(413);
    expect(html(response.text)('h1').text()).toBe('Envoi trop volumineux');
  });
});

describe('other bodies and addresses a browser would not send', () => {
  it('a JSON body is refused like any POST without its token (403), never read', async () => {
    const family = await freshFamily(t, MESNIL);
    const response = await family.parents[0]!.agent.post(`/${MESNIL}/coordonnees`).send({ _csrf: 'x', adresse: '1 rue' }).expect(403);
    expect(html(response.text)('h1').text()).toBe('Formulaire expiré');
  });

  it('a malformed percent-encoding in the address answers a French 400 page', async () => {
    const family = await freshFamily(t, MESNIL);
    const response = await family.parents[0]!.agent.get(`/${MESNIL}/famille/%E0%A4%A`).expect(400);
    expect(html(response.text)('h1').text()).toBe('Demande incorrecte');
  });

  it('an address no route answers is the French 404 page', async () => {
    const response = await freshFamily(t, MESNIL).then((family) => family.parents[0]!.agent.get(`/${MESNIL}/nulle-part`).expect(404));
    expect(html(response.text)('h1').text()).toBe('Page introuvable');
  });
});

describe('the error pages', () => {
  it('render in the commune\'s layout for a signed-in person when the CSRF middleware never ran', async () => {
    const commune = await communeOf(t, MESNIL);
    const family = await freshFamily(t, MESNIL);
    const render = promisify((view: string, locals: Record<string, unknown>, done: (error: Error | null, html?: string) => void) => t.app.render(view, locals, done));
    for (const view of ['pages/errors/server-error', 'pages/errors/bad-request', 'pages/errors/unreadable-form', 'pages/errors/too-large', 'pages/errors/csrf']) {
      const page = html((await render(view, { commune, user: family.parents[0]!.user, url: (path = '/') => `/${MESNIL}${path === '/' ? '' : path}`, requestPath: '/', back: '/' }))!);
      expect(page('h1').text()).not.toBe('');
      expect(page('form[action$="/deconnexion"]')).toHaveLength(0);
    }
  });
});

/** Months a form may send that name no month of the school years around today. */
const MONTHS_REFUSED = [
  ['0001-01', 'Saisissez un mois entre 2021 et 2036'],
  ['9999-12', 'Saisissez un mois entre 2021 et 2036'],
  ['2026-13', 'Saisissez un mois valide, par exemple 2026-11'],
];

describe('impossible dates and months', () => {
  it.each([
    ['0001-01-01', 'Saisissez une date entre 2021 et 2036'],
    ['0099-12-31', 'Saisissez une date entre 2021 et 2036'],
    ['9999-12-31', 'Saisissez une date entre 2021 et 2036'],
    ['2026-02-30', 'Saisissez une date valide, par exemple 14/03/2026'],
  ])('a quotient declared from %s answers 400 with « %s », the values kept, nothing written', async (debut, message) => {
    const family = await freshFamily(t, MESNIL);
    const agent = family.parents[0]!.agent;
    const response = await send(agent, QUOTIENT, multipart(await declarationParts(agent, { debut }))).expect(400);
    const $ = html(response.text);
    expect(errorSummary($)).toContain(message);
    expect($('input[name="debut"]').val()).toBe(debut);
    expect(await declarations(family)).toBe(0);
  });

  it.each([...MONTHS_REFUSED, ['novembre', 'Saisissez un mois valide, par exemple 2026-11']])('« Facturation » ?mois=%s answers 400 with « %s » and the default month', async (mois, message) => {
    const { agent } = await demoAgent(t, MESNIL);
    const response = await agent.get(`/${MESNIL}/admin/facturation`).query({ mois }).expect(400);
    const $ = html(response.text);
    expect(errorSummary($)).toContain(message);
    expect($('.error-summary a[href="#field-mois-choisi"], [role="alert"] a[href="#field-mois-choisi"]')).toHaveLength(1);
    expect($('h1').text()).toBe('Facturation – octobre 2026');
  });

  it.each(MONTHS_REFUSED)('« Facturation » issuing %s answers 400 with « %s » and issues nothing', async (mois, message) => {
    const { agent } = await demoAgent(t, MESNIL);
    const _csrf = await csrfTokenFrom(agent, `/${MESNIL}/admin/facturation`);
    const runs = await t.runtime.db('invoicing_runs').count<{ count: string }[]>('* as count');
    const response = await agent.post(`/${MESNIL}/admin/facturation`).type('form').send({ _csrf, idempotency_key: crypto.randomUUID(), mois }).expect(400);
    expect(errorSummary(html(response.text))).toContain(message);
    expect(await t.runtime.db('invoicing_runs').count<{ count: string }[]>('* as count')).toEqual(runs);
  });

  it.each(MONTHS_REFUSED)('« Prélèvements » for %s answers 400 with « %s »', async (mois, message) => {
    const { agent } = await demoAgent(t, MESNIL);
    const hidden = await hiddenFieldsOf(agent, `/${MESNIL}/admin/prelevements`);
    const response = await agent.post(`/${MESNIL}/admin/prelevements`).type('form').send({ ...hidden, mois }).expect(400);
    expect(errorSummary(html(response.text))).toContain(message);
  });

  it.each([
    ['9999-W01', 'Saisissez une semaine entre 2021 et 2036'],
    ['0001-W01', 'Saisissez une semaine entre 2021 et 2036'],
    ['0001-01-01', 'Saisissez une semaine entre 2021 et 2036'],
    ['2027-W53', 'Saisissez une date, par exemple 26/11/2026, ou une semaine, par exemple 2026-W48'],
  ])('the weekly grid ?semaine=%s answers 400 with « %s »', async (semaine, message) => {
    const family = await freshFamily(t, MESNIL);
    const memberId = await addChild(t, family);
    const response = await family.parents[0]!.agent.get(`/${MESNIL}/reservations/${memberId}`).query({ semaine }).expect(400);
    expect(errorSummary(html(response.text))).toContain(message);
  });
});

describe('hostile query strings', () => {
  const PARENT_PAGES = ['/tableau-de-bord', '/famille', '/inscriptions', '/reservations', '/factures', '/compte', '/historique', '/documents', '/messages', '/contact', '/simulateur', '/documentation', '/porte-documents', '/quotient-familial', '/prelevement'];
  const STAFF_PAGES = ['/admin', '/admin/familles', '/admin/demandes', '/admin/documents', '/admin/inscriptions', '/admin/pointage', '/admin/repas', '/admin/facturation', '/admin/prelevements', '/admin/journal', '/admin/messages', '/admin/actualites', '/admin/comptes-a-activer', '/admin/documentation'];
  const NAMES = ['mois', 'semaine', 'jour', 'du', 'au', 'page', 'statut', 'vue', 'periode', 'q', 'type', 'famille', 'document', 'enfant'];
  const QUERIES = [
    NAMES.map((name) => `${name}=0001-01-01`).join('&'),
    NAMES.map((name) => `${name}=9999-12`).join('&'),
    NAMES.map((name) => `${name}=0001-W01`).join('&'),
    NAMES.map((name) => `${name}=a&${name}=b`).join('&'),
    NAMES.map((name) => `${name}[x]=1`).join('&'),
    NAMES.map((name) => `${name}=${'9'.repeat(400)}`).join('&'),
  ];

  it('never answer 500 on a parent\'s or a staff member\'s pages', async () => {
    const family = await freshFamily(t, MESNIL);
    const memberId = await addChild(t, family);
    const { agent: staff } = await demoAgent(t, MESNIL);
    const visits: [request.Agent, string][] = [
      ...[...PARENT_PAGES, `/reservations/${memberId}`, `/reservations/${memberId}/semaine-type`, `/reservations/${memberId}/absence`].map((path): [request.Agent, string] => [family.parents[0]!.agent, path]),
      ...STAFF_PAGES.map((path): [request.Agent, string] => [staff, path]),
    ];
    const failures: string[] = [];
    for (const [agent, path] of visits) {
      for (const query of QUERIES) {
        const response = await agent.get(`/${MESNIL}${path}?${query}`);
        if (response.status >= 500) failures.push(`${path}?${query.slice(0, 60)} → ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('hostile dates in forms', () => {
  const DATE_FIELDS = ['du', 'au', 'jour', 'debut', 'fin', 'dateNaissance', 'validiteFin', 'mois', 'semaine', 'date', 'publication', 'finPublication'];
  const VALUES = ['0001-01-01', '0099-12-31', '9999-12-31', '0001-01', '9999-W52', '31/12/0001'];

  it('never answer 500 on a parent\'s or a staff member\'s forms', async () => {
    const family = await freshFamily(t, MESNIL);
    const memberId = await addChild(t, family);
    const { agent: staff } = await demoAgent(t, MESNIL);
    const parent = family.parents[0]!.agent;
    const posts: [request.Agent, string][] = [
      ...[`/reservations/${memberId}`, `/reservations/${memberId}/semaine-type`, `/reservations/${memberId}/absence`, '/famille/ajouter-un-enfant', `/famille/${memberId}`, '/coordonnees', '/inscriptions/nouvelle', '/prelevement', '/quotient-familial', '/contact'].map(
        (path): [request.Agent, string] => [parent, path],
      ),
      ...['/admin/actualites', '/admin/pointage', '/admin/pointage/sans-reservation', `/admin/familles/${family.familyId}/quotient-familial`, `/admin/familles/${family.familyId}/membres/${memberId}`, '/admin/facturation', '/admin/prelevements', '/admin/familles/nouvelle'].map(
        (path): [request.Agent, string] => [staff, path],
      ),
    ];
    const tokens = new Map([
      [parent, await csrfTokenFrom(parent, `/${MESNIL}/coordonnees`)],
      [staff, await csrfTokenFrom(staff, `/${MESNIL}/admin/facturation`)],
    ]);
    const failures: string[] = [];
    for (const [agent, path] of posts) {
      for (const value of VALUES) {
        const body = { _csrf: tokens.get(agent)!, ...Object.fromEntries(DATE_FIELDS.map((name) => [name, value])), periode: 'dates' };
        const response = await agent.post(`/${MESNIL}${path}`).type('form').send(body);
        if (response.status >= 500) failures.push(`${path} ${value} → ${response.status}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
