import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { cell, cellsOf, familyWithChild, postWeek, type FamilyWithChild } from '../support/booking-fixtures.ts';
import { addChild, freshFamily } from '../support/fresh-family.ts';
import { buildTestApp, countMailsTo, html, lastMailTo, type TestApp } from '../support/test-app.ts';

// Échirolles: « jeudi 11h au plus tard pour toute la semaine suivante ». Thursday 26 November 2026,
// 10:59 Paris time: next week (2026-W49, 30 November – 6 December) can still be changed until 11:00.
const SLUG = 'echirolles';
const BEFORE = new Date('2026-11-26T10:59:00+01:00');
const AT = new Date('2026-11-26T11:00:00+01:00');
const NEXT_WEEK = '2026-W49';
const [MON, TUE, WED, THU, FRI] = ['2026-11-30', '2026-12-01', '2026-12-02', '2026-12-03', '2026-12-04'];

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(BEFORE);
});
afterAll(() => t.close());
beforeEach(() => t.clock.set(BEFORE));

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const gridPath = (family: FamilyWithChild, week = NEXT_WEEK) => `/${SLUG}/reservations/${family.childId}?semaine=${week}`;
const agentOf = (family: FamilyWithChild) => family.parents[0]!.agent;

async function bookingsOf(family: FamilyWithChild) {
  return (await t.runtime
    .db('bookings')
    .where({ family_id: family.familyId })
    .orderBy(['day', 'activity_id'])
    .select('activity_id', 'day', 'status', 'waiting_position')) as { activity_id: number; day: string; status: string; waiting_position: number | null }[];
}

const canteenAndEvening = () => familyWithChild(t, SLUG, ['restauration', 'periscolaire-soir']);

