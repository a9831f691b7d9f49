import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postForm, withFeature } from '../support/fresh-family.ts';
import { buildTestApp, csrfTokenFrom, DEMO, html, lastMailTo, signIn, unique, type TestApp } from '../support/test-app.ts';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(new Date('2026-11-23T09:00:00+01:00'));
});
afterAll(() => t.close());

/** A family of its own at `slug`, with one child and an active guardian signed in. */
async function familyAt(slug: string) {
  const name = unique('Fontaine');
  const email = `${name.toLowerCase()}@example.org`;
  const commune = (await t.runtime.services.communes.findBySlug(slug))!;
  const { familyId } = await t.runtime.services.familyCreation.createFamilyWithGuardians(commune, {
    name,
    guardians: [{ civility: 'madame', lastName: name, firstName: 'Julie', email }],
  });
  const childId = await t.runtime.repositories.families.insertMember(commune.id, familyId, {
    role: 'child',
    civility: null,
    lastName: name,
    birthName: null,
    firstName: 'Tom',
    birthDate: '2018-05-04',
    email: null,
    phone: null,
    school: 'École Jules-Ferry',
    schoolLevel: 'CE2',
  });
  const { path } = await lastMailTo(t, email);
  const agent = request.agent(t.app);
  const _csrf = await csrfTokenFrom(agent, path!);
  await agent.post(path!).type('form').send({ _csrf, motDePasse: 'une phrase assez longue', confirmation: 'une phrase assez longue' }).expect(303);
  await signIn(agent, slug, email, 'une phrase assez longue', 303);
  return { agent, familyId, childId, email, commune };
}

async function post(agent: request.Agent, path: string, fields: Record<string, string>) {
  return postForm(agent, path, path, fields);
}

const member = (id: number) => t.runtime.db('members').where({ id }).first();

describe('GET /:commune/famille', () => {
  it("lists the family's members with links to their pages", async () => {
    const { agent, childId } = await familyAt('lemesnilsaintdenis');
    const page = await agent.get('/lemesnilsaintdenis/famille').expect(200);
    const $ = html(page.text);
    expect($('h1').text()).toBe('Ma famille');
    expect($(`a[href="/lemesnilsaintdenis/famille/${childId}"]`).text()).toContain('Tom');
    expect($('a[href="/lemesnilsaintdenis/famille/ajouter-un-enfant"]').text()).toBe('Ajouter un enfant');
  });
});

describe("another family's or another commune's member", () => {
  it('answers 404 to read and to change, and changes nothing', async () => {
    const { agent } = await familyAt('lemesnilsaintdenis');
    const other = await familyAt('lemesnilsaintdenis');
    await agent.get(`/lemesnilsaintdenis/famille/${other.childId}`).expect(404);
    const _csrf = await csrfTokenFrom(agent, '/lemesnilsaintdenis/famille');
    await agent.post(`/lemesnilsaintdenis/famille/${other.childId}`).type('form').send({ _csrf, idempotency_key: crypto.randomUUID(), doctorName: 'Dr Intrus' }).expect(404);
    expect((await member(other.childId)).doctor_name).toBeNull();

    const elsewhere = await familyAt('villennes');
    await agent.get(`/lemesnilsaintdenis/famille/${elsewhere.childId}`).expect(404);
    await agent.get('/lemesnilsaintdenis/famille/abc').expect(404);
  });
});

