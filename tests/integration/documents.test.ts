import request from 'supertest';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoPdf } from '../../src/services/commune/demo-documents.ts';
import { cell, familyWithChild, postWeek, type FamilyWithChild } from '../support/booking-fixtures.ts';
import { acceptedDocument } from '../support/document-fixtures.ts';
import { addChild, demoAgent, freshFamily, postForm, type FreshFamily } from '../support/fresh-family.ts';
import { hiddenFieldsOf } from '../support/repeated-forms.ts';
import { buildTestApp, csrfTokenFrom, DEFAULT_NOW, DEMO, html, lastMailTo, signIn, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026, 9:00 in Paris. Échirolles' canteen and Wednesdays require the child's
// « Attestation d'assurance extrascolaire » (seeds/communes/echirolles.json).
const SLUG = 'echirolles';
const INSURANCE = "Attestation d'assurance extrascolaire";
const NEXT_WEEK = '2026-W49';
const MON = '2026-11-30';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp();
});
afterEach(() => t.clock.set(DEFAULT_NOW));
afterAll(() => t.close());

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const agentOf = (family: FreshFamily) => family.parents[0]!.agent;
const PNG = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);

interface Upload {
  content: Buffer;
  name: string;
  /** What the browser claims; the server reads the content instead. */
  type?: string;
}

/** « Envoyer » on « Mes documents », as a browser posts it (multipart, CSRF token first). */
async function send(agent: request.Agent, document: string, files: Upload[], csrf?: string) {
  const _csrf = csrf ?? (await csrfTokenFrom(agent, `/${SLUG}/documents`));
  const { idempotency_key } = await hiddenFieldsOf(agent, `/${SLUG}/documents`);
  let post = agent.post(`/${SLUG}/documents`).field('_csrf', _csrf).field('idempotency_key', idempotency_key!).field('document', document);
  for (const file of files) post = post.attach('fichiers', file.content, { filename: file.name, contentType: file.type ?? 'application/pdf' });
  return post;
}

const sendingsOf = (familyId: number) => t.runtime.db('family_documents').where({ family_id: familyId }).orderBy('id');
const filesOf = (familyId: number) => t.runtime.db('stored_files').where({ family_id: familyId });

/** The document cards of « Mes documents »: section, name, requirement and status tag. */
async function cardsOf(agent: request.Agent) {
  const $ = html((await agent.get(`/${SLUG}/documents`).expect(200)).text);
  return $('section')
    .map((_, section) =>
      $(section)
        .find('.card')
        .map((__, card) => ({
          section: squash($(section).find('h2').first().text()),
          name: squash($(card).find('.card__title').text()),
          requirement: squash($(card).find('.card__meta').text()),
          status: squash($(card).find('.tag').text()),
          colour: /tag--(?!wrap)(\w+)/.exec($(card).find('.tag').attr('class') ?? '')?.[1],
          files: $(card).find('a[href*="/documents/fichiers/"]').map((___, a) => $(a).attr('href')).get(),
          text: squash($(card).text()),
        }))
        .get(),
    )
    .get();
}

const insuranceCard = async (family: FamilyWithChild) => (await cardsOf(agentOf(family))).find((card) => card.name === INSURANCE && card.section.includes('Jade'))!;
const childKey = (family: { childId: number }) => `attestation-assurance.${family.childId}`;

async function activityId(code: string) {
  const commune = (await t.runtime.services.communes.findBySlug(SLUG))!;
  return String((await t.runtime.repositories.activities.findByCode(commune.id, code))!.id);
}

async function askRegistration(family: FreshFamily & { childId: number }, code = 'restauration') {
  return postForm(agentOf(family), `/${SLUG}/inscriptions/nouvelle`, `/${SLUG}/inscriptions/nouvelle`, {
    enfant: String(family.childId),
    activite: await activityId(code),
    anneeScolaire: '2026-2027',
  });
}

