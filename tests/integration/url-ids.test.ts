import { randomUUID } from 'node:crypto';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familyWithChild, type FamilyWithChild } from '../support/booking-fixtures.ts';
import { staffAgent } from '../support/back-office-fixtures.ts';
import { buildTestApp, csrfTokenFrom, type TestApp } from '../support/test-app.ts';

/**
 * Ids that name no row, as an outsider types them. Some are built on a real id (`0<id>`, `<id>.0`,
 * `<id>e0`, ` <id>`): read loosely they would open that row; the portal spells an id one way only.
 */
const badIds = (id: number) => [
  '3000000000',
  '2147483648',
  '99999999999999999999999',
  '1e3',
  `${id}e0`,
  '-1',
  `-${id}`,
  `0${id}`,
  '01',
  `%20${id}`,
  `${id}.0`,
  '0',
];

const SLUG = 'echirolles';
let t: TestApp;
let family: FamilyWithChild;
let parent: request.Agent;
let parentToken: string;
let staff: request.Agent;
let staffToken: string;
const ids = { child: 0, guardian: 0, family: 0, message: 0, registration: 0, request: 0, news: 0, activity: 0 };

beforeAll(async () => {
  t = buildTestApp(new Date('2026-11-23T09:00:00+01:00'));
  family = await familyWithChild(t, SLUG, ['restauration'], { prefix: 'Ident' });
  parent = family.parents[0]!.agent;
  parentToken = await csrfTokenFrom(parent, `/${SLUG}/tableau-de-bord`);
  const agent = await staffAgent(t, SLUG);
  staff = agent.agent;
  staffToken = await csrfTokenFrom(staff, `/${SLUG}/admin`);

  const { services, db } = t.runtime;
  const guardian = family.parents[0]!.user;
  const sent = await services.messages.send(family.commune, agent.user, {
    familyId: family.familyId,
    subject: 'Sortie',
    body: 'Bonjour',
  });
  const change = await services.familyEdits.submitMemberChanges(family.commune, guardian, family.childId, { schoolLevel: 'CM1' });
  const registration = await db('registrations').where({ member_id: family.childId }).first();
  Object.assign(ids, {
    child: family.childId,
    guardian: guardian.memberId!,
    family: family.familyId,
    // The family opens the thread the message started (issue 13).
    message: sent.threadId!,
    registration: registration.id as number,
    request: change.requestId!,
    news: await services.news.publish(family.commune, agent.user, { title: 'Menus', body: 'Les menus', publishedOn: '2026-11-23', endsOn: null }),
    activity: family.activities.restauration!,
  });
});
afterAll(() => t.close());

type Id = keyof typeof ids;
interface Route {
  method: 'get' | 'post';
  /** `{id}` is replaced by each bad id; `other` is the row id of the other placeholder. */
  path: string;
  id: Id;
  other?: Id;
  as: 'parent' | 'staff';
  body?: () => Record<string, string>;
}

const routes: Route[] = [
  { as: 'parent', method: 'get', path: '/famille/{id}', id: 'child' },
  { as: 'parent', method: 'post', path: '/famille/{id}', id: 'child', body: () => ({ doctorName: 'Dr Intrus' }) },
  { as: 'parent', method: 'get', path: '/reservations/{id}', id: 'child' },
  { as: 'parent', method: 'get', path: '/reservations/{id}?semaine=2026-W50', id: 'child' },
  { as: 'parent', method: 'post', path: '/reservations/{id}', id: 'child', body: () => ({ semaine: '2026-W50', jours: `${ids.activity}:2026-12-07` }) },
  { as: 'parent', method: 'get', path: '/reservations/{id}/absence', id: 'child' },
  { as: 'parent', method: 'post', path: '/reservations/{id}/absence', id: 'child', body: () => ({ motif: 'maladie' }) },
  { as: 'parent', method: 'get', path: '/reservations/{id}/semaine-type', id: 'child' },
  { as: 'parent', method: 'post', path: '/reservations/{id}/semaine-type/apercu', id: 'child', body: () => ({ activite: String(ids.activity), jours: 'lundi', rythme: '1', periode: 'annee' }) },
  { as: 'parent', method: 'post', path: '/reservations/{id}/semaine-type', id: 'child', body: () => ({ activite: String(ids.activity), jours: 'lundi', rythme: '1', periode: 'annee' }) },
  { as: 'parent', method: 'get', path: '/justificatifs/{id}', id: 'request' },
  { as: 'parent', method: 'get', path: '/inscriptions/{id}/attestation.pdf', id: 'registration' },
  { as: 'parent', method: 'get', path: '/messages/{id}', id: 'message' },
  { as: 'staff', method: 'get', path: '/admin/familles/{id}', id: 'family' },
  { as: 'staff', method: 'get', path: '/admin/familles/{id}/membres/{other}', id: 'family', other: 'child' },
  { as: 'staff', method: 'get', path: '/admin/familles/{other}/membres/{id}', id: 'child', other: 'family' },
  { as: 'staff', method: 'post', path: '/admin/familles/{id}/membres/{other}', id: 'family', other: 'child', body: () => ({ doctorName: 'Dr Intrus' }) },
  { as: 'staff', method: 'post', path: '/admin/familles/{other}/membres/{id}', id: 'child', other: 'family', body: () => ({ doctorName: 'Dr Intrus' }) },
  { as: 'staff', method: 'get', path: '/admin/actualites/{id}/modifier', id: 'news' },
  { as: 'staff', method: 'post', path: '/admin/actualites/{id}/modifier', id: 'news', body: () => ({ titre: 'Piraté', texte: 'Piraté', publication: '2026-11-23' }) },
  { as: 'staff', method: 'get', path: '/admin/actualites/{id}/supprimer', id: 'news' },
  { as: 'staff', method: 'post', path: '/admin/actualites/{id}/supprimer', id: 'news' },
  { as: 'staff', method: 'get', path: '/admin/demandes/{id}/justificatif', id: 'request' },
  { as: 'staff', method: 'get', path: '/admin/messages/nouveau?famille={id}', id: 'family' },
  { as: 'staff', method: 'post', path: '/admin/messages/nouveau?famille={id}', id: 'family', body: () => ({ objet: 'Intrus', message: 'Intrus' }) },
];

