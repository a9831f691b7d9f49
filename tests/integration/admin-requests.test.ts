import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backOfficeFamily, staffAgent, type BackOfficeFamily } from '../support/back-office-fixtures.ts';
import { postForm } from '../support/fresh-family.ts';
import { buildTestApp, countMailsTo, csrfTokenFrom, html, lastMailTo, type TestApp } from '../support/test-app.ts';

const QUEUE = (slug: string) => `/${slug}/admin/demandes`;

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(new Date('2026-11-23T09:00:00+01:00'));
});
afterAll(() => t.close());

const member = (id: number) => t.runtime.db('members').where({ id }).first();
const requestRow = (id: number) => t.runtime.db('requests').where({ id }).first();

/** A change request of the family's first guardian, sent through the service as the parent page does. */
async function askChange(family: BackOfficeFamily, proposed: Record<string, string | boolean | null>, memberId = family.childId) {
  const result = await t.runtime.services.familyEdits.submitMemberChanges(family.commune, family.guardians[0]!.user, memberId, proposed);
  if (!result.requestId) throw new Error('no request was created');
  return result.requestId;
}

async function decide(agent: request.Agent, slug: string, fields: Record<string, string | string[]>, page = QUEUE(slug)) {
  const _csrf = await csrfTokenFrom(agent, page);
  return agent.post(page).type('form').send({ _csrf, ...fields });
}

const flashOf = async (agent: request.Agent, response: request.Response) =>
  html((await agent.get(response.headers.location!).expect(200)).text)('[role="status"]').text().trim();

describe('POST /:commune/admin/demandes – accepting', () => {
  it('applies a parent’s change and e-mails each guardian with an active account exactly once', async () => {
    // Three guardians, two of whom activated their account.
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 3, active: 2 });
    const parent = family.guardians[0]!.agent!;
    const page = `/echirolles/famille/${family.childId}`;
    expect((await postForm(parent, page, page, { schoolLevel: 'CM1' })).status).toBe(303);
    const [sent] = await t.runtime.db('requests').where({ family_id: family.familyId });
    expect((await member(family.childId)).school_level).toBe('CE2');

    const { agent } = await staffAgent(t, 'echirolles');
    const queue = html((await agent.get(QUEUE('echirolles')).expect(200)).text);
    const card = queue(`#demande-${sent.id}`);
    expect(card.find('h2').text()).toBe(`N° ${sent.id} – Modification d'un membre de la famille : Tom ${family.name}`);
    expect(card.find(`a[href="/echirolles/admin/familles/${family.familyId}"]`).text()).toBe(family.name);
    expect(card.text()).toContain(`envoyée le lundi 23 novembre 2026 à 09h00 par Julie ${family.name}`);
    expect(card.find('dl').text().replace(/\s+/g, ' ')).toContain('Classe CE2 → CM1');
    expect(card.find('.conflict')).toHaveLength(0);

    const response = await decide(agent, 'echirolles', { demandes: String(sent.id), decision: 'accepter' });
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe('/echirolles/admin/demandes?type=tous&statut=en-attente');
    expect(await flashOf(agent, response)).toBe(`1 demande acceptée : n° ${sent.id} (Tom ${family.name}). La famille est prévenue par e-mail.`);

    expect((await member(family.childId)).school_level).toBe('CM1');
    expect(await requestRow(sent.id)).toMatchObject({ status: 'accepted', reason: null });
    const [first, second, pending] = family.guardians;
    expect(await countMailsTo(t, first!.email, 'request_accepted')).toBe(1);
    expect(await countMailsTo(t, second!.email, 'request_accepted')).toBe(1);
    expect(await countMailsTo(t, pending!.email, 'request_accepted')).toBe(0);
    const mail = await lastMailTo(t, second!.email);
    expect(mail.text).toContain('a été acceptée');
    expect(mail.text).toContain('classe');
    expect(await t.runtime.db('audit_log').where({ entity: 'request', entity_id: sent.id })).toHaveLength(1);
  });
});