/** The agent opens the newest pending sending of the family in « Documents à vérifier » and decides. */
async function staffDecides(familyId: number, decision: { validiteFin: string } | { motif: string }) {
  const { agent } = await demoAgent(t, SLUG);
  const [pending] = await t.runtime.db('family_documents').where({ family_id: familyId, status: 'pending' });
  const page = `/${SLUG}/admin/documents/${pending.id}`;
  const action = 'validiteFin' in decision ? `${page}/valider` : `${page}/refuser`;
  return { response: await postForm(agent, page, action, decision), documentId: pending.id as number, agent };
}

describe('GET /:commune/documents', () => {
  it('lists per family and per child what the commune asks, with the status in words and colour', async () => {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Docs' });
    const cards = await cardsOf(agentOf(family));
    expect(cards.find((card) => card.name === INSURANCE)).toMatchObject({
      section: `Documents de Jade ${family.name}`,
      requirement: 'Obligatoire pour : Restauration scolaire',
      status: 'À fournir',
      colour: 'due',
    });
    // Not required by the canteen: optional, sendable anyway.
    expect(cards.find((card) => card.name.startsWith('Justificatif de domicile'))).toMatchObject({
      section: 'Documents de la famille',
      requirement: 'Facultatif : vous pouvez le transmettre si vous le souhaitez',
      status: 'Non transmis',
    });
    const $ = html((await agentOf(family).get(`/${SLUG}/documents`)).text);
    expect(squash($('.panel').first().text())).toBe('Un document obligatoire est à fournir.');
    expect($('#field-document option').map((_, o) => $(o).attr('value')).get()).toContain(childKey(family));
    expect($('#field-fichiers').attr('accept')).toBe('application/pdf,image/jpeg,image/png,.pdf,.jpg,.jpeg,.png');
    expect($('#field-fichiers').is('[multiple]')).toBe(true);

    const dashboard = html((await agentOf(family).get(`/${SLUG}/tableau-de-bord`).expect(200)).text);
    const section = dashboard('section[aria-labelledby="documents-title"]');
    expect(squash(section.find('li').text())).toBe(`${INSURANCE} de Jade : À fournir`);
    expect(section.find(`a[href="/${SLUG}/documents"]`)).toHaveLength(1);
  });

  it('is for parents only', async () => {
    const { agent } = await demoAgent(t, SLUG);
    expect((await agent.get(`/${SLUG}/documents`)).status).not.toBe(200);
  });
});