describe('GET /:commune/reservations/:memberId', () => {
  let family: FamilyWithChild;
  beforeAll(async () => {
    family = await canteenAndEvening();
  });

  it('opens on next week: the deadline in words and the time left, a legend of every state, a box per day the child can book', async () => {
    const page = await agentOf(family).get(`/${SLUG}/reservations/${family.childId}`).expect(200);
    const $ = html(page.text);
    expect($('h1').text()).toBe(`Réservations de Jade ${family.name}`);
    expect(squash($('.lead').text())).toBe('Semaine du lundi 30 novembre au dimanche 6 décembre 2026');
    expect(squash($('.week-deadline .deadline').text())).toBe("Cette semaine est modifiable jusqu'au jeudi 26 novembre 2026 à 11h00.");
    expect(squash($('.week-deadline__left').text())).toBe('Encore 1 minute.');
    expect(
      $('.booking-legend li')
        .map((_, li) => squash($(li).find('.cell-sample').text()))
        .get(),
    ).toEqual([
      '✓ Réservé',
      '○ Disponible',
      "● Complet – liste d'attente proposée",
      "◔ En liste d'attente",
      '✕ Fermé',
      '⊘ Non modifiable',
      '✎ Absence justifiée',
      '◉ Présent',
      '✗ Absent',
    ]);

    expect($('.week-day__title').map((_, legend) => squash($(legend).text())).get()).toEqual([
      'Lundi 30 novembre',
      'Mardi 1er décembre',
      'Mercredi 2 décembre',
      'Jeudi 3 décembre',
      'Vendredi 4 décembre',
    ]);
    const cells = cellsOf(page.text);
    expect(cells.filter((c) => c.state === 'available').map((c) => c.value)).toEqual(
      [MON, TUE, THU, FRI].flatMap((day) => [cell(family.activities.restauration!, day), cell(family.activities['periscolaire-soir']!, day)]),
    );
    const wednesday = cells.filter((c) => c.day === 'Mercredi 2 décembre');
    expect(wednesday.map((c) => [c.state, c.text, c.reason, c.value])).toEqual([
      ['closed', '✕ Fermé', "Pas d'accueil ce jour-là", undefined],
      ['closed', '✕ Fermé', "Pas d'accueil ce jour-là", undefined],
    ]);
    expect($('form.week-form button[type="submit"]').text().trim()).toBe('Valider');
    expect($('script[src="/static/js/booking-grid.js"]')).toHaveLength(1);
    expect($(`nav a[href="/${SLUG}/reservations"][aria-current="page"]`).text()).toBe('Réservations');
  });

  it('puts the days first: above them only the deadline in words and the week links; the rule, the week picker and the legend follow', async () => {
    const $ = html((await agentOf(family).get(`/${SLUG}/reservations/${family.childId}`).expect(200)).text);
    const parts = ['week-deadline', 'week-nav', 'week-day', 'week-rule', 'week-picker', 'booking-legend'];
    const order = $(parts.map((part) => `.${part}`).join(', '))
      .map((_, element) => parts.find((part) => $(element).hasClass(part)))
      .get();
    expect(order).toEqual(['week-deadline', 'week-nav', ...Array(5).fill('week-day'), 'week-rule', 'week-picker', 'booking-legend']);
    // The cutoff stays in words above the days, short: no rule or legend before them.
    expect(squash($('.week-deadline').text())).toBe("Cette semaine est modifiable jusqu'au jeudi 26 novembre 2026 à 11h00. Encore 1 minute.");
    expect(squash($('.week-rule').text())).toBe('Réservations et annulations : le jeudi 11h au plus tard pour toute la semaine suivante.');
  });

  it('says why a day is closed: public holiday, school holidays', async () => {
    const christmas = cellsOf((await agentOf(family).get(gridPath(family, '2026-W52')).expect(200)).text);
    expect(christmas.filter((c) => c.day === 'Vendredi 25 décembre').map((c) => c.reason)).toEqual(['Jour férié : Noël', 'Jour férié : Noël']);
    expect(christmas.filter((c) => c.day === 'Mardi 22 décembre').map((c) => c.reason)).toEqual(['Vacances de Noël', 'Vacances de Noël']);
    expect(christmas.every((c) => c.state === 'closed')).toBe(true);
  });

  it('shows this week as past its deadline, every day « non modifiable »', async () => {
    const page = await agentOf(family).get(gridPath(family, '2026-W48')).expect(200);
    const $ = html(page.text);
    expect(squash($('.week-deadline .deadline').text())).toBe(
      "Cette semaine n'est plus modifiable : non modifiable depuis le jeudi 19 novembre 2026 à 11h00.",
    );
    const open = cellsOf(page.text).filter((c) => c.state !== 'closed');
    expect(open.length).toBeGreaterThan(0);
    expect(open.every((c) => c.state === 'locked' && c.text === '⊘ Non réservé · non modifiable' && c.value === undefined)).toBe(true);
    expect($('form.week-form button[type="submit"]')).toHaveLength(0);
  });

  it('moves a week back and forth, and goes to the week of a day given by the picker (a date where the browser has no week field)', async () => {
    const $ = html((await agentOf(family).get(gridPath(family)).expect(200)).text);
    expect($('a[rel="prev"]').attr('href')).toBe(gridPath(family, '2026-W48'));
    expect($('a[rel="next"]').attr('href')).toBe(gridPath(family, '2026-W50'));
    expect($('form.week-picker input[name="semaine"]').attr('type')).toBe('date');

    for (const asked of ['2026-12-09', '09/12/2026']) {
      const response = await agentOf(family).get(`/${SLUG}/reservations/${family.childId}?semaine=${encodeURIComponent(asked)}`).expect(303);
      expect(response.headers.location).toBe(gridPath(family, '2026-W50'));
    }
    await agentOf(family).get(gridPath(family, '2026-w50')).expect(200);

    const wrong = await agentOf(family).get(`/${SLUG}/reservations/${family.childId}?semaine=mardi`).expect(400);
    const $wrong = html(wrong.text);
    expect($wrong('title').text()).toMatch(/^Erreur : /);
    expect($wrong('.error-summary a').attr('href')).toBe('#field-semaine');
    expect($wrong('#error-semaine').text()).toContain('par exemple 26/11/2026');
    expect(squash($wrong('.lead').text())).toContain('lundi 30 novembre');
  });

  it("answers 404 for another family's child, for a member who is not a child, and at another commune", async () => {
    const other = await canteenAndEvening();
    await agentOf(family).get(gridPath(other)).expect(404);
    await agentOf(family).get(`/${SLUG}/reservations/${family.parents[0]!.user.memberId}`).expect(404);
    await agentOf(family).get(`/${SLUG}/reservations/abc`).expect(404);
    const elsewhere = await freshFamily(t, 'villennes');
    await elsewhere.parents[0]!.agent.get(`/villennes/reservations/${family.childId}?semaine=${NEXT_WEEK}`).expect(404);
    // Signed in at Échirolles only: anonymous at Villennes, sent to sign in there.
    const anonymous = await agentOf(family).get(`/villennes/reservations/${family.childId}`).expect(303);
    expect(anonymous.headers.location).toContain('/villennes/connexion');
  });

  it('is for parents only', async () => {
    const response = await request(t.app).get(`/${SLUG}/reservations/${family.childId}`).expect(303);
    expect(response.headers.location).toContain(`/${SLUG}/connexion`);
  });
});

