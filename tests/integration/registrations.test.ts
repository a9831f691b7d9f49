import request from 'supertest';
import { PDFParse } from 'pdf-parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addChild, demoAgent, freshFamily, postForm, type FreshFamily } from '../support/fresh-family.ts';
import { acceptedDocument } from '../support/document-fixtures.ts';
import { buildTestApp, html, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026: the open school year is 2026-2027 (zone C: 1 September 2026 – 3 July 2027).
let t: TestApp;
beforeAll(() => {
  t = buildTestApp(new Date('2026-11-23T09:00:00+01:00'));
});
afterAll(() => t.close());

async function withChild(slug: string, firstName = 'Jade'): Promise<FreshFamily & { childId: number }> {
  const family = await freshFamily(t, slug, { prefix: 'Perrin' });
  const childId = await addChild(t, family, firstName);
  // The canteen and Wednesdays ask for the child's insurance certificate (issue 13): accepted already.
  await acceptedDocument(t, family, 'attestation-assurance', childId);
  return { ...family, childId };
}

async function activityId(slug: string, code: string): Promise<number> {
  const commune = (await t.runtime.services.communes.findBySlug(slug))!;
  return (await t.runtime.repositories.activities.findByCode(commune.id, code))!.id;
}

async function askRegistration(family: FreshFamily & { childId: number }, slug: string, code: string) {
  return postForm(family.parents[0]!.agent, `/${slug}/inscriptions/nouvelle`, `/${slug}/inscriptions/nouvelle`, {
    enfant: String(family.childId),
    activite: String(await activityId(slug, code)),
    anneeScolaire: '2026-2027',
  });
}

async function decide(slug: string, requestIds: number[], decision: 'accepter' | 'refuser', reason?: string) {
  const { agent } = await demoAgent(t, slug);
  const page = await agent.get(`/${slug}/admin/demandes?type=inscription&statut=en-attente`).expect(200);
  const $ = html(page.text);
  const form = $('form:has(input[name="demandes"])');
  const fields: Record<string, unknown> = { _csrf: $('input[name="_csrf"]').first().val() };
  const checkbox = form.find('input[type="checkbox"]').first().attr('name')!;
  fields[checkbox] = requestIds.map(String);
  const button = form.find('button[type="submit"]').filter((_, b) => $(b).text().toLowerCase().includes(decision === 'accepter' ? 'accept' : 'refus'));
  fields[button.attr('name')!] = button.attr('value');
  const reasonField = form.find('textarea').attr('name');
  if (reason && reasonField) fields[reasonField] = reason;
  const response = await agent.post(`/${slug}/admin/demandes?type=inscription&statut=en-attente`).type("form").send(fields);
  return response;
}

const requestOf = async (familyId: number) => (await t.runtime.db('requests').where({ family_id: familyId, type: 'registration' }).orderBy('id', 'desc').first()).id as number;

describe('registering a child to an activity', () => {
  it('asks, staff validate, and the attestation PDF downloads for this family only', async () => {
    const family = await withChild('lemesnilsaintdenis');
    const asked = await askRegistration(family, 'lemesnilsaintdenis', 'restauration');
    expect(asked.status).toBe(303);

    const parent = family.parents[0]!.agent;
    const before = html((await parent.get('/lemesnilsaintdenis/inscriptions')).text);
    expect(before('.card').text()).toContain('Restauration scolaire');
    expect(before('.card .status').text()).toContain('?');
    expect(before('.card .status').text()).toContain('En attente');
    expect(before('a[href$="attestation.pdf"]')).toHaveLength(0);

    const decided = await decide('lemesnilsaintdenis', [await requestOf(family.familyId)], 'accepter');
    expect(decided.status).toBe(303);

    const after = html((await parent.get('/lemesnilsaintdenis/inscriptions')).text);
    expect(after('.card .status').text()).toContain('Validée');
    const link = after('a[href$="attestation.pdf"]').attr('href')!;
    const pdf = await parent.get(link).buffer(true).parse((res, callback) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => callback(null, Buffer.concat(chunks)));
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.headers['content-disposition']).toMatch(/^attachment; filename="attestation-inscription-INS-2026-\d{5}\.pdf"$/);
    const text = (await new PDFParse({ data: pdf.body as Buffer }).getText()).text;
    expect(text).toContain("Attestation d'inscription");
    expect(text).toContain('Commune du Mesnil-Saint-Denis');
    expect(text.replace(/\s+/g, ' ')).toContain(`Jade ${family.name.toUpperCase()}`);
    expect(text).toContain('Restauration scolaire');
    expect(text).toMatch(/année scolaire\s+2026-2027/);
    expect(text).toMatch(/Référence : INS-2026-\d{5}/);

    const other = await withChild('lemesnilsaintdenis');
    await other.parents[0]!.agent.get(link).expect(404);
    const elsewhere = await withChild('villennes');
    await elsewhere.parents[0]!.agent.get(link.replace('/lemesnilsaintdenis/', '/villennes/')).expect(404);
  });

  it('gives no attestation for a refused registration, and shows the reason', async () => {
    const family = await withChild('lemesnilsaintdenis');
    await askRegistration(family, 'lemesnilsaintdenis', 'mercredi');
    const registration = await t.runtime.db('registrations').where({ family_id: family.familyId }).first();
    await decide('lemesnilsaintdenis', [await requestOf(family.familyId)], 'refuser', 'Plus de place le mercredi cette année.');

    const page = html((await family.parents[0]!.agent.get('/lemesnilsaintdenis/inscriptions')).text);
    expect(page('.card').text()).toContain('Refusée');
    expect(page('.card').text()).toContain('Plus de place le mercredi cette année.');
    expect(page('a[href$="attestation.pdf"]')).toHaveLength(0);
    await family.parents[0]!.agent.get(`/lemesnilsaintdenis/inscriptions/${registration.id}/attestation.pdf`).expect(404);
    const row = await t.runtime.db('registrations').where({ id: registration.id }).first();
    expect([row.status, row.reference]).toEqual(['refused', null]);
  });

  it('refuses a second request for the same child, activity and year', async () => {
    const family = await withChild('lemesnilsaintdenis');
    expect((await askRegistration(family, 'lemesnilsaintdenis', 'etude')).status).toBe(303);
    const again = await askRegistration(family, 'lemesnilsaintdenis', 'etude');
    expect(again.status).toBe(400);
    expect(html(again.text)('.error-summary').text()).toContain('déjà inscrit');
    expect(await t.runtime.db('registrations').where({ family_id: family.familyId })).toHaveLength(1);
  });

  it("refuses another family's child and an unknown year, writing nothing", async () => {
    const family = await withChild('lemesnilsaintdenis');
    const other = await withChild('lemesnilsaintdenis');
    const crafted = await postForm(family.parents[0]!.agent, '/lemesnilsaintdenis/inscriptions/nouvelle', '/lemesnilsaintdenis/inscriptions/nouvelle', {
      enfant: String(other.childId),
      activite: String(await activityId('lemesnilsaintdenis', 'restauration')),
      anneeScolaire: '2026-2027',
    });
    expect(crafted.status).toBe(400);
    const badYear = await postForm(family.parents[0]!.agent, '/lemesnilsaintdenis/inscriptions/nouvelle', '/lemesnilsaintdenis/inscriptions/nouvelle', {
      enfant: String(family.childId),
      activite: String(await activityId('lemesnilsaintdenis', 'restauration')),
      anneeScolaire: '2019-2020',
    });
    expect(badYear.status).toBe(400);
    expect(await t.runtime.db('registrations').whereIn('family_id', [family.familyId, other.familyId])).toHaveLength(0);
  });

  it('numbers validated registrations without gaps, even when agents validate at the same time', async () => {
    const families = await Promise.all(Array.from({ length: 8 }, () => withChild('villennes')));
    for (const family of families) await askRegistration(family, 'villennes', 'periscolaire-matin');
    const requestIds = await Promise.all(families.map((family) => requestOf(family.familyId)));
    const commune = (await t.runtime.services.communes.findBySlug('villennes'))!;
    const { user: staff } = await demoAgent(t, 'villennes');
    await Promise.all(requestIds.map((id) => t.runtime.services.requestQueue.decideRequests(commune, staff, [id], { accept: true })));

    const references = (await t.runtime.db('registrations').where({ commune_id: commune.id, status: 'validated', school_year: '2026-2027' }).pluck('reference')) as string[];
    const numbers = references.map((reference) => Number(reference.slice(-5))).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, index) => index + 1));
  });
});

