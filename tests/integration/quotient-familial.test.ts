import { smallPdf } from '../support/small-pdf.ts';
import type request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { communeOf, demoAgent, freshFamily, withFeatureOff, type FreshFamily } from '../support/fresh-family.ts';
import { QUOTIENT_ROWS, VALID_ON_CASES } from '../support/quotient-cases.ts';
import { hiddenFieldsOf, twice, TWICE } from '../support/repeated-forms.ts';
import { buildTestApp, csrfTokenFrom, html, lastMailTo, unique, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026: a declaration accepted today prices from Tuesday 1 December 2026.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const MESNIL = 'lemesnilsaintdenis';
const PAGE = `/${MESNIL}/quotient-familial`;
const THIS_MONTH = '2026-11-01';
const NEXT_MONTH = '2026-12-01';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());
beforeEach(() => t.clock.set(NOW));


const agentOf = (family: FreshFamily) => family.parents[0]!.agent;

interface Declaration {
  quotient?: string;
  revenu?: string;
  debut?: string;
  file?: { content: Buffer; filename: string; contentType: string };
  /** The page's hidden fields (CSRF token, form key); read from the page when left out. */
  hidden?: Record<string, string>;
}

/** Posts the declaration as a browser does: multipart, the hidden fields first, the file last. */
async function declare(agent: request.Agent, form: Declaration, path = PAGE) {
  const hidden = form.hidden ?? (await hiddenFieldsOf(agent, PAGE));
  let req = agent.post(path);
  for (const [name, value] of Object.entries(hidden)) req = req.field(name, value);
  req = req.field('quotient', form.quotient ?? '450').field('revenu', form.revenu ?? '').field('debut', form.debut ?? '2026-01-01');
  if (form.file) req = req.attach('attestation', form.file.content, { filename: form.file.filename, contentType: form.file.contentType });
  return req;
}

const pdfFile = async () => ({ content: await smallPdf('Attestation de quotient familial : 450 euros au 1er janvier 2026.'), filename: 'attestation-caf.pdf', contentType: 'application/pdf' });

async function written(family: FreshFamily) {
  const count = async (table: string, where: Record<string, unknown>) =>
    Number((await t.runtime.db(table).where(where).count<{ count: string }[]>('* as count'))[0]!.count);
  return {
    requests: await count('requests', { family_id: family.familyId, type: 'quotient_familial' }),
    files: await count('stored_files', { family_id: family.familyId }),
    quotients: await count('family_quotients', { family_id: family.familyId }),
  };
}

const lastRequestId = async (family: FreshFamily) =>
  (await t.runtime.db('requests').where({ family_id: family.familyId, type: 'quotient_familial' }).orderBy('id', 'desc').first()).id as number;

/** Staff decide through the queue's form, as an agent would. */
async function decide(requestId: number, decision: 'accepter' | 'refuser', motif?: string) {
  const { agent } = await demoAgent(t, MESNIL);
  const queue = `/${MESNIL}/admin/demandes?type=quotient&statut=en-attente`;
  const $ = html((await agent.get(queue).expect(200)).text);
  expect($(`input[name="demandes"][value="${requestId}"]`)).toHaveLength(1);
  const _csrf = $('input[name="_csrf"]').first().val() as string;
  return agent
    .post(queue)
    .type('form')
    .send({ _csrf, demandes: String(requestId), decision, ...(motif ? { motif } : {}) });
}

/** A value staff set earlier: 800 € for the civil year 2026. */
async function staffValue(family: FreshFamily, value = 800) {
  const { user } = await demoAgent(t, MESNIL);
  await t.runtime.services.quotients.setByStaff(family.commune, user, family.familyId, { value, validFrom: '2026-01-01', validUntil: '2026-12-31' });
}

const validValue = async (family: FreshFamily, day: string) =>
  (await t.runtime.services.quotients.validOn(family.commune.id, family.familyId, day))?.value;

const text = (page: string) => html(page)('main').text().replace(/\s+/g, ' ');