describe('an id in a URL that names no row', () => {
  describe.each(routes.map((route) => [`${route.method.toUpperCase()} /:commune${route.path}`, route] as const))('%s', (_name, route) => {
    it('answers 404, never 500, and changes nothing', async () => {
      const agent = route.as === 'parent' ? parent : staff;
      const _csrf = route.as === 'parent' ? parentToken : staffToken;
      const before = await snapshot();
      for (const bad of badIds(ids[route.id])) {
        let path = `/${SLUG}${route.path.replace('{id}', bad)}`;
        if (route.other) path = path.replace('{other}', String(ids[route.other]));
        const response =
          route.method === 'get' ? await agent.get(path) : await agent.post(path).type('form').send({ _csrf, idempotency_key: randomUUID(), ...route.body?.() });
        expect({ path, status: response.status }).toEqual({ path, status: 404 });
      }
      expect(await snapshot()).toEqual(before);
    });
  });

  it('still opens the rows with their real ids', async () => {
    await parent.get(`/${SLUG}/famille/${ids.child}`).expect(200);
    await parent.get(`/${SLUG}/reservations/${ids.child}`).expect(200);
    await parent.get(`/${SLUG}/reservations/${ids.child}/absence`).expect(200);
    await parent.get(`/${SLUG}/reservations/${ids.child}/semaine-type`).expect(200);
    await parent.get(`/${SLUG}/messages/${ids.message}`).expect(200);
    await parent.get(`/${SLUG}/inscriptions/${ids.registration}/attestation.pdf`).expect(200);
    await staff.get(`/${SLUG}/admin/familles/${ids.family}`).expect(200);
    await staff.get(`/${SLUG}/admin/familles/${ids.family}/membres/${ids.child}`).expect(200);
    await staff.get(`/${SLUG}/admin/actualites/${ids.news}/modifier`).expect(200);
    await staff.get(`/${SLUG}/admin/messages/nouveau?famille=${ids.family}`).expect(200);
  });
});

/** What a wrongly accepted id could change: the child, the family's requests, bookings and messages, the news. */
async function snapshot() {
  const { db } = t.runtime;
  return {
    child: await db('members').where({ id: ids.child }).first(),
    requests: await db('requests').where({ family_id: ids.family }).count('* as count'),
    bookings: await db('bookings').where({ member_id: ids.child }).count('* as count'),
    messages: await db('messages').where({ family_id: ids.family }).count('* as count'),
    news: await db('news').where({ id: ids.news }).first(),
  };
}

describe('an id in a query string or a form that names no row', () => {
  it.each(badIds(1))('filters nothing with ?enfant= or ?famille= set to %s, never 500', async (bad) => {
    await parent.get(`/${SLUG}/inscriptions?enfant=${bad}`).expect(200);
    await staff.get(`/${SLUG}/admin/messages?famille=${bad}`).expect(200);
  });

  const forms: { as: 'parent' | 'staff'; path: string; body: (bad: string) => Record<string, string>; field: string }[] = [
    { as: 'parent', path: '/inscriptions/nouvelle', field: 'enfant', body: (bad) => ({ enfant: bad, activite: String(ids.activity), anneeScolaire: '2026-2027' }) },
    { as: 'parent', path: '/inscriptions/nouvelle', field: 'activite', body: (bad) => ({ enfant: String(ids.child), activite: bad, anneeScolaire: '2026-2027' }) },
    { as: 'parent', path: '/reservations/{child}/semaine-type/apercu', field: 'activite', body: (bad) => ({ activite: bad, jours: 'lundi', rythme: '1', periode: 'annee' }) },
    { as: 'staff', path: '/admin/demandes', field: 'demandes', body: (bad) => ({ demandes: bad, decision: 'accepter' }) },
    { as: 'staff', path: '/admin/comptes-a-activer', field: 'comptes', body: (bad) => ({ comptes: bad, decision: 'activer' }) },
    { as: 'staff', path: '/admin/pointage/sans-reservation', field: 'enfant', body: (bad) => ({ activite: 'restauration', jour: '2026-11-23', enfant: bad }) },
    { as: 'staff', path: '/admin/pointage', field: 'pointage', body: (bad) => ({ activite: 'restauration', jour: '2026-11-23', [`presence-${bad}`]: 'present' }) },
  ];

  describe.each(forms.map((form) => [`POST /:commune${form.path} with a bad « ${form.field} »`, form] as const))('%s', (_name, form) => {
    it('answers 400 with the field in the error summary, never 500, and changes nothing', async () => {
      const agent = form.as === 'parent' ? parent : staff;
      const _csrf = form.as === 'parent' ? parentToken : staffToken;
      const before = await snapshot();
      for (const bad of badIds(form.field === 'demandes' ? ids.request : form.field === 'activite' ? ids.activity : ids.child)) {
        const value = decodeURIComponent(bad);
        const response = await agent.post(`/${SLUG}${form.path.replace('{child}', String(ids.child))}`).type('form').send({ _csrf, idempotency_key: randomUUID(), ...form.body(value) });
        expect({ value, status: response.status }).toEqual({ value, status: 400 });
        expect(response.text).toContain(`href="#field-${form.field}"`);
      }
      expect(await snapshot()).toEqual(before);
    });
  });
});
