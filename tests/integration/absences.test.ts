import { smallPdf } from '../support/small-pdf.ts';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cell, cellsOf, familyWithChild, postWeek, type FamilyWithChild } from '../support/booking-fixtures.ts';
import { demoAgent, withFeatureOff } from '../support/fresh-family.ts';
import { buildTestApp, csrfTokenFrom, html, type TestApp } from '../support/test-app.ts';

// Échirolles, Thursday 26 November 2026 at 10:59: next week (2026-W49) can still be booked.
const SLUG = 'echirolles';
const NOW = new Date('2026-11-26T10:59:00+01:00');
const NEXT_WEEK = '2026-W49';
const [MON, TUE, THU] = ['2026-11-30', '2026-12-01', '2026-12-03'];

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());
beforeEach(() => t.clock.set(NOW));

const agentOf = (family: FamilyWithChild) => family.parents[0]!.agent;
const formPath = (family: FamilyWithChild) => `/${SLUG}/reservations/${family.childId}/absence`;
const gridPath = (family: FamilyWithChild) => `/${SLUG}/reservations/${family.childId}?semaine=${NEXT_WEEK}`;


/** A family with a child booked at the canteen on Monday, Tuesday and Thursday of next week. */
async function bookedFamily(prefix = 'Absent'): Promise<FamilyWithChild> {
  const family = await familyWithChild(t, SLUG, ['restauration'], { prefix });
  const canteen = family.activities.restauration!;
  const posted = await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(canteen, MON), cell(canteen, TUE), cell(canteen, THU)]);
  expect(posted.status).toBe(303);
  return family;
}

interface AbsenceForm {
  days: string[];
  motif?: string;
  precisions?: string;
  file?: { content: Buffer; filename: string; contentType: string };
  csrf?: string | null;
}

/** Posts the absence form as a browser does: multipart, the CSRF token first, the file last. */
async function postAbsence(agent: request.Agent, family: FamilyWithChild, form: AbsenceForm, path = formPath(family)) {
  const token = form.csrf === undefined ? await csrfTokenFrom(agent, formPath(family)) : form.csrf;
  let req = agent.post(path);
  // Each posted form is a new one: its own one-time key, as the page gives it.
  if (token !== null) req = req.field('_csrf', token).field('idempotency_key', crypto.randomUUID());
  for (const day of form.days) req = req.field('jours', day);
  req = req.field('motif', form.motif ?? 'maladie').field('precisions', form.precisions ?? '');
  if (form.file) req = req.attach('justificatif', form.file.content, { filename: form.file.filename, contentType: form.file.contentType });
  return req;
}

async function written(family: FamilyWithChild) {
  const requests = await t.runtime.db('requests').where({ family_id: family.familyId, type: 'absence' }).count<{ count: string }[]>('* as count');
  const files = await t.runtime.db('stored_files').where({ family_id: family.familyId }).count<{ count: string }[]>('* as count');
  const days = await t.runtime.db('absences').where({ family_id: family.familyId }).count<{ count: string }[]>('* as count');
  return { requests: Number(requests[0]!.count), files: Number(files[0]!.count), days: Number(days[0]!.count) };
}

const lastRequestId = async (family: FamilyWithChild) =>
  (await t.runtime.db('requests').where({ family_id: family.familyId, type: 'absence' }).orderBy('id', 'desc').first()).id as number;

async function decide(requestId: number, decision: 'accepter' | 'refuser', motif?: string) {
  const { agent } = await demoAgent(t, SLUG);
  const page = await agent.get(`/${SLUG}/admin/demandes?type=absence&statut=en-attente`).expect(200);
  const $ = html(page.text);
  expect($(`input[name="demandes"][value="${requestId}"]`)).toHaveLength(1);
  const _csrf = $('input[name="_csrf"]').first().val() as string;
  const response = await agent
    .post(`/${SLUG}/admin/demandes?type=absence&statut=en-attente`)
    .type('form')
    .send({ _csrf, demandes: String(requestId), decision, ...(motif ? { motif } : {}) });
  expect(response.status).toBe(303);
  return agent;
}

const cellsByValue = async (family: FamilyWithChild) =>
  Object.fromEntries(
    cellsOf((await agentOf(family).get(gridPath(family)).expect(200)).text).map((c) => [c.value ?? c.day, c]),
  );

function gridMarks(page: string) {
  const $ = html(page);
  return $('.cell')
    .map((_, li) => ({ classes: $(li).attr('class') ?? '', mark: $(li).find('.cell__mark').text().replace(/\s+/g, ' ').trim() }))
    .get();
}