describe('GET /:commune/quotient-familial', () => {
  it('shows the value valid today with its validity, and the declaration form (multipart, with the attestation)', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    await staffValue(family);
    const page = await agentOf(family).get(PAGE).expect(200);
    const $ = html(page.text);
    expect(text(page.text)).toContain('Quotient familial 800 € Validité du jeudi 1er janvier 2026 au jeudi 31 décembre 2026');
    expect($('form[enctype="multipart/form-data"] input[type="file"][name="attestation"]')).toHaveLength(1);
    expect($('input[name="idempotency_key"]')).toHaveLength(1);
  });

  it('says when the family has no valid value', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    expect(text((await agentOf(family).get(PAGE).expect(200)).text)).toContain("Aucun quotient familial n'est valable aujourd'hui pour votre famille.");
  });

  it('is 404 where the commune does not take declarations, read or posted, and writes nothing', async () => {
    const family = await freshFamily(t, 'echirolles', { prefix: 'Quotient' });
    await agentOf(family).get('/echirolles/quotient-familial').expect(404);
    const _csrf = await csrfTokenFrom(agentOf(family), '/echirolles/tableau-de-bord');
    const posted = await declare(agentOf(family), { file: await pdfFile(), hidden: { _csrf, idempotency_key: crypto.randomUUID() } }, '/echirolles/quotient-familial');
    expect(posted.status).toBe(404);
    expect(await written(family)).toEqual({ requests: 0, files: 0, quotients: 0 });

    const mesnil = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    await withFeatureOff(t, MESNIL, 'quotientDeclaration', async () => {
      await agentOf(mesnil).get(PAGE).expect(404);
    });
  });
});