describe('POST /:commune/documents', () => {
  it('takes several pages, PDF and phone photo, read by content; they join one sending and download as attachments only', async () => {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Pages' });
    const pdf = demoPdf('Attestation page 1');
    const sent = await send(agentOf(family), childKey(family), [
      { content: pdf, name: 'page1.pdf' },
      { content: PNG, name: 'IMG_2041.png', type: 'application/octet-stream' },
    ]);
    expect(sent.status).toBe(303);
    expect(sent.headers.location).toBe(`/${SLUG}/documents`);
    const flash = html((await agentOf(family).get(`/${SLUG}/documents`)).text)('.flash, [role="status"]').text();
    expect(squash(flash)).toContain(`Votre document « ${INSURANCE} de Jade » est envoyé`);

    const card = await insuranceCard(family);
    expect(card).toMatchObject({ status: 'Transmis, en cours de vérification', colour: 'pending' });
    expect(card.files).toHaveLength(2);

    // A third page sent later joins the same pending sending.
    expect((await send(agentOf(family), childKey(family), [{ content: demoPdf('page 3'), name: 'page3.pdf' }])).status).toBe(303);
    const sendings = await sendingsOf(family.familyId);
    expect(sendings.map((row) => [row.type_code, row.member_id, row.status])).toEqual([['attestation-assurance', family.childId, 'pending']]);
    expect(await t.runtime.db('family_document_files').where({ document_id: sendings[0].id })).toHaveLength(3);

    const [pdfLink, pngLink] = (await insuranceCard(family)).files;
    const download = await agentOf(family).get(pdfLink!).buffer(true).expect(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="?document-\d+\.pdf"?$/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(download.body as Buffer, pdf)).toBe(0);
    const image = await agentOf(family).get(pngLink!).buffer(true).expect(200);
    expect(image.headers['content-type']).toBe('image/png');
    expect(image.headers['content-disposition']).toMatch(/^attachment; filename="?document-\d+\.png"?$/);

    // Another family's parent: 404 for the file, and the child's document is not theirs to send.
    const other = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Autre' });
    await agentOf(other).get(pdfLink!).expect(404);
    const crafted = await send(agentOf(other), childKey(family), [{ content: pdf, name: 'a.pdf' }]);
    expect(crafted.status).toBe(422);
    expect(squash(html(crafted.text)('#error-document').text())).toBe('Erreur : Choisissez un document de la liste');
    expect(await sendingsOf(other.familyId)).toEqual([]);
  });

  const glued = Buffer.from('%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n');
  const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><circle r="5"/></svg>');
  const withJavaScript = Buffer.from(
    '%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n',
  );
  const sixMegabytes = Buffer.concat([demoPdf('gros'), Buffer.alloc(6 * 1024 * 1024)]);

  it.each([
    ['an HTML page with %PDF- glued in front', { content: glued, name: 'attestation.pdf' }, "Le fichier n'est pas un PDF complet"],
    ['an SVG image', { content: svg, name: 'attestation.svg', type: 'image/svg+xml' }, 'Le fichier doit être un PDF, une image JPEG ou PNG'],
    ['a PDF running JavaScript', { content: withJavaScript, name: 'attestation.pdf' }, 'Le PDF contient du code (JavaScript'],
    ['a 6 MB file', { content: sixMegabytes, name: 'scan.pdf' }, 'Le fichier dépasse 5 Mo : choisissez un fichier plus léger'],
    ['an empty file', { content: Buffer.alloc(0), name: 'vide.pdf' }, 'Le fichier est vide : choisissez un autre fichier'],
  ])('refuses %s next to the field and in the summary, writing nothing', async (_, file, message) => {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Refus' });
    const response = await send(agentOf(family), childKey(family), [file]);
    expect(response.status).toBe(422);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect(squash($('#error-fichiers').text())).toContain(message);
    expect(squash($('.error-summary a[href="#field-fichiers"]').text())).toContain(message);
    expect($('#field-document option:selected').val()).toBe(childKey(family));
    expect(await sendingsOf(family.familyId)).toEqual([]);
    expect(await filesOf(family.familyId)).toEqual([]);
  });

  it('posted twice with the same form (double click, refresh), stores the files once', async () => {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Double' });
    const $ = html((await agentOf(family).get(`/${SLUG}/documents`)).text);
    const form = $('form[enctype="multipart/form-data"]');
    const hidden = { _csrf: String(form.find('input[name="_csrf"]').val()), idempotency_key: String(form.find('input[name="idempotency_key"]').val()) };
    const post = () =>
      agentOf(family)
        .post(`/${SLUG}/documents`)
        .field('_csrf', hidden._csrf)
        .field('idempotency_key', hidden.idempotency_key)
        .field('document', childKey(family))
        .attach('fichiers', demoPdf('une fois'), 'une-fois.pdf');
    expect((await post()).status).toBe(303);
    expect((await post()).status).toBe(303);
    expect(await filesOf(family.familyId)).toHaveLength(1);
    expect(await sendingsOf(family.familyId)).toHaveLength(1);
  });

  it('sent from two forms at the same moment, joins one sending with both pages', async () => {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Meme' });
    const csrf = await csrfTokenFrom(agentOf(family), `/${SLUG}/documents`);
    const answers = await Promise.all([
      send(agentOf(family), childKey(family), [{ content: demoPdf('recto'), name: 'recto.pdf' }], csrf),
      send(agentOf(family), childKey(family), [{ content: demoPdf('verso'), name: 'verso.pdf' }], csrf),
    ]);
    expect(answers.map((answer) => answer.status)).toEqual([303, 303]);
    const sendings = await sendingsOf(family.familyId);
    expect(sendings).toHaveLength(1);
    expect(await t.runtime.db('family_document_files').where({ document_id: sendings[0].id })).toHaveLength(2);
  });

  it('asks for a file and a document, and refuses a POST without its CSRF token', async () => {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Vide' });
    const none = await send(agentOf(family), childKey(family), []);
    expect(none.status).toBe(422);
    expect(squash(html(none.text)('#error-fichiers').text())).toContain('Choisissez le fichier à envoyer');
    const noDocument = await send(agentOf(family), '', [{ content: demoPdf('x'), name: 'x.pdf' }]);
    expect(noDocument.status).toBe(400);
    expect(squash(html(noDocument.text)('#error-document').text())).toContain('Choisissez le document que vous envoyez');
    const forged = await agentOf(family).post(`/${SLUG}/documents`).field('document', childKey(family)).attach('fichiers', demoPdf('x'), 'x.pdf');
    expect(forged.status).toBe(403);
    expect(await sendingsOf(family.familyId)).toEqual([]);
  });
});