describe('GET /:commune/reservations/:memberId/absence', () => {
  it("lists the child's booked days, the reasons and the certificate field", async () => {
    const family = await bookedFamily();
    const $ = html((await agentOf(family).get(formPath(family)).expect(200)).text);
    const canteen = family.activities.restauration!;
    expect($('input[name="jours"]').map((_, input) => $(input).attr('value')).get()).toEqual([cell(canteen, MON), cell(canteen, TUE), cell(canteen, THU)]);
    expect($('select[name="motif"] option').map((_, option) => $(option).text()).get()).toEqual([
      'Choisissez',
      'Maladie',
      'Rendez-vous médical',
      'Raison familiale',
      'Autre',
    ]);
    expect($('form:has(input[name="jours"])').attr('enctype')).toBe('multipart/form-data');
    expect($('input[type="file"][name="justificatif"]')).toHaveLength(1);
    // The grid links to it.
    expect(html((await agentOf(family).get(gridPath(family))).text)(`a[href="${formPath(family)}"]`)).toHaveLength(1);
  });

  it('is 404 where the commune does not offer absence justification', async () => {
    const family = await bookedFamily();
    await withFeatureOff(t, SLUG, 'absenceJustification', async () => {
      await agentOf(family).get(formPath(family)).expect(404);
      expect(html((await agentOf(family).get(gridPath(family))).text)(`a[href="${formPath(family)}"]`)).toHaveLength(0);
    });
  });

  it("is 404 for another family's child, read or posted", async () => {
    const family = await bookedFamily();
    const other = await bookedFamily('Voisin');
    await agentOf(other).get(formPath(family)).expect(404);
    const canteen = family.activities.restauration!;
    const token = await csrfTokenFrom(agentOf(other), formPath(other));
    const posted = await postAbsence(agentOf(other), family, { days: [cell(canteen, MON)], csrf: token });
    expect(posted.status).toBe(404);
    expect(await written(family)).toEqual({ requests: 0, files: 0, days: 0 });
    expect(await written(other)).toEqual({ requests: 0, files: 0, days: 0 });
  });
});

