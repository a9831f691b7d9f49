import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRIVATE_STORAGE_QUOTA_BYTES } from '../../src/services/documents/private-file-service.ts';
import { demoAgent, freshFamily, withFeature, withFeatureOff, type FreshFamily } from '../support/fresh-family.ts';
import { hiddenFieldsOf } from '../support/repeated-forms.ts';
import { smallPdf } from '../support/small-pdf.ts';
import { buildTestApp, csrfTokenFrom, html, type TestApp } from '../support/test-app.ts';

const VILLENNES = 'villennes';
const PAGE = `/${VILLENNES}/porte-documents`;

let t: TestApp;
beforeAll(() => {
  t = buildTestApp();
});
afterAll(() => t.close());

interface Upload {
  libelle?: string;
  file?: { content: Buffer; filename: string; contentType?: string };
  /** The page's hidden fields (CSRF token, form key); read from the page when left out. */
  hidden?: Record<string, string>;
}

/** Posts the upload form as a browser does: multipart, the hidden fields first, the file last. */
async function upload(agent: request.Agent, form: Upload, path = PAGE) {
  const hidden = form.hidden ?? (await hiddenFieldsOf(agent, PAGE));
  let req = agent.post(path);
  for (const [name, value] of Object.entries(hidden)) req = req.field(name, value);
  req = req.field('libelle', form.libelle ?? '');
  if (form.file) req = req.attach('fichier', form.file.content, { filename: form.file.filename, contentType: form.file.contentType ?? 'application/pdf' });
  return req;
}

const pdf = async (text = 'Attestation de la CAF, 2026.') => ({ content: await smallPdf(text), filename: 'attestation-caf.pdf' });

const owner = (family: FreshFamily, index = 0) => family.parents[index]!;

async function filesOf(family: FreshFamily, index = 0) {
  return t.runtime.db('private_files').where({ user_id: owner(family, index).user.id }).orderBy('id').select('id', 'label', 'size', 'detected_type');
}

/** Fills the account's space up to `quota - left` bytes with one stored row, built in the database. */
async function fillUpTo(family: FreshFamily, left: number) {
  const size = PRIVATE_STORAGE_QUOTA_BYTES - left;
  await t.runtime.db.raw(
    `INSERT INTO private_files (commune_id, user_id, label, content, size, detected_type, sha256, original_name, created_at)
     VALUES (?, ?, 'Archives', convert_to(repeat('a', ?), 'UTF8'), ?, 'application/pdf', 'x', 'archives.pdf', now())`,
    [family.commune.id, owner(family).user.id, size, size],
  );
}

const mainText = (page: string) => html(page)('main').text().replace(/\s+/g, ' ');

describe('GET /:commune/porte-documents', () => {
  it('shows the space used in words and as a meter, and the upload form (multipart, with its keys)', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    const page = await owner(family).agent.get(PAGE).expect(200);
    const $ = html(page.text);
    expect($('#space-words').text()).toBe('0\u00a0Mo utilisé sur 50\u00a0Mo');
    expect($('meter').attr('max')).toBe(String(PRIVATE_STORAGE_QUOTA_BYTES));
    expect($('meter').attr('value')).toBe('0');
    expect($('form[enctype="multipart/form-data"] input[type="file"][name="fichier"]')).toHaveLength(1);
    expect($('form[enctype="multipart/form-data"] input[name="_csrf"]')).toHaveLength(1);
    expect($('form[enctype="multipart/form-data"] input[name="idempotency_key"]')).toHaveLength(1);
    expect(mainText(page.text)).toContain('Votre porte-documents est vide.');
    expect($('nav a[href="/villennes/porte-documents"]')).toHaveLength(1);
  });

  it('sends a signed-out visitor to the sign-in page', async () => {
    const response = await request(t.app).get(PAGE).expect(303);
    expect(response.headers.location).toBe('/villennes/connexion?retour=%2Fvillennes%2Fporte-documents');
  });

  it('is 404 where the commune has no porte-documents, read or posted, and writes nothing', async () => {
    const family = await freshFamily(t, 'echirolles', { prefix: 'Porte' });
    await owner(family).agent.get('/echirolles/porte-documents').expect(404);
    const _csrf = await csrfTokenFrom(owner(family).agent, '/echirolles/tableau-de-bord');
    const posted = await upload(owner(family).agent, { file: await pdf(), hidden: { _csrf, idempotency_key: crypto.randomUUID() } }, '/echirolles/porte-documents');
    expect(posted.status).toBe(404);
    expect(await filesOf(family)).toEqual([]);
    expect(html((await owner(family).agent.get('/echirolles/tableau-de-bord').expect(200)).text)('nav a[href="/echirolles/porte-documents"]')).toHaveLength(0);

    const villennes = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    await withFeatureOff(t, VILLENNES, 'documentStorage', async () => {
      await owner(villennes).agent.get(PAGE).expect(404);
    });
  });
});

