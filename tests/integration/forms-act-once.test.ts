import { acceptedDocument } from '../support/document-fixtures.ts';
import { smallPdf } from '../support/small-pdf.ts';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cell, familyWithChild, postWeek, type FamilyWithChild } from '../support/booking-fixtures.ts';
import { addChild, demoAgent, freshFamily, type FreshFamily } from '../support/fresh-family.ts';
import { hiddenFieldsOf, twice, TWICE } from '../support/repeated-forms.ts';
import { buildTestApp, countMailsTo, html, unique, type TestApp } from '../support/test-app.ts';

// Thursday 26 November 2026 at 10:59: the 2026-2027 school year is open to registrations, and next
// week (2026-W49) can still be booked at Échirolles.
const NOW = new Date('2026-11-26T10:59:00+01:00');
const MESNIL = 'lemesnilsaintdenis';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());

const count = async (table: string, where: Record<string, unknown>) =>
  Number((await t.runtime.db(table).where(where).count<{ count: string }[]>('* as count'))[0]!.count);

/** Status and Location of each answer: a repeated form answers as the first did. */
const answersOf = (responses: request.Response[]) => responses.map((response) => [response.status, response.headers.location]);

/** The flash message the page after a redirect shows. */
const flashAfter = async (agent: request.Agent, response: request.Response) =>
  html((await agent.get(response.headers.location!)).text)('[role="status"]').text();

async function mesnilFamily(): Promise<FreshFamily & { agent: request.Agent; childId: number }> {
  const family = await freshFamily(t, MESNIL, { prefix: 'Double' });
  const childId = await addChild(t, family, 'Tom');
  // The canteen asks for the child's insurance certificate (issue 13): sent and accepted already.
  await acceptedDocument(t, family, 'attestation-assurance', childId);
  return { ...family, agent: family.parents[0]!.agent, childId };
}

describe('POST /:commune/famille/ajouter-un-enfant', () => {
  it.each(TWICE)('posted twice %s, sends one request and answers both times as the first', async (how) => {
    const { agent, familyId } = await mesnilFamily();
    const page = `/${MESNIL}/famille/ajouter-un-enfant`;
    const hidden = await hiddenFieldsOf(agent, page);
    const answers = await twice(how, () =>
      agent.post(page).type('form').send({ ...hidden, firstName: 'Lina', lastName: 'Fontaine', birthDate: '2021-02-14', hasPai: 'non' }),
    );
    expect(answersOf(answers)).toEqual([
      [303, `/${MESNIL}/famille`],
      [303, `/${MESNIL}/famille`],
    ]);
    expect(await flashAfter(agent, answers[1]!)).toContain("Votre demande d'ajout de Lina est envoyée au service.");
    expect(await count('requests', { family_id: familyId, type: 'new_child' })).toBe(1);
  });
});

describe('POST /:commune/famille/:memberId', () => {
  it.each(TWICE)('posted twice %s, changes once, asks once, and shows the first outcome both times', async (how) => {
    const { agent, familyId, childId } = await mesnilFamily();
    const page = `/${MESNIL}/famille/${childId}`;
    const hidden = await hiddenFieldsOf(agent, page);
    // Le Mesnil: the allergies change directly, the class goes to the service.
    const answers = await twice(how, () => agent.post(page).type('form').send({ ...hidden, allergies: 'Arachide', schoolLevel: 'CM1' }));
    expect(answersOf(answers)).toEqual([
      [303, page],
      [303, page],
    ]);
    const flash = await flashAfter(agent, answers[1]!);
    expect(flash).toContain('Modifié : allergies et régime alimentaire.');
    expect(flash).toContain('Envoyé au service pour validation : classe.');
    expect(await count('requests', { family_id: familyId, type: 'member_change' })).toBe(1);
  });
});

