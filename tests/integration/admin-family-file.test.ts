import type * as cheerio from 'cheerio';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backOfficeFamily, staffAgent } from '../support/back-office-fixtures.ts';
import { buildTestApp, csrfTokenFrom, html, unique, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(new Date('2026-11-23T09:00:00+01:00'));
});
afterAll(() => t.close());

const member = (id: number) => t.runtime.db('members').where({ id }).first();
const words = (text: string) => text.replace(/\s+/g, ' ').trim();

async function search(agent: request.Agent, slug: string, q: string) {
  const $ = html((await agent.get(`/${slug}/admin/familles`).query({ q }).expect(200)).text);
  return $('main table tbody tr')
    .map((_, row) => $(row).find('td').eq(1).text().trim())
    .get();
}

describe('GET /:commune/admin/familles?q=', () => {
  it('finds a family by a child’s name typed without accents or capitals, in one result row', async () => {
    const firstName = unique('Zoé');
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1, prefix: 'Lefèvre', child: { firstName } });
    const { agent } = await staffAgent(t, 'echirolles');
    const plain = firstName.normalize('NFD').replace(/\p{M}/gu, '');
    expect(await search(agent, 'echirolles', plain.toUpperCase())).toEqual([family.name]);
    // Several words: each must be found in the file.
    expect(await search(agent, 'echirolles', `${plain} lefevre`)).toEqual([family.name]);
    expect(await search(agent, 'echirolles', `${plain} dupont`)).toEqual([]);

    const $ = html((await agent.get('/echirolles/admin/familles').query({ q: plain }).expect(200)).text);
    expect($('h1').text()).toBe('Rechercher une famille');
    expect($('#field-q').val()).toBe(plain);
    const row = $('main table tbody tr');
    expect(row.find(`a[href="/echirolles/admin/familles/${family.familyId}"]`).text()).toBe(family.name);
    expect(words(row.text())).toContain(`${firstName} ${family.name}`);
    expect(words(row.text())).toContain(family.guardians[0]!.email);
    expect($('.table-scroll[role="region"]')).toHaveLength(1);
  });

  it('finds a family by file number, guardian e-mail or identifier', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const { agent } = await staffAgent(t, 'echirolles');
    expect(await search(agent, 'echirolles', family.reference.toLowerCase())).toEqual([family.name]);
    expect(await search(agent, 'echirolles', family.guardians[0]!.email.toUpperCase())).toEqual([family.name]);
    expect(await search(agent, 'echirolles', family.guardians[0]!.user.identifier)).toEqual([family.name]);
  });

  it('takes the words literally and stays inside the commune', async () => {
    const family = await backOfficeFamily(t, 'villennes', { guardians: 1 });
    const { agent } = await staffAgent(t, 'echirolles');
    expect(await search(agent, 'echirolles', family.name)).toEqual([]);
    expect(await search(agent, 'echirolles', '%')).toEqual([]);
    expect(await search(agent, 'echirolles', '_')).toEqual([]);
    const $ = html((await agent.get('/echirolles/admin/familles').query({ q: '%' }).expect(200)).text);
    expect($('main .panel').text()).toContain('Aucune famille ne correspond');
  });
});