describe('staff: « Inscrits par jour »', () => {
  it('lists the children registered to an activity on a day, and says when the day is closed', async () => {
    const { agent } = await demoAgent(t, 'echirolles');
    const open = html((await agent.get('/echirolles/admin/inscriptions?activite=restauration&jour=2026-11-26').expect(200)).text);
    expect(open('h2').text()).toContain('jeudi 26 novembre 2026');
    expect(open('table').text()).toContain('Léa Martin');
    const holiday = html((await agent.get('/echirolles/admin/inscriptions?activite=restauration&jour=2026-12-24').expect(200)).text);
    expect(holiday('main').text()).toContain('Vacances de Noël');
    await agent.get('/echirolles/admin/inscriptions?jour=32/13/2026').expect(400);
  });

  it('is for staff only', async () => {
    const family = await withChild('echirolles');
    await family.parents[0]!.agent.get('/echirolles/admin/inscriptions').expect(403);
  });
});

describe('activities from the commune files', () => {
  it('are synced once per code, whatever the number of applications', async () => {
    const before = await t.runtime.db('activities').count<{ count: number }[]>('* as count');
    const files = (await import('../../src/services/commune/seed-service.ts')).loadCommuneFiles((await import('../../src/bootstrap.ts')).COMMUNE_FILES_DIR);
    await t.runtime.services.seed.applyCommuneFiles(files);
    expect(await t.runtime.db('activities').count<{ count: number }[]>('* as count')).toEqual(before);
    expect(before[0]!.count).toBe(18);
  });
});