describe('POST /:commune/coordonnees', () => {
  it.each(TWICE)('posted twice %s, sends one request', async (how) => {
    const { agent, familyId } = await mesnilFamily();
    const page = `/${MESNIL}/coordonnees`;
    const hidden = await hiddenFieldsOf(agent, page);
    const answers = await twice(how, () =>
      agent.post(page).type('form').send({ ...hidden, addressLine: '2 place de la Mairie', postcode: '78320', city: 'Le Mesnil-Saint-Denis' }),
    );
    expect(answersOf(answers)).toEqual([
      [303, page],
      [303, page],
    ]);
    expect(await count('requests', { family_id: familyId, type: 'contact_change' })).toBe(1);
  });
});

describe('POST /:commune/inscriptions/nouvelle', () => {
  const page = `/${MESNIL}/inscriptions/nouvelle`;
  const activityId = async (code: string) =>
    (await t.runtime.repositories.activities.findByCode((await t.runtime.services.communes.findBySlug(MESNIL))!.id, code))!.id;

  it.each(TWICE)('posted twice %s, asks once and answers both times as the first', async (how) => {
    const { agent, familyId, childId } = await mesnilFamily();
    const hidden = await hiddenFieldsOf(agent, page);
    const fields = { ...hidden, enfant: String(childId), activite: String(await activityId('restauration')), anneeScolaire: '2026-2027' };
    const answers = await twice(how, () => agent.post(page).type('form').send(fields));
    expect(answersOf(answers)).toEqual([
      [303, `/${MESNIL}/inscriptions`],
      [303, `/${MESNIL}/inscriptions`],
    ]);
    expect(await flashAfter(agent, answers[1]!)).toContain("Votre demande d'inscription est envoyée au service.");
    expect(await count('registrations', { family_id: familyId })).toBe(1);
    expect(await count('requests', { family_id: familyId, type: 'registration' })).toBe(1);
  });

  it('asked from two forms at the same moment: one request, the other form says it is already asked, never a 500', async () => {
    const { agent, familyId, childId } = await mesnilFamily();
    const activite = String(await activityId('etude'));
    const forms = [await hiddenFieldsOf(agent, page), await hiddenFieldsOf(agent, page)];
    const answers = await Promise.all(
      forms.map((hidden) => agent.post(page).type('form').send({ ...hidden, enfant: String(childId), activite, anneeScolaire: '2026-2027' })),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 400]);
    const refused = answers.find((answer) => answer.status === 400)!;
    expect(html(refused.text)('.error-summary').text()).toContain('une demande est en cours');
    expect(await count('registrations', { family_id: familyId })).toBe(1);
    expect(await count('requests', { family_id: familyId, type: 'registration' })).toBe(1);
  });
});

describe('POST /:commune/reservations/:memberId/absence', () => {
  const SLUG = 'echirolles';
  const [MON, TUE] = ['2026-11-30', '2026-12-01'];


  async function bookedFamily(): Promise<FamilyWithChild> {
    const family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Absent' });
    const canteen = family.activities.restauration!;
    expect((await postWeek(family.parents[0]!.agent, SLUG, family.childId, '2026-W49', [cell(canteen, MON), cell(canteen, TUE)])).status).toBe(303);
    return family;
  }

  it.each(TWICE)('posted twice %s with its certificate, stores one request, one file and its days once', async (how) => {
    const family = await bookedFamily();
    const agent = family.parents[0]!.agent;
    const canteen = family.activities.restauration!;
    const page = `/${SLUG}/reservations/${family.childId}/absence`;
    const hidden = await hiddenFieldsOf(agent, page);
    const pdf = await smallPdf('Certificat médical.');
    const send = () => {
      // Multipart as a browser sends it: the hidden fields first, the file last.
      let req = agent.post(page);
      for (const [name, value] of Object.entries(hidden)) req = req.field(name, value);
      req = req.field('jours', cell(canteen, MON)).field('jours', cell(canteen, TUE)).field('motif', 'maladie').field('precisions', 'Angine');
      return req.attach('justificatif', pdf, { filename: 'certificat.pdf', contentType: 'application/pdf' });
    };
    const answers = await twice(how, send);
    expect(answersOf(answers)).toEqual([
      [303, `/${SLUG}/reservations/${family.childId}`],
      [303, `/${SLUG}/reservations/${family.childId}`],
    ]);
    expect(await count('requests', { family_id: family.familyId, type: 'absence' })).toBe(1);
    expect(await count('stored_files', { family_id: family.familyId })).toBe(1);
    expect(await count('absences', { family_id: family.familyId })).toBe(2);
  });
});