describe('GET /:commune/admin', () => {
  /** Every page of the staff home, following « Page suivante » as a person would. */
  async function allPages(agent: request.Agent, slug: string) {
    const pages: cheerio.CheerioAPI[] = [];
    for (let path: string | undefined = `/${slug}/admin`; path; ) {
      const $ = html((await agent.get(path).expect(200)).text);
      pages.push($);
      path = $('a[rel="next"]').attr('href');
      expect(pages.length).toBeLessThan(1_000);
    }
    return pages;
  }

  it('links each family to its file', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const { agent } = await staffAgent(t, 'echirolles');
    const links = (await allPages(agent, 'echirolles')).map(($) => $(`a[href="/echirolles/admin/familles/${family.familyId}"]`).text());
    expect(links.filter(Boolean)).toEqual([family.name]);
  });

  it('lists the families 50 to a page, by name, every family once, with the total', async () => {
    const commune = (await t.runtime.services.communes.findBySlug('lemesnilsaintdenis'))!;
    const prefix = unique('Pagination');
    await t.runtime.db('families').insert(
      Array.from({ length: 120 }, (_, index) => ({ commune_id: commune.id, reference: `${prefix}-${index}`, name: `${prefix} ${String(index).padStart(3, '0')}` })),
    );
    const count = (await t.runtime.db('families').where({ commune_id: commune.id }).count<{ count: number }[]>('* as count'))[0]!.count;
    const { agent } = await staffAgent(t, 'lemesnilsaintdenis');

    const pages = await allPages(agent, 'lemesnilsaintdenis');
    expect(pages).toHaveLength(Math.ceil(Number(count) / 50));
    const rows = pages.map(($) => $('#families-title').closest('section').find('tbody tr').length);
    expect(rows.slice(0, -1).every((length) => length === 50)).toBe(true);
    expect(rows.reduce((sum, length) => sum + length, 0)).toBe(Number(count));
    expect(pages[0]!('#families-title').text()).toContain(`${Number(count).toLocaleString('fr-FR')} familles, page 1 sur ${pages.length}`);
    const ours = pages.flatMap(($) => $('tbody tr td:nth-child(2)').map((_, cell) => $(cell).text()).get()).filter((name) => name.startsWith(prefix));
    expect(ours).toEqual(Array.from({ length: 120 }, (_, index) => `${prefix} ${String(index).padStart(3, '0')}`));
  });

  it.each([['1e3'], ['0'], ['-1'], ['02'], ['abc']])('shows the first page for ?page=%s', async (page) => {
    const { agent } = await staffAgent(t, 'lemesnilsaintdenis');
    const $ = html((await agent.get('/lemesnilsaintdenis/admin').query({ page }).expect(200)).text);
    expect($('a[rel="prev"]')).toHaveLength(0);
  });

  it('shows the last page for a page past the end', async () => {
    const { agent } = await staffAgent(t, 'lemesnilsaintdenis');
    const $ = html((await agent.get('/lemesnilsaintdenis/admin').query({ page: '9999' }).expect(200)).text);
    expect($('a[rel="next"]')).toHaveLength(0);
    expect($('tbody tr').length).toBeGreaterThan(0);
  });
});

describe('GET /:commune/admin/familles/:familyId', () => {
  it('shows members with all their fields in words, accounts, requests with their outcome, and staff actions', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 2, active: 1 });
    const services = t.runtime.services;
    const { agent, user } = await staffAgent(t, 'echirolles');
    const first = await services.familyEdits.submitMemberChanges(family.commune, family.guardians[0]!.user, family.childId, { schoolLevel: 'CM1' });
    t.clock.set(new Date('2026-11-23T10:30:00+01:00'));
    const second = await services.familyEdits.submitMemberChanges(family.commune, family.guardians[0]!.user, family.childId, { hasPai: true });
    await services.requestQueue.decideRequests(family.commune, user, [first.requestId!], { accept: false, reason: 'Classe non confirmée par l’école' });
    t.clock.set(new Date('2026-11-23T09:00:00+01:00'));

    const page = await agent.get(`/echirolles/admin/familles/${family.familyId}`).expect(200);
    const $ = html(page.text);
    expect($('h1').text()).toBe(`Famille ${family.name}`);
    expect($('.lead').text()).toContain(`Dossier n° ${family.reference}`);

    const child = $(`#membre-${family.childId}`);
    expect(child.find('h3').text()).toBe(`Tom ${family.name}`);
    const childText = words(child.text());
    expect(childText).toContain('Date de naissance vendredi 4 mai 2018');
    expect(childText).toContain('Classe CE2');
    expect(childText).toContain("Projet d'accueil individualisé (PAI) Non renseigné");
    expect(child.find(`a[href="/echirolles/admin/familles/${family.familyId}/membres/${family.childId}"]`)).toHaveLength(1);
    const guardian = words($(`#membre-${family.guardians[0]!.memberId}`).text());
    expect(guardian).toContain('Civilité Madame');
    expect(guardian).toContain(`Adresse e-mail ${family.guardians[0]!.email}`);
    expect(guardian).toContain('Moyen de contact préféré E-mail');

    const accounts = $('section[aria-labelledby="accounts-title"] tbody tr')
      .map((_, row) => [$(row).find('td').map((__, cell) => words($(cell).text())).get()])
      .get() as string[][];
    expect(accounts).toEqual([
      [`Julie ${family.name}`, family.guardians[0]!.email, family.guardians[0]!.user.identifier, 'Actif', 'lundi 23 novembre 2026 à 09h00'],
      [`Marc ${family.name}`, family.guardians[1]!.email, family.guardians[1]!.user.identifier, 'En attente d’activation', 'Aucune connexion'],
    ]);

    // Requests: newest first, each with its outcome.
    const requestIds = $('section[aria-labelledby="requests-title"] li.card')
      .map((_, card) => $(card).attr('id'))
      .get();
    expect(requestIds).toEqual([`demande-${second.requestId}`, `demande-${first.requestId}`]);
    expect(words($(`#demande-${second.requestId}`).text())).toContain('En attente');
    expect(words($(`#demande-${second.requestId}`).text())).toContain("Projet d'accueil individualisé (PAI) Non renseigné → Oui");
    const refused = words($(`#demande-${first.requestId}`).text());
    expect(refused).toContain('Refusée le lundi 23 novembre 2026 à 10h30 par');
    expect(refused).toContain('Motif : Classe non confirmée par l’école');

    const audit = words($('section[aria-labelledby="audit-title"] tbody tr').first().text());
    expect(audit).toContain('lundi 23 novembre 2026 à 10h30');
    expect(audit).toContain('Demande refusée');
    expect(audit).toContain('Statut : En attente → Refusée');
    expect(audit).toContain('Motif : Non renseigné → Classe non confirmée par l’école');
  });

  it("answers 404 for another commune's family and for an id that is not one", async () => {
    const elsewhere = await backOfficeFamily(t, 'villennes', { guardians: 1 });
    const { agent } = await staffAgent(t, 'echirolles');
    await agent.get(`/echirolles/admin/familles/${elsewhere.familyId}`).expect(404);
    await agent.get(`/echirolles/admin/familles/${elsewhere.familyId}/membres/${elsewhere.childId}`).expect(404);
    const _csrf = await csrfTokenFrom(agent, '/echirolles/admin/familles');
    await agent
      .post(`/echirolles/admin/familles/${elsewhere.familyId}/membres/${elsewhere.childId}`)
      .type('form')
      .send({ _csrf, schoolLevel: 'CM2' })
      .expect(404);
    expect((await member(elsewhere.childId)).school_level).toBe('CE2');
    await agent.get('/echirolles/admin/familles/abc').expect(404);
    await agent.get('/echirolles/admin/familles/99999999999').expect(404);
  });

  it("answers 404 for a member of another family of the same commune", async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const other = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const { agent } = await staffAgent(t, 'echirolles');
    await agent.get(`/echirolles/admin/familles/${family.familyId}/membres/${other.childId}`).expect(404);
  });
});

