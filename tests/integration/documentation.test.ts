import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgent, freshFamily } from '../support/fresh-family.ts';
import { hiddenFieldsOf } from '../support/repeated-forms.ts';
import { smallPdf } from '../support/small-pdf.ts';
import { buildTestApp, csrfTokenFrom, html, unique, type TestApp } from '../support/test-app.ts';

const VILLENNES = 'villennes';
const ADMIN_PAGE = `/${VILLENNES}/admin/documentation`;
const PAGE = `/${VILLENNES}/documentation`;

let t: TestApp;
beforeAll(() => {
  t = buildTestApp();
});
afterAll(() => t.close());

interface Publication {
  titre?: string;
  description?: string;
  aRetourner?: boolean;
  type?: string;
  file?: { content: Buffer; filename: string };
  /** The page's hidden fields (CSRF token, form key); read from the page when left out. */
  hidden?: Record<string, string>;
}

/** Posts the publication form as a browser does: multipart, the hidden fields first, the file last. */
async function publish(agent: request.Agent, form: Publication, path = ADMIN_PAGE) {
  const hidden = form.hidden ?? (await hiddenFieldsOf(agent, path));
  let req = agent.post(path);
  for (const [name, value] of Object.entries(hidden)) req = req.field(name, value);
  req = req.field('titre', form.titre ?? '').field('description', form.description ?? '').field('type', form.type ?? '');
  if (form.aRetourner) req = req.field('aRetourner', 'oui');
  if (form.file) req = req.attach('fichier', form.file.content, { filename: form.file.filename, contentType: 'application/pdf' });
  return req;
}

const pdf = async () => ({ content: await smallPdf('Règlement intérieur des accueils périscolaires.'), filename: 'reglement.pdf' });

const documentsTitled = (title: string) => t.runtime.db('commune_documents').where({ title }).select('id', 'commune_id', 'to_return', 'document_type_code', 'size');

describe('POST /:commune/admin/documentation, then GET /:commune/documentation', () => {
  it('staff publish a form « à nous retourner »; a parent of the commune finds it with its details, downloads it and follows the link to the requested document', async () => {
    const { agent: staff } = await demoAgent(t, VILLENNES);
    const title = unique('Fiche sanitaire');
    const file = await pdf();
    const response = await publish(staff, { titre: title, description: 'À remplir pour chaque enfant.', aRetourner: true, type: 'attestation-assurance', file });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(ADMIN_PAGE);
    const [stored] = await documentsTitled(title);
    expect(stored).toMatchObject({ to_return: true, document_type_code: 'attestation-assurance', size: file.content.length });

    const admin = html((await staff.get(ADMIN_PAGE).expect(200)).text);
    expect(admin('.notice--success').text()).toContain(`« ${title} » est publié dans la documentation des familles.`);
    expect(admin('tbody tr').filter((_, row) => admin(row).find('th').text().includes(title)).text()).toContain("Oui, comme « Attestation d'assurance extrascolaire »");
    const journal = await t.runtime.db('audit_log').where({ action: 'commune_document_published', entity_id: stored.id }).first();
    expect(journal).toBeDefined();

    const family = await freshFamily(t, VILLENNES, { prefix: 'Doc' });
    const parent = family.parents[0]!.agent;
    const page = html((await parent.get(PAGE).expect(200)).text);
    const card = page('.card').filter((_, item) => page(item).find('.card__title').text() === title);
    expect(card).toHaveLength(1);
    const kb = Math.max(1, Math.round(file.content.length / 1024));
    expect(card.find('.card__meta').text()).toBe(`Publié le lundi 23 novembre 2026 · PDF, ${kb}\u00a0Ko`);
    expect(card.text()).toContain('À remplir pour chaque enfant.');
    expect(card.find('.tag').text()).toBe('À nous retourner');
    expect(card.find('a[href="/villennes/documents#attestation-assurance"]').text()).toBe("Attestation d'assurance extrascolaire");
    expect(page('nav a[href="/villennes/documentation"]')).toHaveLength(1);

    const download = await parent.get(`${PAGE}/${stored.id}/telecharger`).buffer(true).expect(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename=/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(download.body as Buffer, file.content)).toBe(0);
  });

  it('a document not to return shows no return link', async () => {
    const { agent: staff } = await demoAgent(t, VILLENNES);
    const title = unique('Menus de décembre');
    expect((await publish(staff, { titre: title, file: await pdf() })).status).toBe(303);
    const family = await freshFamily(t, VILLENNES, { prefix: 'Doc' });
    const page = html((await family.parents[0]!.agent.get(PAGE).expect(200)).text);
    const card = page('.card').filter((_, item) => page(item).find('.card__title').text() === title);
    expect(card).toHaveLength(1);
    expect(card.find('.tag')).toHaveLength(0);
    expect(card.find('a[href*="/documents#"]')).toHaveLength(0);
  });

  it('refuses a title missing, « à nous retourner » without its requested document, an unknown type and a file that is not a PDF, JPEG or PNG, all at once, and writes nothing', async () => {
    const { agent: staff } = await demoAgent(t, VILLENNES);
    const before = await t.runtime.db('commune_documents').count<{ count: number }[]>('* as count');
    const htmlFile = { content: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'), filename: 'menus.pdf' };
    const response = await publish(staff, { titre: '', description: 'Gardée', aRetourner: true, file: htmlFile });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('#error-titre').text()).toContain('Saisissez le titre du document');
    expect($('#error-type').text()).toContain('Choisissez le document demandé');
    expect($('#error-fichier').text()).toContain('Le fichier doit être un PDF, une image JPEG ou PNG');
    expect($('.error-summary a')).toHaveLength(3);
    expect($('#field-description').text()).toBe('Gardée');
    expect($('#field-aRetourner').attr('checked')).toBeDefined();

    const unknownType = await publish(staff, { titre: 'Menus', type: 'pas-un-type', file: await pdf() });
    expect(unknownType.status).toBe(400);
    expect(html(unknownType.text)('#error-type').text()).toContain('Choisissez un type de document de la liste');
    expect(await t.runtime.db('commune_documents').count<{ count: number }[]>('* as count')).toEqual(before);
  });

  it('refuses a publication without its CSRF token and writes nothing', async () => {
    const { agent: staff } = await demoAgent(t, VILLENNES);
    const title = unique('Sans jeton');
    const { idempotency_key } = await hiddenFieldsOf(staff, ADMIN_PAGE);
    const response = await publish(staff, { titre: title, file: await pdf(), hidden: { idempotency_key: idempotency_key! } });
    expect(response.status).toBe(403);
    expect(await documentsTitled(title)).toEqual([]);
  });

  it('a parent cannot publish', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Doc' });
    const _csrf = await csrfTokenFrom(family.parents[0]!.agent, PAGE.replace('documentation', 'tableau-de-bord'));
    const response = await family.parents[0]!.agent.post(ADMIN_PAGE).type('form').send({ _csrf, titre: 'Pirate' });
    expect(response.status).toBe(403);
    expect(await documentsTitled('Pirate')).toEqual([]);
  });
});