describe('POST /:commune/porte-documents, then download, rename and delete', () => {
  it('stores the file under its label, lists it, counts its space and downloads it as an attachment of its detected type', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    const file = await pdf();
    const response = await upload(owner(family).agent, { libelle: 'Attestation CAF 2026', file });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(PAGE);

    const page = await owner(family).agent.get(PAGE).expect(200);
    const $ = html(page.text);
    expect($('.notice--success').text()).toContain('« Attestation CAF 2026 » est enregistré dans votre porte-documents.');
    expect($('.card__title').text()).toBe('Attestation CAF 2026');
    expect($('.card__meta').text()).toBe(`PDF, ${Math.round(file.content.length / 1024)}\u00a0Ko, ajouté le lundi 23 novembre 2026`);
    const kb = Math.round(file.content.length / 1024);
    expect($('#space-words').text()).toBe(`${kb}\u00a0Ko ${kb < 2 ? 'utilisé' : 'utilisés'} sur 50\u00a0Mo`);
    expect($('meter').attr('value')).toBe(String(file.content.length));

    const [stored] = await filesOf(family);
    const download = await owner(family).agent.get(`${PAGE}/${stored.id}/telecharger`).buffer(true).expect(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="Attestation CAF 2026\.pdf"/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(download.body as Buffer, file.content)).toBe(0);
  });

  it('names a file without a label after its own name, and serves a PNG named .pdf as the PNG it is', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64, 1)]);
    expect((await upload(owner(family).agent, { file: { content: png, filename: 'photo-carnet.pdf', contentType: 'application/pdf' } })).status).toBe(303);
    const [stored] = await filesOf(family);
    expect(stored).toMatchObject({ label: 'photo-carnet', detected_type: 'image/png' });
    const download = await owner(family).agent.get(`${PAGE}/${stored.id}/telecharger`).buffer(true).expect(200);
    expect(download.headers['content-type']).toBe('image/png');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="?photo-carnet\.png"?$/);
  });

  it('refuses a file that is not a PDF, JPEG or PNG by its content (checkUpload), next to the field, and writes nothing', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    const htmlFile = { content: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'), filename: 'attestation.pdf' };
    const response = await upload(owner(family).agent, { libelle: 'Attestation', file: htmlFile });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('#error-fichier').text()).toContain('Le fichier doit être un PDF, une image JPEG ou PNG');
    expect($('.error-summary a[href="#field-fichier"]')).toHaveLength(1);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('#field-libelle').val()).toBe('Attestation');
    expect(await filesOf(family)).toEqual([]);
  });

  it('refuses a form without a file, or with a label over 100 characters, and writes nothing', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    const noFile = await upload(owner(family).agent, { libelle: 'Rien' });
    expect(noFile.status).toBe(400);
    expect(html(noFile.text)('#error-fichier').text()).toContain('Choisissez le fichier à enregistrer');
    const longLabel = await upload(owner(family).agent, { libelle: 'x'.repeat(101), file: await pdf() });
    expect(longLabel.status).toBe(400);
    expect(html(longLabel.text)('#error-libelle').text()).toContain('100 caractères');
    expect(await filesOf(family)).toEqual([]);
  });

  it('refuses a form without its CSRF token and writes nothing', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    const { idempotency_key } = await hiddenFieldsOf(owner(family).agent, PAGE);
    const response = await upload(owner(family).agent, { file: await pdf(), hidden: { idempotency_key: idempotency_key! } });
    expect(response.status).toBe(403);
    expect(await filesOf(family)).toEqual([]);
  });

  it('posted twice with the same form, stores the file once', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    const hidden = await hiddenFieldsOf(owner(family).agent, PAGE);
    const file = await pdf();
    const answers = await Promise.all([upload(owner(family).agent, { hidden, file }), upload(owner(family).agent, { hidden, file })]);
    expect(answers.map((answer) => answer.status)).toEqual([303, 303]);
    expect(await filesOf(family)).toHaveLength(1);
  });

  it('renames a file; an empty or too long name is refused next to the field and the name stays', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    await upload(owner(family).agent, { libelle: 'Scan 1', file: await pdf() });
    const [stored] = await filesOf(family);
    const renamePage = `${PAGE}/${stored.id}/renommer`;
    expect(html((await owner(family).agent.get(renamePage).expect(200)).text)('#field-libelle').val()).toBe('Scan 1');

    const _csrf = await csrfTokenFrom(owner(family).agent, renamePage);
    const tooLong = await owner(family).agent.post(renamePage).type('form').send({ _csrf, libelle: 'é'.repeat(101) });
    expect(tooLong.status).toBe(400);
    expect(html(tooLong.text)('#error-libelle').text()).toContain('100 caractères');
    expect(html(tooLong.text)('#field-libelle').val()).toBe('é'.repeat(101));
    const empty = await owner(family).agent.post(renamePage).type('form').send({ _csrf, libelle: '  ' });
    expect(empty.status).toBe(400);
    expect(html(empty.text)('#error-libelle').text()).toContain('Saisissez le nouveau nom du document');
    expect((await filesOf(family))[0]!.label).toBe('Scan 1');

    const renamed = await owner(family).agent.post(renamePage).type('form').send({ _csrf, libelle: ' Certificat médical  Jade ' });
    expect(renamed.status).toBe(303);
    expect((await filesOf(family))[0]!.label).toBe('Certificat médical Jade');
    const download = await owner(family).agent.get(`${PAGE}/${stored.id}/telecharger`).expect(200);
    expect(download.headers['content-disposition']).toContain(`filename*=UTF-8''Certificat%20m%C3%A9dical%20Jade.pdf`);
  });

  it('deletes a file only after its confirmation page (a form, no JavaScript), and frees its space', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    await upload(owner(family).agent, { libelle: 'Ancienne attestation', file: await pdf() });
    const [stored] = await filesOf(family);
    const confirmPage = `${PAGE}/${stored.id}/supprimer`;
    const confirm = html((await owner(family).agent.get(confirmPage).expect(200)).text);
    expect(confirm('h1').text()).toBe('Supprimer « Ancienne attestation » ?');
    expect(confirm(`form[method="post"][action="${confirmPage}"] button[type="submit"]`).text()).toBe('Supprimer définitivement');
    expect(await filesOf(family)).toHaveLength(1);

    const hidden = await hiddenFieldsOf(owner(family).agent, confirmPage);
    const removed = await owner(family).agent.post(confirmPage).type('form').send(hidden);
    expect(removed.status).toBe(303);
    expect(await filesOf(family)).toEqual([]);
    const page = html((await owner(family).agent.get(PAGE).expect(200)).text);
    expect(page('.notice--success').text()).toContain('« Ancienne attestation » est supprimé de votre porte-documents.');
    expect(page('#space-words').text()).toBe('0\u00a0Mo utilisé sur 50\u00a0Mo');
    await owner(family).agent.get(`${PAGE}/${stored.id}/telecharger`).expect(404);

    const withoutToken = await owner(family).agent.post(confirmPage).type('form').send({});
    expect(withoutToken.status).toBe(403);
  });
});