describe('POST /:commune/famille/:memberId', () => {
  it('applies direct fields at once and turns the others into one request', async () => {
    const { agent, childId, familyId } = await familyAt('lemesnilsaintdenis');
    // Le Mesnil: allergies and doctor change directly; the class goes to the service.
    const response = await post(agent, `/lemesnilsaintdenis/famille/${childId}`, {
      allergies: 'Arachide',
      doctorName: 'Dr Leblanc',
      schoolLevel: 'CM1',
    });
    expect(response.status).toBe(303);
    const flash = html((await agent.get(response.headers.location!)).text)('[role="status"]').text();
    expect(flash).toContain('Modifié : allergies et régime alimentaire, médecin traitant.');
    expect(flash).toContain('Envoyé au service pour validation : classe.');

    const row = await member(childId);
    expect([row.allergies, row.doctor_name, row.school_level]).toEqual(['Arachide', 'Dr Leblanc', 'CE2']);
    const requests = await t.runtime.db('requests').where({ family_id: familyId });
    expect(requests).toHaveLength(1);
    expect(requests[0].payload.changes).toEqual([{ field: 'schoolLevel', label: 'Classe', before: 'CE2', after: 'CM1' }]);

    const page = html((await agent.get(`/lemesnilsaintdenis/famille/${childId}`)).text);
    expect(page('#hint-schoolLevel').text()).toContain('Demande en attente : « CM1 »');
  });

  it('refuses a field the commune does not allow, even when posted by hand, and writes nothing', async () => {
    // Échirolles: a guardian's e-mail is changed by the service only.
    const { agent, familyId, email } = await familyAt('echirolles');
    const guardian = await t.runtime.db('members').where({ family_id: familyId, role: 'guardian' }).first();
    const page = html((await agent.get(`/echirolles/famille/${guardian.id}`)).text);
    expect(page('#field-email')).toHaveLength(0);

    const response = await post(agent, `/echirolles/famille/${guardian.id}`, { email: 'pirate@example.org', phone: '0611223344' });
    expect(response.status).toBe(400);
    expect(html(response.text)('.error-summary').text()).toContain('« Adresse e-mail » ne peut pas être modifié en ligne');
    const after = await member(guardian.id);
    expect([after.email, after.phone]).toEqual([email, null]);
    expect(await t.runtime.db('requests').where({ family_id: familyId })).toHaveLength(0);
  });

  it('refuses a field the member does not have', async () => {
    const { agent, familyId } = await familyAt('lemesnilsaintdenis');
    const guardian = await t.runtime.db('members').where({ family_id: familyId, role: 'guardian' }).first();
    const response = await post(agent, `/lemesnilsaintdenis/famille/${guardian.id}`, { allergies: 'Gluten' });
    // Not a field of a guardian: ignored by the form, so nothing changes.
    expect([303, 400]).toContain(response.status);
    expect((await member(guardian.id)).allergies).toBeNull();
  });

  it('reports bad input next to each field and in the summary, keeps it, and writes nothing', async () => {
    const { agent, childId, familyId } = await familyAt('lemesnilsaintdenis');
    const response = await post(agent, `/lemesnilsaintdenis/famille/${childId}`, {
      firstName: '',
      birthDate: '31/02/2018',
      doctorPhone: '12 34',
      doctorName: 'Dr Valide',
    });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual([
      '#field-firstName',
      '#field-birthDate',
      '#field-doctorPhone',
    ]);
    expect($('#error-birthDate').text()).toContain('Saisissez une date valide');
    expect($('#field-doctorPhone').val()).toBe('12 34');
    expect($('#field-doctorName').val()).toBe('Dr Valide');
    const row = await member(childId);
    expect([row.first_name, row.doctor_name]).toEqual(['Tom', null]);
    expect(await t.runtime.db('requests').where({ family_id: familyId })).toHaveLength(0);
  });
});

describe('a field marked « direct » in the commune file', () => {
  const flashAfter = async (agent: request.Agent, response: request.Response) =>
    html((await agent.get(response.headers.location!)).text)('[role="status"]').text().trim();

  it('becomes a request for the service where the commune does not allow direct edits (Échirolles), and changes nothing yet', async () => {
    // Échirolles marks the doctor and the phone `direct`, but its file says `directEdits: false`.
    const { agent, childId, familyId } = await familyAt('echirolles');
    const page = html((await agent.get(`/echirolles/famille/${childId}`)).text);
    expect(page('#hint-doctorName').text()).toBe('Envoyé au service pour validation');

    const response = await post(agent, `/echirolles/famille/${childId}`, { doctorName: 'Dr Leblanc' });
    expect(response.status).toBe(303);
    expect(await flashAfter(agent, response)).toBe(
      'Envoyé au service pour validation : médecin traitant. Vous recevrez un e-mail à sa décision.',
    );
    expect((await member(childId)).doctor_name).toBeNull();
    const [sent] = await t.runtime.db('requests').where({ family_id: familyId, type: 'member_change' });
    expect(sent.payload.changes).toEqual([{ field: 'doctorName', label: 'Médecin traitant', before: null, after: 'Dr Leblanc' }]);

    const contact = await post(agent, '/echirolles/coordonnees', { phone: '06 12 34 56 78', preferredContact: 'telephone' });
    expect(contact.status).toBe(303);
    const guardian = await t.runtime.db('members').where({ family_id: familyId, role: 'guardian' }).first();
    expect([guardian.phone, guardian.preferred_contact]).toEqual([null, 'email']);
    const [asked] = await t.runtime.db('requests').where({ family_id: familyId, type: 'contact_change' });
    expect(asked.payload.changes.map((change: { field: string }) => change.field)).toEqual(['phone', 'preferredContact']);
  });

  it('changes at once where the commune allows direct edits', async () => {
    const { agent, childId, familyId } = await familyAt('echirolles');
    await withFeature(t, 'echirolles', 'directEdits', true, async () => {
      expect(html((await agent.get(`/echirolles/famille/${childId}`)).text)('#hint-doctorName').text()).toBe('Modifié immédiatement');
      const response = await post(agent, `/echirolles/famille/${childId}`, { doctorName: 'Dr Leblanc', schoolLevel: 'CM1' });
      expect(response.status).toBe(303);
      expect(await flashAfter(agent, response)).toBe(
        'Modifié : médecin traitant. Envoyé au service pour validation : classe. Vous recevrez un e-mail à sa décision.',
      );
      const contact = await post(agent, '/echirolles/coordonnees', { phone: '06 12 34 56 78' });
      expect(contact.status).toBe(303);
    });
    const row = await member(childId);
    expect([row.doctor_name, row.school_level]).toEqual(['Dr Leblanc', 'CE2']);
    const guardian = await t.runtime.db('members').where({ family_id: familyId, role: 'guardian' }).first();
    expect(guardian.phone).toBe('06 12 34 56 78');
    // Only the class, marked `request`, went to the service.
    const requests = await t.runtime.db('requests').where({ family_id: familyId });
    expect(requests.map((row) => row.payload.changes.map((change: { field: string }) => change.field))).toEqual([['schoolLevel']]);
  });
});