describe("a form's one-time key", () => {
  const addChildPage = `/${MESNIL}/famille/ajouter-un-enfant`;
  const registrationPage = `/${MESNIL}/inscriptions/nouvelle`;
  const lina = { firstName: 'Lina', lastName: 'Fontaine', birthDate: '2021-02-14', hasPai: 'non' };
  const canteenId = async () =>
    String((await t.runtime.repositories.activities.findByCode((await t.runtime.services.communes.findBySlug(MESNIL))!.id, 'restauration'))!.id);

  it('is new at each rendering of the form', async () => {
    const { agent } = await mesnilFamily();
    const [first, second] = [await hiddenFieldsOf(agent, addChildPage), await hiddenFieldsOf(agent, addChildPage)];
    expect(first.idempotency_key).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(second.idempotency_key).not.toBe(first.idempotency_key);
  });

  it('is used up only by an action that happened: the same form refused, then corrected, acts', async () => {
    const { agent, familyId, childId } = await mesnilFamily();
    const hidden = await hiddenFieldsOf(agent, registrationPage);
    const fields = { ...hidden, enfant: String(childId), activite: await canteenId() };
    const refused = await agent.post(registrationPage).type('form').send({ ...fields, anneeScolaire: '2019-2020' });
    expect(refused.status).toBe(400);
    const corrected = await agent.post(registrationPage).type('form').send({ ...fields, anneeScolaire: '2026-2027' });
    expect(corrected.status).toBe(303);
    expect(await count('registrations', { family_id: familyId })).toBe(1);
  });

  it("is one person's: another family's parent posting the same key acts for their own family", async () => {
    const [first, second] = [await mesnilFamily(), await mesnilFamily()];
    const hidden = await hiddenFieldsOf(first.agent, addChildPage);
    await first.agent.post(addChildPage).type('form').send({ ...hidden, ...lina }).expect(303);
    const { idempotency_key } = hidden;
    const _csrf = (await hiddenFieldsOf(second.agent, addChildPage))._csrf;
    await second.agent.post(addChildPage).type('form').send({ _csrf, idempotency_key, ...lina, firstName: 'Noé' }).expect(303);
    const asked = await t.runtime.db('requests').whereIn('family_id', [first.familyId, second.familyId]).orderBy('id');
    expect(asked.map((row) => [row.family_id, row.payload.child.firstName])).toEqual([
      [first.familyId, 'Lina'],
      [second.familyId, 'Noé'],
    ]);
  });

  it('is refused when malformed or sent with another form, and nothing is written', async () => {
    const { agent, familyId, childId } = await mesnilFamily();
    const hidden = await hiddenFieldsOf(agent, addChildPage);
    await agent.post(addChildPage).type('form').send({ ...hidden, ...lina }).expect(303);
    const reused = await agent
      .post(registrationPage)
      .type('form')
      .send({ ...hidden, enfant: String(childId), activite: await canteenId(), anneeScolaire: '2026-2027' });
    expect(reused.status).toBe(400);
    const malformed = await agent.post(addChildPage).type('form').send({ ...hidden, idempotency_key: 'pas-une-cle', ...lina });
    expect(malformed.status).toBe(400);
    expect(await count('registrations', { family_id: familyId })).toBe(0);
    expect(await count('requests', { family_id: familyId })).toBe(1);
  });
});