describe('a porte-documents file is private to the account that stored it', () => {
  it('answers 404 to the other guardian of the family, to another family and to staff, for every action; the file stays as it was', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte', guardians: 2 });
    await upload(owner(family).agent, { libelle: 'Mes papiers', file: await pdf() });
    const [stored] = await filesOf(family);
    const other = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    const { agent: staff } = await demoAgent(t, VILLENNES);

    for (const agent of [owner(family, 1).agent, owner(other).agent]) {
      await agent.get(`${PAGE}/${stored.id}/telecharger`).expect(404);
      await agent.get(`${PAGE}/${stored.id}/renommer`).expect(404);
      await agent.get(`${PAGE}/${stored.id}/supprimer`).expect(404);
      const _csrf = await csrfTokenFrom(agent, PAGE);
      await agent.post(`${PAGE}/${stored.id}/renommer`).type('form').send({ _csrf, libelle: 'Pris' }).expect(404);
      await agent.post(`${PAGE}/${stored.id}/supprimer`).type('form').send({ _csrf, idempotency_key: crypto.randomUUID() }).expect(404);
      expect(mainText((await agent.get(PAGE).expect(200)).text)).not.toContain('Mes papiers');
    }
    await staff.get(`${PAGE}/${stored.id}/telecharger`).expect(404);
    await staff.get(`${PAGE}/${stored.id}/supprimer`).expect(404);
    await staff.get(PAGE).expect(404);

    expect(await filesOf(family)).toEqual([expect.objectContaining({ id: stored.id, label: 'Mes papiers' })]);
    expect(await filesOf(family, 1)).toEqual([]);
    await owner(family).agent.get(`${PAGE}/${stored.id}/telecharger`).expect(200);
  });

  it('answers 404 for the same id asked at another commune', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    await upload(owner(family).agent, { libelle: 'Mes papiers', file: await pdf() });
    const [stored] = await filesOf(family);
    await withFeature(t, 'echirolles', 'documentStorage', true, async () => {
      const echirolles = await freshFamily(t, 'echirolles', { prefix: 'Porte' });
      await owner(echirolles).agent.get(`/echirolles/porte-documents/${stored.id}/telecharger`).expect(404);
    });
  });
});