describe('POST /:commune/quotient-familial', () => {
  it('accepted by staff: prices from the first of next month, the first of this month is unchanged', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    await staffValue(family, 800);
    const pdf = await pdfFile();
    const response = await declare(agentOf(family), { quotient: '450', revenu: '21 600', debut: '01/01/2026', file: pdf });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(PAGE);
    expect(await written(family)).toEqual({ requests: 1, files: 1, quotients: 1 });
    const stored = await t.runtime.db('stored_files').where({ family_id: family.familyId }).first();
    expect(stored.detected_type).toBe('application/pdf');
    expect(Buffer.compare(stored.content as Buffer, pdf.content)).toBe(0);

    // Pending: the page says so and offers no second declaration.
    const pending = html((await agentOf(family).get(PAGE)).text);
    expect(pending('main').text()).toContain('attend la réponse du service');
    expect(pending('input[name="attestation"]')).toHaveLength(0);

    // In the staff queue, with its attestation to download.
    const requestId = await lastRequestId(family);
    const { agent: staff } = await demoAgent(t, MESNIL);
    const queue = await staff.get(`/${MESNIL}/admin/demandes?type=quotient&statut=en-attente`).expect(200);
    const queueText = text(queue.text);
    expect(queueText).toContain(`Déclaration du quotient familial : Famille ${family.name}`);
    expect(queueText).toContain('Quotient familial déclaré : 450 €');
    expect(queueText).toContain('Revenu annuel déclaré : 21 600 €');
    expect(queueText).toContain('Attestation valable à partir du jeudi 1er janvier 2026');
    expect(html(queue.text)(`a[href="/${MESNIL}/admin/demandes/${requestId}/justificatif"]`)).toHaveLength(1);
    const download = await staff.get(`/${MESNIL}/admin/demandes/${requestId}/justificatif`).buffer(true).expect(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?justificatif-demande-${requestId}\\.pdf"?$`));
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(download.body as Buffer, pdf.content)).toBe(0);

    expect((await decide(requestId, 'accepter')).status).toBe(303);

    expect(await validValue(family, THIS_MONTH)).toBe(800);
    expect(await validValue(family, NEXT_MONTH)).toBe(450);
    // The attestation's civil year is over on 1 January: the family has no valid value then.
    expect(await validValue(family, '2027-01-01')).toBeUndefined();
    const row = await t.runtime.db('family_quotients').where({ family_id: family.familyId, source: 'declaration' }).first();
    expect(row).toMatchObject({ value: 450, valid_from: NEXT_MONTH, valid_until: '2026-12-31', annual_income: 21600, request_id: requestId, proof_file_id: stored.id });

    const mail = await lastMailTo(t, family.parents[0]!.email);
    expect(mail.kind).toBe('request_accepted');
    const mailText = mail.text.replace(/\s+/g, ' ');
    expect(mailText).toContain('(déclaration du quotient familial : 450 €, attestation valable à partir du jeudi 1er janvier 2026) a été acceptée');
    expect(mailText).toContain("Ce quotient familial s'applique à partir du mardi 1er décembre 2026 : les mois déjà facturés ne changent pas.");

    const after = text((await agentOf(family).get(PAGE)).text);
    expect(after).toContain('Quotient familial 800 €');
    expect(after).toContain('À venir : 450 €, du mardi 1er décembre 2026 au jeudi 31 décembre 2026');
    expect(after).toContain('Acceptée');

    // Staff see it in the family file, with who declared and who accepted.
    const file = text((await staff.get(`/${MESNIL}/admin/familles/${family.familyId}`).expect(200)).text);
    expect(file).toContain(`Déclaré par ${family.parents[0]!.user.firstName} ${family.name} (demande n° ${requestId}), accepté par Nadia Roux`);
  });

  it('refused by staff: no value is written, the reason is sent', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    expect((await declare(agentOf(family), { file: await pdfFile() })).status).toBe(303);
    const requestId = await lastRequestId(family);
    expect((await decide(requestId, 'refuser', 'Attestation illisible')).status).toBe(303);
    expect(await written(family)).toEqual({ requests: 1, files: 1, quotients: 0 });
    expect(await validValue(family, NEXT_MONTH)).toBeUndefined();
    const mail = await lastMailTo(t, family.parents[0]!.email);
    expect(mail.kind).toBe('request_refused');
    expect(mail.text).toContain('Motif : Attestation illisible');
    const page = text((await agentOf(family).get(PAGE)).text);
    expect(page).toContain('Refusée');
    expect(page).toContain('Motif du refus : Attestation illisible');
  });

  it('accepted once its attestation year is over: refused to staff with a message, nothing decided', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    expect((await declare(agentOf(family), { debut: '2026-01-01', file: await pdfFile() })).status).toBe(303);
    const requestId = await lastRequestId(family);
    t.clock.set(new Date('2026-12-02T09:00:00+01:00'));
    const response = await decide(requestId, 'accepter');
    expect(response.status).toBe(400);
    expect(html(response.text)('.error-summary').text()).toContain('valable jusqu\'au jeudi 31 décembre 2026 seulement');
    expect((await t.runtime.db('requests').where({ id: requestId }).first()).status).toBe('pending');
    expect(await written(family)).toEqual({ requests: 1, files: 1, quotients: 0 });
  });

  it('refuses an HTML page renamed .pdf by its content: message by the field, values kept, nothing written', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    const response = await declare(agentOf(family), {
      quotient: '450',
      revenu: '21600',
      file: { content: Buffer.from('<!doctype html><html><body><script>alert(1)</script></body></html>'), filename: 'attestation.pdf', contentType: 'application/pdf' },
    });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('#error-attestation').text()).toContain('Le fichier doit être un PDF, une image JPEG ou PNG');
    expect($('.error-summary a[href="#field-attestation"]')).toHaveLength(1);
    expect($('#field-attestation').attr('aria-invalid')).toBe('true');
    expect($('#field-quotient').val()).toBe('450');
    expect($('#field-revenu').val()).toBe('21600');
    expect($('#field-debut').val()).toBe('2026-01-01');
    expect(await written(family)).toEqual({ requests: 0, files: 0, quotients: 0 });
  });

  it('lists every problem at once, in French, and writes nothing', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    const response = await declare(agentOf(family), { quotient: '620,50', revenu: 'beaucoup', debut: '31/02/2026' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual(['#field-quotient', '#field-revenu', '#field-debut', '#field-attestation']);
    expect($('#error-quotient').text()).toContain('en euros entiers, sans centimes');
    expect($('#error-debut').text()).toContain('Saisissez une date valide');
    expect($('#error-attestation').text()).toContain('Joignez votre attestation');
    expect(await written(family)).toEqual({ requests: 0, files: 0, quotients: 0 });

    const expired = await declare(agentOf(family), { debut: '2025-01-01', file: await pdfFile() });
    expect(expired.status).toBe(400);
    expect(html(expired.text)('#error-debut').text()).toContain("n'est valable que jusqu'au mercredi 31 décembre 2025");
    expect(await written(family)).toEqual({ requests: 0, files: 0, quotients: 0 });
  });

  it('refuses an attestation over 5 MB and writes nothing', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    const big = Buffer.concat([await smallPdf('Attestation de quotient familial : 450 euros au 1er janvier 2026.'), Buffer.alloc(5 * 1024 * 1024, 0x20)]);
    const response = await declare(agentOf(family), { quotient: '450', file: { content: big, filename: 'attestation.pdf', contentType: 'application/pdf' } });
    expect(response.status).toBe(400);
    expect(html(response.text)('#error-attestation').text()).toContain('Le fichier dépasse 5 Mo');
    expect(html(response.text)('#field-quotient').val()).toBe('450');
    expect(await written(family)).toEqual({ requests: 0, files: 0, quotients: 0 });
  });

  it('refuses a form without its CSRF token', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    const { idempotency_key } = await hiddenFieldsOf(agentOf(family), PAGE);
    const response = await declare(agentOf(family), { file: await pdfFile(), hidden: { idempotency_key: idempotency_key! } });
    expect(response.status).toBe(403);
    expect(await written(family)).toEqual({ requests: 0, files: 0, quotients: 0 });
  });

  it.each(TWICE)('posted twice %s, declares once and answers both times as the first', async (how) => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    const hidden = await hiddenFieldsOf(agentOf(family), PAGE);
    const pdf = await pdfFile();
    const answers = await twice(how, () => declare(agentOf(family), { hidden, file: pdf }));
    expect(answers.map((answer) => [answer.status, answer.headers.location])).toEqual([
      [303, PAGE],
      [303, PAGE],
    ]);
    expect(await written(family)).toEqual({ requests: 1, files: 1, quotients: 0 });
  });

  it('one declaration at a time: another form while one is pending is refused (409)', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    const firstForm = await hiddenFieldsOf(agentOf(family), PAGE);
    const secondForm = await hiddenFieldsOf(agentOf(family), PAGE);
    expect((await declare(agentOf(family), { hidden: firstForm, file: await pdfFile() })).status).toBe(303);
    const second = await declare(agentOf(family), { hidden: secondForm, quotient: '300', file: await pdfFile() });
    expect(second.status).toBe(409);
    expect(html(second.text)('.error-summary').text()).toContain('une seule déclaration à la fois');
    expect(await written(family)).toEqual({ requests: 1, files: 1, quotients: 0 });
  });
});