describe('POST /:commune/admin/familles/:familyId/membres/:memberId', () => {
  it('gives field messages and a summary, keeps what was typed and changes nothing', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const { agent } = await staffAgent(t, 'echirolles');
    const path = `/echirolles/admin/familles/${family.familyId}/membres/${family.childId}`;
    const form = html((await agent.get(path).expect(200)).text);
    expect(form('h1').text()).toBe(`Modifier la fiche de Tom ${family.name}`);
    expect(form('#field-schoolLevel').val()).toBe('CE2');
    expect(form('#field-firstName').val()).toBe('Tom');

    const _csrf = form('input[name="_csrf"]').val() as string;
    const response = await agent
      .post(path)
      .type('form')
      .send({ _csrf, firstName: '', lastName: family.name, birthDate: '31/02/2018', doctorPhone: '123', schoolLevel: 'CM1' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual(['#field-firstName', '#field-birthDate', '#field-doctorPhone']);
    expect($('#error-firstName').text()).toContain('Renseignez « Prénom »');
    expect($('#error-birthDate').text()).toContain('Saisissez une date valide');
    expect($('#field-doctorPhone').val()).toBe('123');
    expect($('#field-schoolLevel').val()).toBe('CM1');
    const row = await member(family.childId);
    expect([row.first_name, row.school_level]).toEqual(['Tom', 'CE2']);
  });

  it('changes the member at once, writes before → after to the audit log, shown in the file and the journal', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const { agent, user } = await staffAgent(t, 'echirolles');
    const path = `/echirolles/admin/familles/${family.familyId}/membres/${family.childId}`;
    const _csrf = await csrfTokenFrom(agent, path);
    t.clock.set(new Date('2026-11-23T11:15:00+01:00'));
    const response = await agent
      .post(path)
      .type('form')
      .send({ _csrf, firstName: 'Tom', lastName: family.name, birthDate: '2018-05-04', schoolLevel: 'CM1', hasPai: 'oui', doctorPhone: '0476112233' });
    t.clock.set(new Date('2026-11-23T09:00:00+01:00'));
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(`/echirolles/admin/familles/${family.familyId}#membre-${family.childId}`);

    const row = await member(family.childId);
    expect([row.school_level, row.has_pai, row.doctor_phone]).toEqual(['CM1', true, '04 76 11 22 33']);
    const [entry] = await t.runtime.db('audit_log').where({ entity: 'member', entity_id: family.childId });
    expect(entry).toMatchObject({
      staff_id: user.id,
      action: 'member_updated',
      family_id: family.familyId,
      before: { schoolLevel: 'CE2', hasPai: null, doctorPhone: null },
      after: { schoolLevel: 'CM1', hasPai: true, doctorPhone: '04 76 11 22 33' },
    });

    const file = html((await agent.get(response.headers.location!.split('#')[0]!).expect(200)).text);
    expect(file('[role="status"]').text()).toContain(`Fiche de Tom ${family.name} modifiée : classe`);
    const audit = words(file('section[aria-labelledby="audit-title"] tbody tr').first().text());
    expect(audit).toContain('lundi 23 novembre 2026 à 11h15');
    expect(audit).toContain(`${user.firstName} ${user.lastName}`);
    expect(audit).toContain('Fiche modifiée par le service');
    expect(audit).toContain(`membre n° ${family.childId} – Tom ${family.name}`);
    expect(audit).toContain('Classe : CE2 → CM1');
    expect(audit).toContain("Projet d'accueil individualisé (PAI) : Non renseigné → Oui");
    expect(audit).toContain('Téléphone du médecin : Non renseigné → 04 76 11 22 33');
  });

  it("refuses an e-mail address another account signs in with", async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 2 });
    const [julie, marc] = family.guardians;
    const { agent } = await staffAgent(t, 'echirolles');
    const path = `/echirolles/admin/familles/${family.familyId}/membres/${julie!.memberId}`;
    const _csrf = await csrfTokenFrom(agent, path);
    const response = await agent
      .post(path)
      .type('form')
      .send({ _csrf, civility: 'madame', firstName: 'Julie', lastName: family.name, email: marc!.email });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('#error-email').text()).toContain(`L'adresse ${marc!.email} est déjà celle d'un autre compte`);
    expect($('#field-email').val()).toBe(marc!.email);
    expect((await member(julie!.memberId)).email).toBe(julie!.email);
  });
});