describe('the quota of 50 Mo per account', () => {
  it('refuses a file that does not fit, with a French message next to the field, and writes nothing', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    await fillUpTo(family, 100);
    const page = html((await owner(family).agent.get(PAGE).expect(200)).text);
    expect(page('#space-words').text()).toBe('50\u00a0Mo utilisés sur 50\u00a0Mo');

    const file = await pdf();
    const response = await upload(owner(family).agent, { libelle: 'Une de trop', file });
    expect(response.status).toBe(409);
    const $ = html(response.text);
    expect($('#error-fichier').text()).toContain(
      `Ce fichier (${Math.round(file.content.length / 1024)}\u00a0Ko) ne tient pas dans votre porte-documents : il reste 1\u00a0Ko sur 50\u00a0Mo. Supprimez des documents pour faire de la place`,
    );
    expect($('.error-summary a[href="#field-fichier"]')).toHaveLength(1);
    expect($('#field-libelle').val()).toBe('Une de trop');
    expect((await filesOf(family)).map((row) => row.label)).toEqual(['Archives']);
  });

  it('is per account: the other guardian of the same family has their own 50 Mo', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte', guardians: 2 });
    await fillUpTo(family, 100);
    expect((await upload(owner(family, 1).agent, { file: await pdf() })).status).toBe(303);
  });

  it('lets only one of two uploads racing at the limit pass, however they interleave', async () => {
    const file = await pdf();
    for (let round = 0; round < 3; round += 1) {
      const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
      // Room for one more file, not for two.
      await fillUpTo(family, Math.floor(file.content.length * 1.5));
      const forms = [await hiddenFieldsOf(owner(family).agent, PAGE), await hiddenFieldsOf(owner(family).agent, PAGE)];
      const answers = await Promise.all(forms.map((hidden, index) => upload(owner(family).agent, { hidden, libelle: `Envoi ${index + 1}`, file })));
      expect(answers.map((answer) => answer.status).sort()).toEqual([303, 409]);
      const rows = await filesOf(family);
      expect(rows).toHaveLength(2);
      expect(rows.reduce((sum, row) => sum + Number(row.size), 0)).toBeLessThanOrEqual(PRIVATE_STORAGE_QUOTA_BYTES);
    }
  });
});