describe('POST /:commune/admin/familles/nouvelle', () => {
  it.each(TWICE)('posted twice %s, creates one family, e-mails one activation link, and answers both times as the first', async (how) => {
    const { agent } = await demoAgent(t, 'echirolles');
    const page = '/echirolles/admin/familles/nouvelle';
    const name = unique('Doublon');
    const email = `${name.toLowerCase()}@example.org`;
    const hidden = await hiddenFieldsOf(agent, page);
    const answers = await twice(how, () =>
      agent.post(page).type('form').send({ ...hidden, famille: name, civilite1: 'madame', nom1: name, prenom1: 'Inès', courriel1: email }),
    );
    expect(answersOf(answers)).toEqual([
      [303, '/echirolles/admin'],
      [303, '/echirolles/admin'],
    ]);
    expect(await flashAfter(agent, answers[1]!)).toContain(`Famille ${name} créée`);
    expect(await count('families', { name })).toBe(1);
    expect(await countMailsTo(t, email, 'activation')).toBe(1);
  });
});

describe('POST /:commune/admin/actualites', () => {
  const NEWS = '/villennes/admin/actualites';

  it.each(TWICE)('posted twice %s, publishes one news item', async (how) => {
    const { agent } = await demoAgent(t, 'villennes');
    const titre = unique('Fermeture');
    const hidden = await hiddenFieldsOf(agent, NEWS);
    const answers = await twice(how, () =>
      agent.post(NEWS).type('form').send({ ...hidden, titre, texte: 'Le centre ferme le 11 décembre.', publication: '2026-11-26', fin: '' }),
    );
    expect(answersOf(answers)).toEqual([
      [303, NEWS],
      [303, NEWS],
    ]);
    expect(await count('news', { title: titre })).toBe(1);
  });

  it.each(TWICE)('« Modifier » posted twice %s changes the item once and writes one line to the audit log', async (how) => {
    const { agent, user } = await demoAgent(t, 'villennes');
    const commune = (await t.runtime.services.communes.findBySlug('villennes'))!;
    const newsId = await t.runtime.services.news.publish(commune, user, { title: unique('Sortie'), body: 'Sortie au musée.', publishedOn: '2026-11-26', endsOn: null });
    const page = `${NEWS}/${newsId}/modifier`;
    const hidden = await hiddenFieldsOf(agent, page);
    const titre = unique('Sortie reportée');
    const answers = await twice(how, () => agent.post(page).type('form').send({ ...hidden, titre, texte: 'Sortie au musée, reportée.', publication: '2026-11-26', fin: '' }));
    expect(answersOf(answers)).toEqual([
      [303, NEWS],
      [303, NEWS],
    ]);
    expect(await count('news', { id: newsId, title: titre })).toBe(1);
    expect(await count('audit_log', { entity: 'news', entity_id: newsId, action: 'news_updated' })).toBe(1);
  });

  it.each(TWICE)('« Supprimer » posted twice %s removes the item and answers both times as the first, not « page introuvable »', async (how) => {
    const { agent, user } = await demoAgent(t, 'villennes');
    const commune = (await t.runtime.services.communes.findBySlug('villennes'))!;
    const title = unique('Sortie');
    const newsId = await t.runtime.services.news.publish(commune, user, { title, body: 'Sortie au musée.', publishedOn: '2026-11-26', endsOn: null });
    const page = `${NEWS}/${newsId}/supprimer`;
    const hidden = await hiddenFieldsOf(agent, page);
    const answers = await twice(how, () => agent.post(page).type('form').send(hidden));
    expect(answersOf(answers)).toEqual([
      [303, NEWS],
      [303, NEWS],
    ]);
    expect(await flashAfter(agent, answers[1]!)).toContain(`Actualité « ${title} » supprimée.`);
    expect(await count('news', { id: newsId })).toBe(0);
    expect(await count('audit_log', { entity: 'news', entity_id: newsId, action: 'news_removed' })).toBe(1);
  });
});