describe("a declaration's attestation", () => {
  it("is the family's own: another family, or staff of another commune, get 404", async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    expect((await declare(agentOf(family), { file: await pdfFile() })).status).toBe(303);
    const requestId = await lastRequestId(family);
    const own = await agentOf(family).get(`/${MESNIL}/justificatifs/${requestId}`).buffer(true).expect(200);
    expect(own.headers['content-disposition']).toMatch(/^attachment;/);
    expect(html((await agentOf(family).get(PAGE)).text)(`a[href="/${MESNIL}/justificatifs/${requestId}"]`)).toHaveLength(1);

    const other = await freshFamily(t, MESNIL, { prefix: 'Voisin' });
    await agentOf(other).get(`/${MESNIL}/justificatifs/${requestId}`).expect(404);
    const { agent: villennesStaff } = await demoAgent(t, 'villennes');
    await villennesStaff.get(`/villennes/admin/demandes/${requestId}/justificatif`).expect(404);
  });
});

describe('POST /:commune/admin/familles/:familyId/quotient-familial', () => {
  it('sets a value from the family file, audited, and shows it in the history', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    const { agent: staff, user } = await demoAgent(t, MESNIL);
    const filePath = `/${MESNIL}/admin/familles/${family.familyId}`;
    const hidden = await hiddenFieldsOf(staff, filePath);
    const action = `${filePath}/quotient-familial`;
    const answers = await twice('at the same moment', () =>
      staff.post(action).type('form').send({ ...hidden, quotient: '1 250', debut: '01/01/2027', fin: '' }),
    );
    expect(answers.map((answer) => answer.status)).toEqual([303, 303]);
    expect(answers[0]!.headers.location).toBe(`${filePath}#quotient-familial`);

    const rows = await t.runtime.db('family_quotients').where({ family_id: family.familyId });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ value: 1250, valid_from: '2027-01-01', valid_until: null, source: 'staff', set_by: user.id });
    expect(await validValue(family, '2030-06-01')).toBe(1250);

    const audit = await t.runtime.db('audit_log').where({ family_id: family.familyId, action: 'quotient_set' });
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ staff_id: user.id, entity: 'quotient', entity_id: rows[0].id, after: { quotient: 1250, quotientValidFrom: '2027-01-01', quotientValidUntil: null } });

    const page = text((await staff.get(filePath).expect(200)).text);
    expect(page).toContain('1 250 € à partir du vendredi 1er janvier 2027, sans date de fin Saisi par le service Nadia Roux');
    expect(page).toContain('Quotient familial saisi par le service');
    expect(page).toContain('Quotient familial : Non renseigné → 1 250 €');
  });

  it('refuses an end before the start: messages, values kept, nothing written', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    const { agent: staff } = await demoAgent(t, MESNIL);
    const filePath = `/${MESNIL}/admin/familles/${family.familyId}`;
    const hidden = await hiddenFieldsOf(staff, filePath);
    const response = await staff.post(`${filePath}/quotient-familial`).type('form').send({ ...hidden, quotient: '620', debut: '2026-06-01', fin: '2026-05-31' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('#error-fin').text()).toContain('La date de fin doit être le jour de début ou après');
    expect($('#field-quotient').val()).toBe('620');
    const bad = await staff.post(`${filePath}/quotient-familial`).type('form').send({ ...(await hiddenFieldsOf(staff, filePath)), quotient: 'six cents', debut: '' });
    expect(bad.status).toBe(400);
    expect(html(bad.text)('.error-summary a').map((_, a) => html(bad.text)(a).attr('href')).get()).toEqual(['#field-quotient', '#field-debut']);
    expect(await written(family)).toEqual({ requests: 0, files: 0, quotients: 0 });
    expect(await t.runtime.db('audit_log').where({ family_id: family.familyId, action: 'quotient_set' })).toHaveLength(0);
  });

  it("is 404 for another commune's family", async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    const { agent: staff } = await demoAgent(t, 'villennes');
    const _csrf = await csrfTokenFrom(staff, '/villennes/admin/familles');
    const response = await staff.post(`/villennes/admin/familles/${family.familyId}/quotient-familial`).type('form').send({ _csrf, idempotency_key: crypto.randomUUID(), quotient: '620', debut: '2026-01-01' });
    expect(response.status).toBe(404);
    expect(await written(family)).toEqual({ requests: 0, files: 0, quotients: 0 });
  });
});