describe('POST /:commune/reservations/:memberId', () => {
  it('books next week at 10:59, lists per day what was done, and e-mails a confirmation listing the changes', async () => {
    const family = await canteenAndEvening();
    const { restauration, 'periscolaire-soir': evening } = family.activities as Record<string, number>;
    const response = await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(restauration!, MON), cell(restauration!, TUE), cell(evening!, THU)]);
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(gridPath(family));

    expect(await bookingsOf(family)).toEqual([
      { activity_id: restauration, day: MON, status: 'booked', waiting_position: null },
      { activity_id: restauration, day: TUE, status: 'booked', waiting_position: null },
      { activity_id: evening, day: THU, status: 'booked', waiting_position: null },
    ]);

    const $ = html((await agentOf(family).get(response.headers.location!).expect(200)).text);
    const outcome = $('.booking-outcome');
    expect(squash(outcome.find('h2').text())).toBe('Semaine enregistrée : 3 changements faits. Un e-mail de confirmation est envoyé.');
    expect(outcome.find('.booking-outcome__days > li').map((_, li) => squash($(li).text())).get()).toEqual([
      'Lundi 30 novembre 2026 ✓ Restauration scolaire : réservé',
      'Mardi 1er décembre 2026 ✓ Restauration scolaire : réservé',
      'Jeudi 3 décembre 2026 ✓ Accueil périscolaire du soir : réservé',
    ]);
    const cells = cellsOf($.html());
    expect(cells.filter((c) => c.checked).map((c) => c.value)).toEqual([cell(restauration!, MON), cell(restauration!, TUE), cell(evening!, THU)]);
    expect(cells.filter((c) => c.checked).every((c) => c.state === 'booked' && c.text === '✓ Réservé')).toBe(true);
    expect($('input[name="avant"]').val()).toBe([cell(restauration!, MON), cell(restauration!, TUE), cell(evening!, THU)].join(','));

    const mail = await lastMailTo(t, family.parents[0]!.email);
    expect(mail.kind).toBe('booking_confirmation');
    expect(mail.subject).toContain('Réservations de Jade');
    expect(mail.text).toContain('lundi 30 novembre 2026, Restauration scolaire : réservé');
    expect(mail.text).toContain('jeudi 3 décembre 2026, Accueil périscolaire du soir : réservé');
    expect(mail.path).toBe(`/${SLUG}/reservations/${family.childId}`);

    // The outcome is shown once.
    expect(html((await agentOf(family).get(gridPath(family)).expect(200)).text)('.booking-outcome')).toHaveLength(0);
  });

  it('refuses every change at 11:00 and writes nothing: no booking, no cancellation, no e-mail', async () => {
    const family = await canteenAndEvening();
    const restauration = family.activities.restauration!;
    await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(restauration, MON)]).then((r) => expect(r.status).toBe(303));
    const before = await bookingsOf(family);
    const mailsBefore = await countMailsTo(t, family.parents[0]!.email);
    const csrf = html((await agentOf(family).get(gridPath(family))).text)('input[name="_csrf"]').first().val() as string;

    t.clock.set(AT);
    const response = await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(restauration, TUE), cell(restauration, THU)], {
      avant: cell(restauration, MON),
      csrf,
    });
    expect(response.status).toBe(303);
    expect(await bookingsOf(family)).toEqual(before);
    expect(await countMailsTo(t, family.parents[0]!.email)).toBe(mailsBefore);

    const $ = html((await agentOf(family).get(gridPath(family)).expect(200)).text);
    expect(squash($('.booking-outcome h2').text())).toBe("Aucun changement n'a pu être fait (3 refus).");
    const refused = $('.booking-outcome__refused').map((_, li) => squash($(li).text())).get();
    expect(refused).toEqual([
      '✕ Restauration scolaire : non fait, délai dépassé : non modifiable depuis le jeudi 26 novembre 2026 à 11h00',
      '✕ Restauration scolaire : non fait, délai dépassé : non modifiable depuis le jeudi 26 novembre 2026 à 11h00',
      '✕ Restauration scolaire : non fait, délai dépassé : non modifiable depuis le jeudi 26 novembre 2026 à 11h00',
    ]);
    expect(squash($('.week-deadline .deadline').text())).toContain('non modifiable depuis le jeudi 26 novembre 2026 à 11h00');
    expect(cellsOf($.html()).find((c) => c.day === 'Lundi 30 novembre' && c.activity === 'Restauration scolaire')).toMatchObject({
      state: 'locked',
      text: '⊘ Réservé · non modifiable',
    });
  });

  it('cancels a booked day before the deadline', async () => {
    const family = await canteenAndEvening();
    const restauration = family.activities.restauration!;
    await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(restauration, MON), cell(restauration, TUE)]);
    const response = await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(restauration, TUE)], {
      avant: [cell(restauration, MON), cell(restauration, TUE)].join(','),
    });
    expect(response.status).toBe(303);
    expect((await bookingsOf(family)).map((b) => [b.day, b.status])).toEqual([
      [MON, 'cancelled'],
      [TUE, 'booked'],
    ]);
    const $ = html((await agentOf(family).get(gridPath(family))).text);
    expect($('.booking-outcome__done').map((_, li) => squash($(li).text())).get()).toEqual(['✓ Restauration scolaire : annulé']);
    expect((await lastMailTo(t, family.parents[0]!.email)).text).toContain('lundi 30 novembre 2026, Restauration scolaire : annulé');

    // Booking a cancelled day again reuses its row.
    await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(restauration, MON), cell(restauration, TUE)], { avant: cell(restauration, TUE) });
    expect((await bookingsOf(family)).map((b) => [b.day, b.status])).toEqual([
      [MON, 'booked'],
      [TUE, 'booked'],
    ]);
  });

  it('refuses a closed day and an activity the child is not registered to, whatever the form sent', async () => {
    const family = await canteenAndEvening();
    const restauration = family.activities.restauration!;
    const study = (await t.runtime.repositories.activities.findByCode(family.commune.id, 'etude'))!.id;
    const response = await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [
      cell(restauration, WED),
      cell(restauration, '2026-12-05'),
      cell(study, MON),
      cell(restauration, '2026-12-25'),
      cell(999999, MON),
    ]);
    expect(response.status).toBe(303);
    expect(await bookingsOf(family)).toEqual([]);
    const $ = html((await agentOf(family).get(gridPath(family))).text);
    expect($('.booking-outcome__refused').map((_, li) => squash($(li).text())).get()).toEqual([
      "✕ Étude surveillée : non fait, Pas d'inscription validée à cette activité ce jour-là",
      "✕ Activité inconnue : non fait, cette activité n'existe pas",
      "✕ Restauration scolaire : non fait, fermé (Pas d'accueil ce jour-là)",
      '✕ Restauration scolaire : non fait, fermé (Week-end)',
      "✕ Restauration scolaire : non fait, ce jour n'est pas dans la semaine affichée",
    ]);
    expect(await countMailsTo(t, family.parents[0]!.email, 'booking_confirmation')).toBe(0);
  });

  it('applies the allowed days of a mixed week and reports the refused ones, day by day', async () => {
    const family = await canteenAndEvening();
    const restauration = family.activities.restauration!;
    const evening = family.activities['periscolaire-soir']!;
    const study = (await t.runtime.repositories.activities.findByCode(family.commune.id, 'etude'))!.id;
    await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(restauration, MON), cell(restauration, WED), cell(study, TUE), cell(evening, TUE), cell(evening, FRI)]);
    expect((await bookingsOf(family)).map((b) => [b.activity_id, b.day, b.status])).toEqual([
      [restauration, MON, 'booked'],
      [evening, TUE, 'booked'],
      [evening, FRI, 'booked'],
    ]);
    const $ = html((await agentOf(family).get(gridPath(family))).text);
    expect(squash($('.booking-outcome h2').text())).toBe('3 changements faits, 2 changements refusés. Un e-mail de confirmation est envoyé.');
    expect($('.booking-outcome__days > li').map((_, li) => squash($(li).text())).get()).toEqual([
      'Lundi 30 novembre 2026 ✓ Restauration scolaire : réservé',
      "Mardi 1er décembre 2026 ✓ Accueil périscolaire du soir : réservé ✕ Étude surveillée : non fait, Pas d'inscription validée à cette activité ce jour-là",
      "Mercredi 2 décembre 2026 ✕ Restauration scolaire : non fait, fermé (Pas d'accueil ce jour-là)",
      'Vendredi 4 décembre 2026 ✓ Accueil périscolaire du soir : réservé',
    ]);
    const mail = await lastMailTo(t, family.parents[0]!.email);
    expect(mail.text).toContain('mardi 1er décembre 2026, Étude surveillée : ');
  });

  it('books once when the same form is posted twice at the same time, and counts one place', async () => {
    const family = await familyWithChild(t, SLUG, ['mercredi']);
    const wednesday = family.activities.mercredi!;
    const places = () => t.runtime.db('activity_days').where({ activity_id: wednesday, day: WED }).first('booked');
    const before = (await places())?.booked ?? 0;
    const csrf = html((await agentOf(family).get(gridPath(family))).text)('input[name="_csrf"]').first().val() as string;
    const responses = await Promise.all([0, 1].map(() => postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(wednesday, WED)], { csrf })));
    expect(responses.map((r) => r.status)).toEqual([303, 303]);
    expect(await bookingsOf(family)).toEqual([{ activity_id: wednesday, day: WED, status: 'booked', waiting_position: null }]);
    expect((await places())!.booked).toBe(before + 1);
    expect(await countMailsTo(t, family.parents[0]!.email, 'booking_confirmation')).toBe(1);

    // Replayed later, the same POST changes nothing either.
    await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(wednesday, WED)], { csrf });
    expect((await places())!.booked).toBe(before + 1);
    // A form that does not say what it showed: the week as sent is the week wanted.
    await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(wednesday, WED)], { csrf, avant: null });
    expect(await bookingsOf(family)).toEqual([{ activity_id: wednesday, day: WED, status: 'booked', waiting_position: null }]);
  });

  it('leaves alone a day another guardian changed since the page was drawn', async () => {
    const family = await canteenAndEvening();
    const restauration = family.activities.restauration!;
    const csrf = html((await agentOf(family).get(gridPath(family))).text)('input[name="_csrf"]').first().val() as string;
    // Meanwhile, the other guardian books Friday (here through the service).
    await t.runtime.services.weekChanges.changeWeek(family.commune, family.parents[0]!.user, family.childId, NEXT_WEEK, new Set([cell(restauration, FRI)]));
    // The page drawn before shows Friday unticked; the parent ticks Monday only.
    await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(restauration, MON)], { csrf, avant: '' });
    expect((await bookingsOf(family)).map((b) => [b.day, b.status])).toEqual([
      [MON, 'booked'],
      [FRI, 'booked'],
    ]);
  });

  it("answers 404 to a crafted POST for another family's child, and writes nothing", async () => {
    const family = await canteenAndEvening();
    const other = await canteenAndEvening();
    const csrf = html((await agentOf(family).get(gridPath(family))).text)('input[name="_csrf"]').first().val() as string;
    const response = await postWeek(agentOf(family), SLUG, other.childId, NEXT_WEEK, [cell(other.activities.restauration!, MON)], { csrf });
    expect(response.status).toBe(404);
    expect(await bookingsOf(other)).toEqual([]);
    expect(await t.runtime.db('bookings').where({ member_id: other.childId })).toHaveLength(0);
  });

  it('refuses a POST without its CSRF token, and a malformed week', async () => {
    const family = await canteenAndEvening();
    await agentOf(family)
      .post(`/${SLUG}/reservations/${family.childId}`)
      .type('form')
      .send({ semaine: NEXT_WEEK, jours: cell(family.activities.restauration!, MON) })
      .expect(403);
    const bad = await postWeek(agentOf(family), SLUG, family.childId, 'semaine', [cell(family.activities.restauration!, MON)]);
    expect(bad.status).toBe(400);
    expect(await bookingsOf(family)).toEqual([]);
  });
});