describe('who reads the documentation', () => {
  it('signed out: the sign-in page, for the list and for a file', async () => {
    const { agent: staff } = await demoAgent(t, VILLENNES);
    const title = unique('Règlement');
    await publish(staff, { titre: title, file: await pdf() });
    const [stored] = await documentsTitled(title);
    expect((await request(t.app).get(PAGE).expect(303)).headers.location).toBe('/villennes/connexion?retour=%2Fvillennes%2Fdocumentation');
    await request(t.app).get(`${PAGE}/${stored.id}/telecharger`).expect(303);
  });

  it("another commune's document answers 404, to its parents and its staff, and is not in their list", async () => {
    const { agent: staff } = await demoAgent(t, VILLENNES);
    const title = unique('Règlement Villennes');
    await publish(staff, { titre: title, file: await pdf() });
    const [stored] = await documentsTitled(title);

    const echirolles = await freshFamily(t, 'echirolles', { prefix: 'Doc' });
    const { agent: echirollesStaff } = await demoAgent(t, 'echirolles');
    for (const agent of [echirolles.parents[0]!.agent, echirollesStaff]) {
      await agent.get(`/echirolles/documentation/${stored.id}/telecharger`).expect(404);
      expect((await agent.get('/echirolles/documentation').expect(200)).text).not.toContain(title);
    }
    await echirollesStaff.get(`/echirolles/admin/documentation/${stored.id}/supprimer`).expect(404);
    const _csrf = await csrfTokenFrom(echirollesStaff, '/echirolles/admin/documentation');
    await echirollesStaff.post(`/echirolles/admin/documentation/${stored.id}/supprimer`).type('form').send({ _csrf, idempotency_key: crypto.randomUUID() }).expect(404);
    expect(await documentsTitled(title)).toHaveLength(1);
    // Signed in at Échirolles, a person is anonymous at Villennes.
    expect((await echirolles.parents[0]!.agent.get(`${PAGE}/${stored.id}/telecharger`)).status).toBe(303);
  });

  it('staff remove a document after a confirmation page; parents no longer find it; the removal is in the journal', async () => {
    const { agent: staff } = await demoAgent(t, VILLENNES);
    const title = unique('Ancien menu');
    await publish(staff, { titre: title, file: await pdf() });
    const [stored] = await documentsTitled(title);
    const confirmPage = `${ADMIN_PAGE}/${stored.id}/supprimer`;
    const confirm = html((await staff.get(confirmPage).expect(200)).text);
    expect(confirm('h1').text()).toBe(`Retirer « ${title} » de la documentation ?`);
    expect(await documentsTitled(title)).toHaveLength(1);

    const withoutToken = await staff.post(confirmPage).type('form').send({});
    expect(withoutToken.status).toBe(403);
    expect(await documentsTitled(title)).toHaveLength(1);

    const removed = await staff.post(confirmPage).type('form').send(await hiddenFieldsOf(staff, confirmPage));
    expect(removed.status).toBe(303);
    expect(await documentsTitled(title)).toEqual([]);
    expect(await t.runtime.db('audit_log').where({ action: 'commune_document_removed', entity_id: stored.id }).first()).toBeDefined();
    const family = await freshFamily(t, VILLENNES, { prefix: 'Doc' });
    await family.parents[0]!.agent.get(`${PAGE}/${stored.id}/telecharger`).expect(404);
    expect((await family.parents[0]!.agent.get(PAGE).expect(200)).text).not.toContain(title);
  });
});