describe('« Transmettre au service » from the porte-documents', () => {
  async function stored(family: FreshFamily) {
    expect((await upload(owner(family).agent, { libelle: 'Justificatif EDF', file: await pdf('Facture EDF, novembre 2026.') })).status).toBe(303);
    return (await filesOf(family)).at(-1)!.id as number;
  }
  const transmitPage = (fileId: number) => `${PAGE}/${fileId}/transmettre`;

  it('sends a copy to a requested document in one step; the file stays in the porte-documents', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    const fileId = await stored(family);
    const list = await owner(family).agent.get(PAGE).expect(200);
    expect(html(list.text)(`a[href="${transmitPage(fileId)}"]`).text()).toContain('Transmettre au service');

    const page = await owner(family).agent.get(transmitPage(fileId)).expect(200);
    const options = html(page.text)('select[name="document"] option').map((_, option) => html(page.text)(option).attr('value')).get();
    expect(options).toContain('justificatif-domicile');
    const hidden = await hiddenFieldsOf(owner(family).agent, transmitPage(fileId));
    const sent = await owner(family).agent.post(transmitPage(fileId)).type('form').send({ ...hidden, document: 'justificatif-domicile' });
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/${VILLENNES}/documents`);

    const documents = await t.runtime.db('family_documents').where({ family_id: family.familyId, type_code: 'justificatif-domicile' });
    expect(documents).toHaveLength(1);
    expect(documents[0]).toMatchObject({ status: 'pending', member_id: null, submitted_by: owner(family).user.id });
    const copies = await t.runtime.db('family_document_files as d').join('stored_files as f', 'f.id', 'd.file_id').where('d.document_id', documents[0].id).select('f.content', 'f.detected_type');
    const original = await t.runtime.db('private_files').where({ id: fileId }).first('content');
    expect(copies).toHaveLength(1);
    expect(Buffer.compare(copies[0].content, original.content)).toBe(0);
    expect(copies[0].detected_type).toBe('application/pdf');
    expect(await filesOf(family)).toHaveLength(1);
    const documentsPage = await owner(family).agent.get(`/${VILLENNES}/documents`).expect(200);
    expect(mainText(documentsPage.text)).toContain('en cours de vérification');

    // The same form posted again sends nothing more.
    expect((await owner(family).agent.post(transmitPage(fileId)).type('form').send({ ...hidden, document: 'justificatif-domicile' })).status).toBe(303);
    expect(await t.runtime.db('family_document_files').where({ document_id: documents[0].id })).toHaveLength(1);
  });

  it('asks which document, refuses one the commune does not ask of this family, and writes nothing', async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
    const fileId = await stored(family);
    const none = await owner(family).agent.post(transmitPage(fileId)).type('form').send({ _csrf: await csrfTokenFrom(owner(family).agent, transmitPage(fileId)), idempotency_key: crypto.randomUUID(), document: '' });
    expect(none.status).toBe(400);
    expect(html(none.text)('#error-document').text()).toContain('Choisissez le document demandé');
    const unknown = await owner(family).agent.post(transmitPage(fileId)).type('form').send({ _csrf: await csrfTokenFrom(owner(family).agent, transmitPage(fileId)), idempotency_key: crypto.randomUUID(), document: 'attestation-assurance.999999' });
    expect(unknown.status).toBe(422);
    expect(html(unknown.text)('#error-document').text()).toContain('Choisissez un document de la liste');
    expect(await t.runtime.db('family_documents').where({ family_id: family.familyId })).toHaveLength(0);
  });

  it("is the owner's alone: the other guardian and staff get 404, and nothing is sent", async () => {
    const family = await freshFamily(t, VILLENNES, { prefix: 'Porte', guardians: 2 });
    const fileId = await stored(family);
    await owner(family, 1).agent.get(transmitPage(fileId)).expect(404);
    const _csrf = await csrfTokenFrom(owner(family, 1).agent, `/${VILLENNES}/documents`);
    await owner(family, 1).agent.post(transmitPage(fileId)).type('form').send({ _csrf, idempotency_key: crypto.randomUUID(), document: 'justificatif-domicile' }).expect(404);
    const { agent: staff } = await demoAgent(t, VILLENNES);
    await staff.get(transmitPage(fileId)).expect(404);
    expect(await t.runtime.db('family_documents').where({ family_id: family.familyId })).toHaveLength(0);
  });
});