describe('POST /:commune/admin/demandes – refusing', () => {
  it('needs a reason (400, nothing decided), then changes nothing and e-mails the reason', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const requestId = await askChange(family, { schoolLevel: 'CM2' });
    const { agent } = await staffAgent(t, 'echirolles');

    const noReason = await decide(agent, 'echirolles', { demandes: String(requestId), decision: 'refuser', motif: '  ' });
    expect(noReason.status).toBe(400);
    const $ = html(noReason.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('.error-summary a[href="#field-motif"]').text()).toBe('Indiquez le motif du refus : il est envoyé à la famille');
    expect($('#error-motif').text()).toContain('Indiquez le motif du refus');
    expect($(`#choix-${requestId}`).attr('checked')).toBeDefined();
    expect((await requestRow(requestId)).status).toBe('pending');

    const reason = 'Merci de joindre le certificat de scolarité de la nouvelle classe.';
    const refused = await decide(agent, 'echirolles', { demandes: String(requestId), decision: 'refuser', motif: reason });
    expect(refused.status).toBe(303);
    expect(await flashOf(agent, refused)).toContain(`1 demande refusée : n° ${requestId}`);
    expect((await member(family.childId)).school_level).toBe('CE2');
    expect(await requestRow(requestId)).toMatchObject({ status: 'refused', reason });
    const mail = await lastMailTo(t, family.guardians[0]!.email);
    expect(mail.kind).toBe('request_refused');
    expect(mail.text).toContain(`Motif : ${reason}`);
    expect(await countMailsTo(t, family.guardians[0]!.email, 'request_refused')).toBe(1);
  });

  it('asks to tick at least one request', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    await askChange(family, { schoolLevel: 'CM2' });
    const { agent } = await staffAgent(t, 'echirolles');
    const response = await decide(agent, 'echirolles', { decision: 'accepter' });
    expect(response.status).toBe(400);
    expect(html(response.text)('.error-summary a[href="#field-demandes"]').text()).toBe('Cochez au moins une demande');
  });

  it('refuses a POST without its CSRF token', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const requestId = await askChange(family, { schoolLevel: 'CM2' });
    const { agent } = await staffAgent(t, 'echirolles');
    await agent.post(QUEUE('echirolles')).type('form').send({ demandes: String(requestId), decision: 'accepter' }).expect(403);
    expect((await requestRow(requestId)).status).toBe('pending');
  });
});

describe('several requests at once', () => {
  it('decides the pending ones and reports those another agent decided first, without acting twice', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const first = await askChange(family, { schoolLevel: 'CM1' });
    const second = await askChange(family, { phone: null, allergies: 'Arachide' });
    const email = family.guardians[0]!.email;

    // Both agents open the queue; the admin accepts the first request before the agent submits.
    const { agent } = await staffAgent(t, 'echirolles');
    const { agent: admin } = await staffAgent(t, 'echirolles', 'admin');
    const _csrf = await csrfTokenFrom(agent, QUEUE('echirolles'));
    await decide(admin, 'echirolles', { demandes: String(first), decision: 'accepter' }).then((r) => expect(r.status).toBe(303));
    await t.runtime.db('members').where({ id: family.childId }).update({ school_level: 'CE1' });

    const response = await agent
      .post(QUEUE('echirolles'))
      .type('form')
      .send({ _csrf, demandes: [String(first), String(second)], decision: 'accepter' });
    expect(response.status).toBe(303);
    const flash = await flashOf(agent, response);
    expect(flash).toContain(`1 demande acceptée : n° ${second} (Tom ${family.name})`);
    expect(flash).toContain(`Déjà traitée par un autre agent, rien n'a été changé : demande n° ${first}.`);

    // The first request was not applied a second time over the later change, nor mailed twice.
    const child = await member(family.childId);
    expect([child.school_level, child.allergies]).toEqual(['CE1', 'Arachide']);
    expect(await countMailsTo(t, email, 'request_accepted')).toBe(2);
    expect(await t.runtime.db('audit_log').where({ entity: 'request', entity_id: first })).toHaveLength(1);
  });

  it('applies nothing of the batch when one request cannot be applied, and says why', async () => {
    // Villennes: allergies and a guardian's e-mail change by request.
    const family = await backOfficeFamily(t, 'villennes', { guardians: 2 });
    const [julie, marc] = family.guardians;
    const allergies = await askChange(family, { allergies: 'Gluten' });
    const takenEmail = await askChange(family, { email: marc!.email }, julie!.memberId);

    const { agent } = await staffAgent(t, 'villennes');
    const response = await decide(agent, 'villennes', { demandes: [String(allergies), String(takenEmail)], decision: 'accepter' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('.error-summary a[href="#field-demandes"]').text()).toBe(
      `L'adresse ${marc!.email} est déjà celle d'un autre compte : refusez la demande`,
    );
    expect($(`#choix-${allergies}`).attr('checked')).toBeDefined();
    expect($(`#choix-${takenEmail}`).attr('checked')).toBeDefined();

    expect((await member(family.childId)).allergies).toBeNull();
    expect((await member(julie!.memberId)).email).toBe(julie!.email);
    expect((await requestRow(allergies)).status).toBe('pending');
    expect((await requestRow(takenEmail)).status).toBe('pending');
    expect(await countMailsTo(t, julie!.email, 'request_accepted')).toBe(0);
  });

  it('does not decide a request of another commune', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const requestId = await askChange(family, { schoolLevel: 'CM1' });
    const { agent } = await staffAgent(t, 'villennes');
    const response = await decide(agent, 'villennes', { demandes: String(requestId), decision: 'accepter' });
    expect(response.status).toBe(303);
    expect(await flashOf(agent, response)).toContain(`demande n° ${requestId}`);
    expect((await requestRow(requestId)).status).toBe('pending');
    expect((await member(family.childId)).school_level).toBe('CE2');
  });
});