describe('POST /:commune/reservations/:memberId/absence', () => {
  it('refuses a text file renamed .pdf, next to the field, and writes nothing', async () => {
    const family = await bookedFamily();
    const canteen = family.activities.restauration!;
    const response = await postAbsence(agentOf(family), family, {
      days: [cell(canteen, MON)],
      file: { content: Buffer.from('Ceci est un certificat, promis.\n'), filename: 'certificat.pdf', contentType: 'application/pdf' },
    });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('#error-justificatif').text()).toContain('Le fichier doit être un PDF, une image JPEG ou PNG');
    expect($('#field-justificatif').attr('aria-invalid')).toBe('true');
    // What was chosen stays chosen.
    expect($(`input[name="jours"][value="${cell(canteen, MON)}"]`).is(':checked')).toBe(true);
    expect(await written(family)).toEqual({ requests: 0, files: 0, days: 0 });
  });

  it('refuses a file over 5 MB and writes nothing', async () => {
    const family = await bookedFamily();
    const canteen = family.activities.restauration!;
    const big = Buffer.concat([(await smallPdf('Certificat médical : Jade ne peut pas aller à la cantine du 30 novembre au 1er décembre.')), Buffer.alloc(5 * 1024 * 1024, 0x20)]);
    const response = await postAbsence(agentOf(family), family, {
      days: [cell(canteen, MON)],
      file: { content: big, filename: 'certificat.pdf', contentType: 'application/pdf' },
    });
    expect(response.status).toBe(400);
    expect(html(response.text)('#error-justificatif').text()).toContain('Le fichier dépasse 5 Mo');
    expect(await written(family)).toEqual({ requests: 0, files: 0, days: 0 });
  });

  it('refuses a day that is not booked, and a form without its CSRF token', async () => {
    const family = await bookedFamily();
    const canteen = family.activities.restauration!;
    const notBooked = await postAbsence(agentOf(family), family, { days: [cell(canteen, '2026-12-04')] });
    expect(notBooked.status).toBe(400);
    expect(html(notBooked.text)('#error-jours').text()).toContain('Cochez seulement des jours réservés de la liste');
    const noToken = await postAbsence(agentOf(family), family, { days: [cell(canteen, MON)], csrf: null });
    expect(noToken.status).toBe(403);
    const badToken = await postAbsence(agentOf(family), family, { days: [cell(canteen, MON)], csrf: 'pas-le-bon-jeton' });
    expect(badToken.status).toBe(403);
    expect(await written(family)).toEqual({ requests: 0, files: 0, days: 0 });
  });

  it('accepts a real PDF: a request for staff; once accepted the days show « absence justifiée »; the certificate downloads for staff only', async () => {
    const family = await bookedFamily();
    const canteen = family.activities.restauration!;
    const pdf = await smallPdf('Certificat médical : Jade ne peut pas aller à la cantine du 30 novembre au 1er décembre.');
    const response = await postAbsence(agentOf(family), family, {
      days: [cell(canteen, MON), cell(canteen, TUE)],
      motif: 'maladie',
      precisions: 'Angine',
      file: { content: pdf, filename: 'certificat.pdf', contentType: 'application/octet-stream' },
    });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/${SLUG}/reservations/${family.childId}`);
    expect(await written(family)).toEqual({ requests: 1, files: 1, days: 2 });
    const stored = await t.runtime.db('stored_files').where({ family_id: family.familyId }).first();
    expect(stored.detected_type).toBe('application/pdf');
    expect(stored.size).toBe(pdf.length);
    expect(stored.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.compare(stored.content as Buffer, pdf)).toBe(0);

    // Pending: the grid shows no justified absence yet.
    expect(gridMarks((await agentOf(family).get(gridPath(family))).text).filter((c) => c.mark)).toEqual([]);

    const requestId = await lastRequestId(family);
    const { agent: staff } = await demoAgent(t, SLUG);
    const queue = html((await staff.get(`/${SLUG}/admin/demandes?type=absence&statut=en-attente`).expect(200)).text);
    const text = queue('body').text().replace(/\s+/g, ' ');
    expect(text).toContain("Justification d'une absence");
    expect(text).toContain('le lundi 30 novembre 2026 (Restauration scolaire), le mardi 1er décembre 2026 (Restauration scolaire)');
    expect(text).toContain('Motif : Maladie – Angine');
    expect(queue(`a[href="/${SLUG}/admin/demandes/${requestId}/justificatif"]`)).toHaveLength(1);

    const download = await staff.get(`/${SLUG}/admin/demandes/${requestId}/justificatif`).buffer(true).expect(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(new RegExp(`^attachment; filename="?justificatif-demande-${requestId}\\.pdf"?$`));
    expect(download.headers['x-content-type-options']).toBe('nosniff');
    expect(Buffer.compare(download.body as Buffer, pdf)).toBe(0);

    // The family itself may download it; another family may not (404), nor on the staff URL.
    await agentOf(family).get(`/${SLUG}/justificatifs/${requestId}`).expect(200);
    const other = await bookedFamily('Voisin');
    await agentOf(other).get(`/${SLUG}/justificatifs/${requestId}`).expect(404);
    expect((await agentOf(other).get(`/${SLUG}/admin/demandes/${requestId}/justificatif`)).status).not.toBe(200);

    await decide(requestId, 'accepter');
    const cells = gridMarks((await agentOf(family).get(gridPath(family))).text);
    expect(cells.filter((c) => c.mark).map((c) => c.mark)).toEqual(['✎ Absence justifiée', '✎ Absence justifiée']);
    expect(cells.filter((c) => c.classes.includes('cell--mark-justified'))).toHaveLength(2);
    const byValue = await cellsByValue(family);
    expect(byValue[cell(canteen, THU)]!.state).toBe('booked');
    expect(await t.runtime.db('absences').where({ family_id: family.familyId, justified: true }).count<{ count: string }[]>('* as count')).toEqual([
      { count: 2 },
    ]);
  });

  it('refused: the days do not show « absence justifiée », and the reason is sent', async () => {
    const family = await bookedFamily();
    const canteen = family.activities.restauration!;
    const response = await postAbsence(agentOf(family), family, { days: [cell(canteen, MON)], motif: 'raison-familiale' });
    expect(response.status).toBe(303);
    expect(await written(family)).toEqual({ requests: 1, files: 0, days: 1 });
    const requestId = await lastRequestId(family);
    await decide(requestId, 'refuser', 'Absence signalée trop tard');
    expect(gridMarks((await agentOf(family).get(gridPath(family))).text).filter((c) => c.mark)).toEqual([]);
    const decided = await t.runtime.db('requests').where({ id: requestId }).first();
    expect(decided.status).toBe('refused');
    expect(decided.reason).toBe('Absence signalée trop tard');
    // No certificate on this request: nothing to download.
    const { agent: staff } = await demoAgent(t, SLUG);
    await staff.get(`/${SLUG}/admin/demandes/${requestId}/justificatif`).expect(404);
  });
});

describe('attendance in the grid', () => {
  it('shows « présent » and « absent » from the staff marks', async () => {
    const family = await bookedFamily();
    const canteen = family.activities.restauration!;
    const { user } = await demoAgent(t, SLUG);
    for (const [day, status] of [
      [MON, 'present'],
      [TUE, 'absent'],
    ] as const) {
      await t.runtime.db('attendance').insert({
        commune_id: family.commune.id,
        activity_id: canteen,
        member_id: family.childId,
        family_id: family.familyId,
        day,
        status,
        marked_by: user.id,
        marked_at: NOW,
      });
    }
    const cells = gridMarks((await agentOf(family).get(gridPath(family))).text);
    expect(cells.filter((c) => c.mark).map((c) => `${c.mark} ${/cell--mark-(\w+)/.exec(c.classes)?.[1]}`)).toEqual(['◉ Présent present', '✗ Absent absent']);
  });
});