describe('the grid page reads a week in a fixed number of queries (no query per row or per cell)', () => {
  async function queriesFor(agent: request.Agent, path: string) {
    const sql: string[] = [];
    const listener = (query: { sql: string }) => sql.push(query.sql);
    t.runtime.db.on('query', listener);
    try {
      await agent.get(path).expect(200);
    } finally {
      t.runtime.db.off('query', listener);
    }
    return sql;
  }

  it('makes as many queries for one row as for four, with bookings read once', async () => {
    const one = await familyWithChild(t, SLUG, ['restauration']);
    const four = await familyWithChild(t, SLUG, ['restauration', 'periscolaire-matin', 'periscolaire-soir', 'etude']);
    await t.runtime.services.weekChanges.changeWeek(
      four.commune,
      four.parents[0]!.user,
      four.childId,
      NEXT_WEEK,
      new Set(Object.values(four.activities).flatMap((id) => [MON, TUE, THU, FRI].map((day) => cell(id, day)))),
    );
    const few = await queriesFor(agentOf(one), gridPath(one));
    const many = await queriesFor(agentOf(four), gridPath(four));
    expect(cellsOf((await agentOf(four).get(gridPath(four))).text).filter((c) => c.state === 'booked')).toHaveLength(16);
    expect(many.length).toBe(few.length);
    expect(many.filter((query) => /from "bookings"/.test(query))).toHaveLength(1);
    // Nine: commune, session user, the navigation's unread messages (issue 13: « Messages (n) » on
    // every page), then the grid's five: child, registrations, bookings, activities, places; and one
    // for the week's marks (justified absences and attendance, in one query).
    expect(many.map((query) => /from "(\w+)"/.exec(query)?.[1]).sort()).toEqual(
      ['absences', 'activities', 'activity_days', 'bookings', 'communes', 'members', 'messages', 'registrations', 'users'],
    );
  });

  it('reads the dashboard in as many queries for four activities and two children as for one, the members once', async () => {
    const one = await familyWithChild(t, SLUG, ['restauration']);
    const four = await familyWithChild(t, SLUG, ['restauration', 'periscolaire-matin', 'periscolaire-soir', 'etude']);
    await addChild(t, four, 'Léo');
    const few = await queriesFor(agentOf(one), `/${SLUG}/tableau-de-bord`);
    const many = await queriesFor(agentOf(four), `/${SLUG}/tableau-de-bord`);
    expect(many.length).toBe(few.length);
    const tables = many.map((query) => /from "(\w+)"/.exec(query)?.[1] ?? 'raw').sort();
    expect(tables.filter((table) => table === 'members')).toHaveLength(1);
    // Once each, though the booking summary and the documents asked (issue 13) both need them.
    expect(tables.filter((table) => table === 'activities')).toHaveLength(1);
    expect(tables.filter((table) => table === 'registrations')).toHaveLength(1);
  });
});