describe('GET /:commune/admin/demandes', () => {
  it('shows staff, in words, a request whose data changed since it was sent', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    const requestId = await askChange(family, { schoolLevel: 'CM1' });
    const { agent, user } = await staffAgent(t, 'echirolles');
    await t.runtime.services.staffFamilyFile.updateMemberByStaff(family.commune, user, family.familyId, family.childId, { schoolLevel: 'CE1' });

    const card = html((await agent.get(QUEUE('echirolles')).expect(200)).text)(`#demande-${requestId}`);
    const conflict = card.find('.conflict').text().replace(/\s+/g, ' ');
    expect(conflict).toContain("Conflit : le dossier a changé depuis l'envoi de la demande.");
    expect(conflict).toContain('Classe : la demande partait de « CE2 », le dossier indique maintenant « CE1 » (demandé : « CM1 »).');
  });

  it('filters by type and status with a GET form, oldest first, pending by default', async () => {
    // Villennes allows adding a child (a request) and sends allergies by request.
    const family = await backOfficeFamily(t, 'villennes', { guardians: 1 });
    const parent = family.guardians[0]!.user;
    const services = t.runtime.services;
    const change = await askChange(family, { allergies: 'Lactose' });
    t.clock.set(new Date('2026-11-23T10:00:00+01:00'));
    const child = await services.familyEdits.requestNewChild(family.commune, parent, {
      lastName: family.name,
      firstName: 'Lina',
      birthDate: '2021-03-14',
      school: 'École des Tilleuls',
      schoolLevel: 'PS',
      allergies: null,
      hasPai: false,
      doctorName: null,
      doctorPhone: null,
    });
    const refused = await askChange(family, { allergies: 'Œufs' });
    t.clock.set(new Date('2026-11-23T09:00:00+01:00'));
    const { agent, user } = await staffAgent(t, 'villennes');
    await services.requestQueue.decideRequests(family.commune, user, [refused], { accept: false, reason: 'Certificat médical manquant' });

    const ids = async (query: string) => {
      const $ = html((await agent.get(`${QUEUE('villennes')}${query}`).expect(200)).text);
      return $('li.card')
        .map((_, card) => Number($(card).attr('id')!.replace('demande-', '')))
        .get()
        .filter((id) => [change, child, refused].includes(id));
    };
    expect(await ids('')).toEqual([change, child]);
    expect(await ids('?type=enfant&statut=en-attente')).toEqual([child]);
    expect(await ids('?type=membre&statut=refusees')).toEqual([refused]);
    expect(await ids('?type=tous&statut=toutes')).toEqual([change, child, refused]);
    // An unknown value falls back to the default rather than failing.
    expect(await ids('?type=autre&statut=n-importe')).toEqual([change, child]);

    const $ = html((await agent.get(`${QUEUE('villennes')}?type=tous&statut=toutes`).expect(200)).text);
    expect($('#filtre-statut option[selected]').text()).toBe('Toutes');
    expect($('h1')).toHaveLength(1);
    const childCard = $(`#demande-${child}`).text().replace(/\s+/g, ' ');
    expect(childCard).toContain("Ajout d'un enfant : Lina");
    expect(childCard).toContain('Date de naissance dimanche 14 mars 2021');
    expect(childCard).toContain("Projet d'accueil individualisé (PAI) Non");
    const refusedCard = $(`#demande-${refused}`);
    expect(refusedCard.find(`#choix-${refused}`)).toHaveLength(0);
    expect(refusedCard.text().replace(/\s+/g, ' ')).toContain('Refusée le lundi 23 novembre 2026 à 09h00. Motif : Certificat médical manquant');
  });

  it('is for staff only', async () => {
    const family = await backOfficeFamily(t, 'echirolles', { guardians: 1 });
    await family.guardians[0]!.agent!.get(QUEUE('echirolles')).expect(403);
    const anonymous = await request(t.app).get(QUEUE('echirolles')).expect(303);
    expect(anonymous.headers.location).toContain('/echirolles/connexion');
  });
});