describe('GET /:commune/admin/documents', () => {
  it('lists the documents to check oldest first; staff accept with a validity end, the family is e-mailed, it is audited', async () => {
    const first = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Ancien' });
    await send(agentOf(first), childKey(first), [{ content: demoPdf('1'), name: '1.pdf' }]).then((r) => expect(r.status).toBe(303));
    t.clock.set(new Date(DEFAULT_NOW.getTime() + 60_000));
    const second = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Recent' });
    await send(agentOf(second), childKey(second), [{ content: PNG, name: 'photo.png' }]).then((r) => expect(r.status).toBe(303));

    const { agent } = await demoAgent(t, SLUG);
    const $ = html((await agent.get(`/${SLUG}/admin/documents`).expect(200)).text);
    const titles = $('.card__title').map((_, h) => squash($(h).text())).get();
    const mine = titles.filter((title) => title.includes(first.name) || title.includes(second.name));
    expect(mine).toEqual([`${INSURANCE} – Jade ${first.name}`, `${INSURANCE} – Jade ${second.name}`]);

    // Refused without a date, or with a date not after today.
    const [pending] = await sendingsOf(first.familyId);
    const page = `/${SLUG}/admin/documents/${pending.id}`;
    const detail = html((await agent.get(page).expect(200)).text);
    expect(detail(`a[href^="/${SLUG}/admin/documents/${pending.id}/fichiers/"]`)).toHaveLength(1);
    const noDate = await postForm(agent, page, `${page}/valider`, { validiteFin: '' });
    expect(noDate.status).toBe(400);
    expect(squash(html(noDate.text)('#error-validiteFin').text())).toContain('Indiquez la fin de validité du document');
    const today = await postForm(agent, page, `${page}/valider`, { validiteFin: '2026-11-23' });
    expect(today.status).toBe(400);
    expect(squash(html(today.text)('#error-validiteFin').text())).toContain("une date postérieure à aujourd'hui");
    expect((await sendingsOf(first.familyId))[0].status).toBe('pending');

    const accepted = await postForm(agent, page, `${page}/valider`, { validiteFin: '2027-08-31' });
    expect(accepted.status).toBe(303);
    expect(accepted.headers.location).toBe(`/${SLUG}/admin/documents`);
    expect((await sendingsOf(first.familyId)).map((row) => [row.status, row.valid_until])).toEqual([['accepted', '2027-08-31']]);
    const mail = await lastMailTo(t, first.parents[0]!.email);
    expect(mail.kind).toBe('document_accepted');
    expect(mail.subject).toContain('Votre document est validé');
    expect(squash(mail.text)).toContain(`Le document « ${INSURANCE} de Jade »`);
    expect(squash(mail.text)).toContain("Il est valable jusqu'au mardi 31 août 2027 inclus");
    const audit = await t.runtime.db('audit_log').where({ entity: 'document', entity_id: pending.id });
    expect(audit.map((row) => [row.action, row.family_id, row.after])).toEqual([['document_accepted', first.familyId, { status: 'accepted', validUntil: '2027-08-31' }]]);

    expect(await insuranceCard(first)).toMatchObject({ status: 'Validé jusqu\'au mardi 31 août 2027', colour: 'ok' });
    // Decided: no longer in the queue, and deciding again says so.
    await agent.get(page).expect(404);
  });

  it('refuses with a reason (required): the family is e-mailed it, sees it, and sends again', async () => {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Refuse' });
    await send(agentOf(family), childKey(family), [{ content: demoPdf('flou'), name: 'flou.pdf' }]);
    const { agent } = await demoAgent(t, SLUG);
    const [pending] = await sendingsOf(family.familyId);
    const page = `/${SLUG}/admin/documents/${pending.id}`;
    const noReason = await postForm(agent, page, `${page}/refuser`, { motif: '  ' });
    expect(noReason.status).toBe(400);
    expect(squash(html(noReason.text)('#error-motif').text())).toContain('Indiquez le motif du refus');

    const { response } = await staffDecides(family.familyId, { motif: 'Attestation illisible' });
    expect(response.status).toBe(303);
    const mail = await lastMailTo(t, family.parents[0]!.email);
    expect(mail.kind).toBe('document_refused');
    expect(squash(mail.text)).toContain('Motif : Attestation illisible');
    expect((await t.runtime.db('audit_log').where({ entity: 'document', entity_id: pending.id }).first()).action).toBe('document_refused');

    const card = await insuranceCard(family);
    expect(card).toMatchObject({ status: 'Refusé, à fournir de nouveau', colour: 'late' });
    expect(card.text).toContain('Motif du refus : Attestation illisible');
    const dashboard = html((await agentOf(family).get(`/${SLUG}/tableau-de-bord`)).text);
    expect(squash(dashboard('section[aria-labelledby="documents-title"] li').text())).toBe(`${INSURANCE} de Jade : Refusé, à fournir de nouveau`);

    await send(agentOf(family), childKey(family), [{ content: demoPdf('net'), name: 'net.pdf' }]);
    expect((await insuranceCard(family)).status).toBe('Transmis, en cours de vérification');
    expect((await sendingsOf(family.familyId)).map((row) => row.status)).toEqual(['refused', 'pending']);
  });

  it("is another commune's staff's 404: neither the document nor its file", async () => {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Tenant' });
    await send(agentOf(family), childKey(family), [{ content: demoPdf('x'), name: 'x.pdf' }]);
    const [pending] = await sendingsOf(family.familyId);
    const [link] = await t.runtime.db('family_document_files').where({ document_id: pending.id });
    const { agent } = await demoAgent(t, 'villennes');
    await agent.get(`/villennes/admin/documents/${pending.id}`).expect(404);
    await agent.get(`/villennes/admin/documents/${pending.id}/fichiers/${link.file_id}`).expect(404);
    expect(html((await agent.get('/villennes/admin/documents').expect(200)).text)('body').text()).not.toContain(family.name);
    // Signed in at Villennes, a person is anonymous at Échirolles.
    expect((await agent.get(`/${SLUG}/admin/documents/${pending.id}`)).status).not.toBe(200);
    // And a parent is not staff.
    expect((await agentOf(family).get(`/${SLUG}/admin/documents/${pending.id}`)).status).not.toBe(200);
  });
});