describe('GET /:commune/reservations and the dashboard', () => {
  it("list each child with this week's and next week's bookings and the next deadline", async () => {
    const family = await canteenAndEvening();
    const restauration = family.activities.restauration!;
    await postWeek(agentOf(family), SLUG, family.childId, NEXT_WEEK, [cell(restauration, MON), cell(restauration, TUE)]);

    const list = html((await agentOf(family).get(`/${SLUG}/reservations`).expect(200)).text);
    const card = list('.booking-child');
    expect(card.find('h2').text()).toBe(`Jade ${family.name}`);
    expect(card.find('.details > div').map((_, div) => `${squash(list(div).find('dt').text())} : ${squash(list(div).find('dd').text())}`).get()).toEqual([
      'Cette semaine : aucune réservation',
      'Semaine prochaine : 2 réservations',
      "Prochaine date limite : Modifiable jusqu'au jeudi 26 novembre 2026 à 11h00 (encore 1 minute), pour les jours à partir du lundi 30 novembre 2026",
    ]);
    expect(card.find('a.button').attr('href')).toBe(gridPath(family));

    const dashboard = html((await agentOf(family).get(`/${SLUG}/tableau-de-bord`).expect(200)).text);
    const section = dashboard('section[aria-labelledby="bookings-title"]');
    expect(squash(section.find('.booking-child__next-week').text())).toBe('Semaine prochaine : 2 réservations');
    expect(squash(section.find('.booking-child__deadline').text())).toBe(
      "Prochaine date limite : modifiable jusqu'au jeudi 26 novembre 2026 à 11h00 (encore 1 minute), pour les jours à partir du lundi 30 novembre 2026.",
    );

    // After 11:00 the next deadline is the following Thursday's, for the week after.
    t.clock.set(AT);
    const later = html((await agentOf(family).get(`/${SLUG}/tableau-de-bord`).expect(200)).text);
    expect(squash(later('.booking-child__deadline').text())).toBe(
      "Prochaine date limite : modifiable jusqu'au jeudi 3 décembre 2026 à 11h00 (encore 7 jours), pour les jours à partir du lundi 7 décembre 2026.",
    );
  });

  it('says when a child has nothing booked next week, and when a child has no registration', async () => {
    const family = await canteenAndEvening();
    const unregistered = await t.runtime.repositories.families.insertMember(family.commune.id, family.familyId, {
      role: 'child', civility: null, lastName: family.name, birthName: null, firstName: 'Noé', birthDate: '2020-05-05', email: null, phone: null, school: null, schoolLevel: null,
    });
    const dashboard = html((await agentOf(family).get(`/${SLUG}/tableau-de-bord`).expect(200)).text);
    const cards = dashboard('section[aria-labelledby="bookings-title"] .booking-child');
    expect(cards.map((_, c) => squash(dashboard(c).find('h3').text())).get()).toEqual([`Jade ${family.name}`, `Noé ${family.name}`]);
    expect(squash(cards.first().find('.booking-child__next-week').text())).toBe('Semaine prochaine : aucune réservation');
    expect(squash(cards.last().text())).toContain("Pas d'inscription validée en cours.");
    expect(cards.last().find('a').attr('href')).toBe(`/${SLUG}/inscriptions/nouvelle?enfant=${unregistered}`);
    const page = html((await agentOf(family).get(`/${SLUG}/reservations/${unregistered}`).expect(200)).text);
    expect(page('main').text()).toContain("n'a pas d'inscription validée pour cette semaine");
  });
});