describe('POST /:commune/famille/ajouter-un-enfant', () => {
  it('sends a request with the child, which both guardians can see', async () => {
    const { agent, familyId } = await familyAt('lemesnilsaintdenis');
    const response = await post(agent, '/lemesnilsaintdenis/famille/ajouter-un-enfant', {
      firstName: 'Lina',
      lastName: 'Fontaine',
      birthDate: '2021-02-14',
      hasPai: 'non',
    });
    expect(response.status).toBe(303);
    const [row] = await t.runtime.db('requests').where({ family_id: familyId, type: 'new_child' });
    expect(row.payload.child).toMatchObject({ firstName: 'Lina', lastName: 'Fontaine', birthDate: '2021-02-14', hasPai: false });
    expect(await t.runtime.db('members').where({ family_id: familyId, first_name: 'Lina' })).toHaveLength(0);
  });

  it('requires the first name, the name and the birth date', async () => {
    const { agent } = await familyAt('lemesnilsaintdenis');
    const response = await post(agent, '/lemesnilsaintdenis/famille/ajouter-un-enfant', { firstName: 'Lina' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual(['#field-lastName', '#field-birthDate']);
    expect($('#field-firstName').val()).toBe('Lina');
  });

  it('does not exist where the commune does not allow it', async () => {
    const { agent } = await familyAt('echirolles');
    await agent.get('/echirolles/famille/ajouter-un-enfant').expect(404);
  });
});

describe('/:commune/coordonnees', () => {
  it('changes the phone directly and sends the address to the service (Le Mesnil)', async () => {
    const { agent, familyId } = await familyAt('lemesnilsaintdenis');
    const response = await post(agent, '/lemesnilsaintdenis/coordonnees', {
      phone: '06 99 88 77 66',
      addressLine: '2 place de la Mairie',
      postcode: '78320',
      city: 'Le Mesnil-Saint-Denis',
      preferredContact: 'telephone',
    });
    expect(response.status).toBe(303);
    const guardian = await t.runtime.db('members').where({ family_id: familyId, role: 'guardian' }).first();
    expect([guardian.phone, guardian.preferred_contact, guardian.address_line]).toEqual(['06 99 88 77 66', 'telephone', null]);
    const [row] = await t.runtime.db('requests').where({ family_id: familyId, type: 'contact_change' });
    expect(row.payload.changes.map((change: { field: string }) => change.field)).toEqual(['addressLine', 'postcode', 'city']);
  });

  it('lets the e-mail change only by request where the commune says so, never directly', async () => {
    const mesnil = await familyAt('lemesnilsaintdenis');
    await post(mesnil.agent, '/lemesnilsaintdenis/coordonnees', { email: 'nouvelle@example.org' }).then((r) => expect(r.status).toBe(303));
    const guardian = await t.runtime.db('members').where({ family_id: mesnil.familyId, role: 'guardian' }).first();
    expect(guardian.email).toBe(mesnil.email);
    expect(await t.runtime.db('requests').where({ family_id: mesnil.familyId, type: 'contact_change' })).toHaveLength(1);

    const echirolles = await familyAt('echirolles');
    const refused = await post(echirolles.agent, '/echirolles/coordonnees', { email: 'nouvelle@example.org' });
    expect(refused.status).toBe(400);
    expect(await t.runtime.db('requests').where({ family_id: echirolles.familyId })).toHaveLength(0);
  });

  it('checks the phone and the postcode', async () => {
    const { agent } = await familyAt('villennes');
    const response = await post(agent, '/villennes/coordonnees', { phone: '99', postcode: 'ABCDE' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual(['#field-phone', '#field-postcode']);
  });

  it('is for parents', async () => {
    const staff = request.agent(t.app);
    await signIn(staff, 'villennes', 'agent', DEMO.agentPassword, 303);
    await staff.get('/villennes/coordonnees').expect(403);
  });
});