describe('the mandatory-document block', () => {
  it('refuses a registration while the document is missing or being checked, with the link; allows it once accepted', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Bloque' });
    const child = { ...family, childId: await addChild(t, family, 'Jade') };

    // The form says beforehand which activities require a document.
    const form = html((await agentOf(family).get(`/${SLUG}/inscriptions/nouvelle`).expect(200)).text);
    const canteenLabel = squash(form(`label[for="field-activite-${await activityId('restauration')}"]`).text());
    expect(canteenLabel).toBe(`Restauration scolaire (Document exigé : ${INSURANCE}, à envoyer depuis « Mes documents »)`);
    expect(squash(form(`label[for="field-activite-${await activityId('etude')}"]`).text())).toBe('Étude surveillée');

    const missing = await askRegistration(child);
    expect(missing.status).toBe(422);
    const $ = html(missing.text);
    const sentence = `Pour « Restauration scolaire », le document « ${INSURANCE} » de Jade est à fournir : envoyez-le depuis « Mes documents »`;
    expect(squash($('#error-activite').text())).toBe(`Erreur : ${sentence} Mes documents`);
    expect($(`#error-activite a[href="/${SLUG}/documents"]`)).toHaveLength(1);
    expect(squash($('.error-summary').text())).toContain(sentence);
    expect($(`.error-summary a[href="/${SLUG}/documents"]`)).toHaveLength(1);
    expect($('input[name="activite"]:checked').val()).toBe(await activityId('restauration'));
    expect(await t.runtime.db('registrations').where({ family_id: family.familyId })).toEqual([]);
    expect(await t.runtime.db('requests').where({ family_id: family.familyId })).toEqual([]);

    // An activity without a required document is not blocked.
    expect((await askRegistration(child, 'etude')).status).toBe(303);

    await send(agentOf(family), `attestation-assurance.${child.childId}`, [{ content: demoPdf('ok'), name: 'ok.pdf' }]);
    const pending = await askRegistration(child);
    expect(pending.status).toBe(422);
    expect(squash(html(pending.text)('#error-activite').text())).toContain("est en cours de vérification par le service : vous pourrez demander l'inscription une fois le document validé");

    await staffDecides(family.familyId, { validiteFin: '2027-08-31' });
    expect((await askRegistration(child)).status).toBe(303);
    // Accepted for this child, it is not asked again for Wednesdays.
    expect((await askRegistration(child, 'mercredi')).status).toBe(303);
    expect((await t.runtime.db('registrations').where({ family_id: family.familyId })).length).toBe(3);
  });

  it('lets the document expire after its validity end (Paris day): back to « à fournir », and registrations blocked again', async () => {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Expire' });
    await send(agentOf(family), childKey(family), [{ content: demoPdf('court'), name: 'court.pdf' }]);
    await staffDecides(family.familyId, { validiteFin: '2026-11-24' });

    // The last valid day, until 23:59 in Paris.
    t.clock.set(new Date('2026-11-24T23:59:00+01:00'));
    expect(await insuranceCard(family)).toMatchObject({ status: "Validé jusqu'au mardi 24 novembre 2026", colour: 'ok' });
    t.clock.set(new Date('2026-11-25T00:00:00+01:00'));
    expect(await insuranceCard(family)).toMatchObject({ status: 'Expiré le mardi 24 novembre 2026, à fournir de nouveau', colour: 'late' });
    const dashboard = html((await agentOf(family).get(`/${SLUG}/tableau-de-bord`)).text);
    expect(squash(dashboard('section[aria-labelledby="documents-title"] li').text())).toContain('Expiré le mardi 24 novembre 2026');
    const refused = await askRegistration(family, 'mercredi');
    expect(refused.status).toBe(422);
    expect(squash(html(refused.text)('#error-activite').text())).toContain(`le document « ${INSURANCE} » de Jade a expiré le mardi 24 novembre 2026`);
  });

  it('refuses a booking where the document type says `blocksBooking`, and books once it is accepted', async () => {
    const setBlocks = (on: boolean) =>
      t.runtime.db.raw(`UPDATE communes SET settings = jsonb_set(settings, '{documentTypes,0,blocksBooking}', ?::jsonb) WHERE slug = ?`, [JSON.stringify(on), SLUG]);
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Resa' });
    const canteen = family.activities.restauration!;
    const commune = (await t.runtime.services.communes.findBySlug(SLUG))!;
    expect(commune.settings.documentTypes[0]!.code).toBe('attestation-assurance');
    await setBlocks(true);
    try {
      expect((await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(canteen, MON)])).status).toBe(303);
      expect(await t.runtime.db('bookings').where({ member_id: family.childId })).toEqual([]);
      const $ = html((await agentOf(family).get(`/${SLUG}/reservations/${family.childId}?semaine=${NEXT_WEEK}`)).text);
      expect($('.booking-outcome__refused').map((_, li) => squash($(li).text())).get()).toEqual([
        `✕ Restauration scolaire : non fait, document « ${INSURANCE} » à fournir d'abord (Mes documents)`,
      ]);

      // The semaine type is refused as a whole, with the sentence and the link.
      const recurring = `/${SLUG}/reservations/${family.childId}/semaine-type`;
      const preview = await postForm(agentOf(family), recurring, `${recurring}/apercu`, {
        activite: String(canteen),
        jours: 'lundi',
        rythme: '1',
        periode: 'dates',
        du: '2026-11-30',
        au: '2026-12-18',
      });
      expect(preview.status).toBe(422);
      expect(squash(html(preview.text)('.error-summary').text())).toContain(
        `Pour « Restauration scolaire », le document « ${INSURANCE} » de Jade est à fournir : envoyez-le depuis « Mes documents »`,
      );
      expect(await t.runtime.db('bookings').where({ member_id: family.childId })).toEqual([]);

      await acceptedDocument(t, family, 'attestation-assurance', family.childId);
      expect((await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(canteen, MON)])).status).toBe(303);
      expect((await t.runtime.db('bookings').where({ member_id: family.childId })).map((row) => row.status)).toEqual(['booked']);
    } finally {
      await setBlocks(false);
    }
  });

  it('does not block a booking by default', async () => {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Libre' });
    expect((await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(family.activities.restauration!, MON)])).status).toBe(303);
    expect((await t.runtime.db('bookings').where({ member_id: family.childId })).map((row) => row.status)).toEqual(['booked']);
  });
});