describe('GET /:commune/admin/journal', () => {
  it('is for admins: an agent gets 403', async () => {
    const { agent } = await staffAgent(t, 'villennes');
    await agent.get('/villennes/admin/journal').expect(403);
    const agentHome = html((await agent.get('/villennes/admin').expect(200)).text);
    expect(agentHome('a[href="/villennes/admin/journal"]')).toHaveLength(0);
  });

  it('shows the admin every staff action, newest first: who, when, what, which family, before → after', async () => {
    const family = await backOfficeFamily(t, 'villennes', { guardians: 1 });
    const { user: staff } = await staffAgent(t, 'villennes');
    const services = t.runtime.services;
    // Far ahead of what other suites write, so these two entries come first.
    t.clock.set(new Date('2030-06-03T08:00:00+02:00'));
    await services.staffFamilyFile.updateMemberByStaff(family.commune, staff, family.familyId, family.childId, { schoolLevel: 'CM2' });
    t.clock.set(new Date('2030-06-03T08:05:00+02:00'));
    const { requestId } = await services.familyEdits.submitMemberChanges(family.commune, family.guardians[0]!.user, family.childId, { allergies: 'Kiwi' });
    await services.requestQueue.decideRequests(family.commune, staff, [requestId!], { accept: true });
    t.clock.set(new Date('2026-11-23T09:00:00+01:00'));

    const { agent: admin } = await staffAgent(t, 'villennes', 'admin');
    const $ = html((await admin.get('/villennes/admin/journal').expect(200)).text);
    expect($('h1').text()).toBe('Journal des actions du service');
    const rows = $('main table tbody tr').slice(0, 2);
    const [accepted, edited] = rows.map((_, row) => words($(row).text())).get() as string[];
    expect(accepted).toContain('lundi 3 juin 2030 à 08h05');
    expect(accepted).toContain(`${staff.firstName} ${staff.lastName}`);
    expect(accepted).toContain(`Demande acceptée demande n° ${requestId} – Tom ${family.name}`);
    expect(accepted).toContain('Statut : En attente → Acceptée');
    expect(edited).toContain('lundi 3 juin 2030 à 08h00');
    expect(edited).toContain('Fiche modifiée par le service');
    expect(edited).toContain('Classe : CE2 → CM2');
    expect(rows.first().find(`a[href="/villennes/admin/familles/${family.familyId}"]`).text()).toBe(family.name);
    expect($('a[href="/villennes/admin/journal"]').attr('aria-current')).toBe('page');
  });
});