describe('validOnForFamilies', () => {
  it('gives, in one query for every family, the value the domain rule gives', async () => {
    const commune = await communeOf(t, MESNIL);
    const { user: staff } = await demoAgent(t, MESNIL);
    const families: { id: number; expected: number | undefined; day: string }[] = [];
    for (const [, keys, day, expected] of VALID_ON_CASES) {
      const id = await t.runtime.repositories.families.insertFamily(commune.id, { reference: unique('QF'), name: unique('Cas') });
      for (const key of keys) {
        const row = QUOTIENT_ROWS[key];
        await t.runtime.repositories.quotients.insert(commune.id, {
          familyId: id,
          value: row.value,
          validFrom: row.validFrom,
          validUntil: row.validUntil,
          source: 'staff',
          annualIncome: null,
          requestId: null,
          proofFileId: null,
          setBy: staff.id,
          setAt: row.setAt,
        });
      }
      families.push({ id, expected: expected && QUOTIENT_ROWS[expected].value, day });
    }
    const queries: string[] = [];
    const count = (query: { sql: string }) => queries.push(query.sql);
    t.runtime.db.on('query', count);
    try {
      for (const day of new Set(families.map((family) => family.day))) {
        const found = await t.runtime.services.quotients.validOnForFamilies(
          commune.id,
          families.map((family) => family.id),
          day,
        );
        for (const family of families.filter((each) => each.day === day)) expect(found.get(family.id)?.value, `family ${family.id} on ${day}`).toBe(family.expected);
      }
    } finally {
      t.runtime.db.off('query', count);
    }
    expect(queries).toHaveLength(new Set(families.map((family) => family.day)).size);
  });

  it("never answers another commune's family", async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Quotient' });
    await staffValue(family);
    const villennes = await communeOf(t, 'villennes');
    expect(await t.runtime.services.quotients.validOn(villennes.id, family.familyId, '2026-06-01')).toBeUndefined();
    expect((await t.runtime.services.quotients.validOnForFamilies(villennes.id, [family.familyId], '2026-06-01')).size).toBe(0);
  });
});