describe('the demo data (DESIGN §10)', () => {
  it("shows the Martin family a missing mandatory document: Hugo's insurance certificate, Léa's being validated", async () => {
    const agent = request.agent(t.app);
    await signIn(agent, SLUG, 'martin-claire', DEMO.parentPassword, 303);
    const cards = (await cardsOf(agent)).filter((card) => card.name === INSURANCE);
    expect(cards.map((card) => [card.section, card.requirement, card.status])).toEqual([
      ['Documents de Léa Martin', 'Obligatoire pour : Restauration scolaire', "Validé jusqu'au mardi 31 août 2027"],
      ['Documents de Hugo Martin', 'Obligatoire pour : Restauration scolaire, Mercredi – accueil de loisirs', 'À fournir'],
    ]);
    const dashboard = html((await agent.get(`/${SLUG}/tableau-de-bord`).expect(200)).text);
    expect(squash(dashboard('section[aria-labelledby="documents-title"] li').text())).toBe(`${INSURANCE} de Hugo : À fournir`);
  });

  it("shows staff the family's documents in its file, in the service's words", async () => {
    const { agent } = await demoAgent(t, SLUG);
    const martin = await t.runtime.db('families').join('communes', 'communes.id', 'families.commune_id').where({ 'communes.slug': SLUG, 'families.name': 'Martin' }).first('families.id');
    const $ = html((await agent.get(`/${SLUG}/admin/familles/${martin.id}`).expect(200)).text);
    const cards = $('section[aria-labelledby="documents-title"] li.card')
      .map((_, card) => squash($(card).text()))
      .get();
    expect(cards).toContainEqual(expect.stringContaining(`${INSURANCE} – Hugo Martin Obligatoire pour : Restauration scolaire, Mercredi – accueil de loisirs Statut : À fournir`));
    expect(cards).toContainEqual(expect.stringContaining(`${INSURANCE} – Léa Martin Obligatoire pour : Restauration scolaire · Dernier envoi le`));
    expect(cards.join(' ')).not.toContain('vous pouvez');
  });
});
