import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { familyWithChild, type FamilyWithChild } from '../support/booking-fixtures.ts';
import { buildTestApp, countMailsTo, csrfTokenFrom, html, type TestApp } from '../support/test-app.ts';

// Échirolles, Monday 23 November 2026, 09:00: every Wednesday from 2 December is still before its
// deadline (« jeudi 11h pour la semaine suivante »). « Une semaine sur 2 » on Wednesdays from
// 30 November to 15 January gives 2 and 16 December, 30 December (Christmas holidays) and
// 13 January; 16 December is made full.
const SLUG = 'echirolles';
const NOW = new Date('2026-11-23T09:00:00+01:00');
const FULL_DAY = '2026-12-16';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const agentOf = (family: FamilyWithChild) => family.parents[0]!.agent;
const formPath = (family: FamilyWithChild) => `/${SLUG}/reservations/${family.childId}/semaine-type`;

async function bookingsOf(family: FamilyWithChild) {
  const rows = (await t.runtime
    .db('bookings')
    .where({ family_id: family.familyId })
    .orderBy(['day', 'activity_id'])
    .select('day', 'status')) as { day: string | Date; status: string }[];
  return rows.map((row) => ({ day: typeof row.day === 'string' ? row.day : row.day.toISOString().slice(0, 10), status: row.status }));
}

function datesOf(page: string, which: 'booked' | 'not-booked') {
  const $ = html(page);
  return $(`[data-dates="${which}"] li`)
    .map((_, li) => ({ day: $(li).attr('data-day'), text: squash($(li).text()) }))
    .get();
}

describe('semaine type', () => {
  let family: FamilyWithChild;
  let activityId: number;
  beforeAll(async () => {
    family = await familyWithChild(t, SLUG, ['mercredi'], { prefix: 'Type' });
    activityId = family.activities.mercredi!;
    const { capacity_per_day: capacity } = await t.runtime.db('activities').where({ id: activityId }).first('capacity_per_day');
    await t.runtime.db.raw(
      `INSERT INTO activity_days (commune_id, activity_id, day, capacity, booked) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (commune_id, activity_id, day) DO UPDATE SET capacity = EXCLUDED.capacity, booked = EXCLUDED.booked`,
      [family.commune.id, activityId, FULL_DAY, capacity, capacity],
    );
  }, 60_000);

  const form = async () => ({
    _csrf: await csrfTokenFrom(agentOf(family), formPath(family)),
    activite: String(activityId),
    jours: ['mercredi'],
    rythme: '2',
    periode: 'dates',
    du: '2026-11-30',
    au: '2027-01-15',
  });

  it('shows the form: activity, weekdays in French, rhythms, period', async () => {
    const $ = html((await agentOf(family).get(formPath(family)).expect(200)).text);
    expect($('h1').text()).toBe(`Semaine type de Jade ${family.name}`);
    expect($('input[name="jours"]').map((_, input) => $(input).attr('value')).get()).toEqual(['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi']);
    expect($('input[name="rythme"] + label').map((_, label) => $(label).text()).get()).toEqual([
      'Chaque semaine',
      'Une semaine sur 2',
      'Une semaine sur 3',
      'Une semaine sur 4',
    ]);
    expect($('input[name="periode"][value="annee"]').is(':checked')).toBe(true);
    expect($('form.recurring-form button[type="submit"]').text()).toBe('Voir les dates');
  });

  it('previews one week in 2 with a holiday and a full day, books exactly that, and books nothing twice', async () => {
    const body = await form();
    const preview = await agentOf(family).post(`${formPath(family)}/apercu`).type('form').send(body).expect(200);
    expect(await bookingsOf(family)).toEqual([]);
    const willBook = datesOf(preview.text, 'booked');
    const wont = datesOf(preview.text, 'not-booked');
    expect(willBook).toEqual([
      { day: '2026-12-02', text: '✓ Mercredi 2 décembre 2026 : réservé' },
      { day: FULL_DAY, text: "✓ Mercredi 16 décembre 2026 : complet → liste d'attente" },
      { day: '2027-01-13', text: '✓ Mercredi 13 janvier 2027 : réservé' },
    ]);
    expect(wont).toEqual([{ day: '2026-12-30', text: '✕ Mercredi 30 décembre 2026 : fermé (Vacances de Noël)' }]);
    expect(html(preview.text)('h1').text()).toBe(`Semaine type de Jade ${family.name}`);

    const mailsBefore = await countMailsTo(t, family.parents[0]!.email, 'booking_confirmation');
    const response = await agentOf(family).post(formPath(family)).type('form').send(body).expect(303);
    expect(response.headers.location).toBe(`/${SLUG}/reservations/${family.childId}?semaine=2026-W49`);
    const result = await bookingsOf(family);
    expect(result).toEqual([
      { day: '2026-12-02', status: 'booked' },
      { day: FULL_DAY, status: 'waiting' },
      { day: '2027-01-13', status: 'booked' },
    ]);
    // The preview and the result agree.
    expect(result.map((booking) => booking.day)).toEqual(willBook.map((line) => line.day));
    expect(await countMailsTo(t, family.parents[0]!.email, 'booking_confirmation')).toBe(mailsBefore + 1);
    const grid = await agentOf(family).get(response.headers.location!).expect(200);
    const { name } = await t.runtime.db('activities').where({ id: activityId }).first('name');
    expect(squash(html(grid.text)('.notice[role="status"]').first().text())).toBe(
      `Semaine type de Jade pour « ${name} » : 2 jours réservés, 1 en liste d'attente, 1 non réservable.`,
    );

    // Submitted again: nothing booked twice, and the preview now says so.
    const again = await agentOf(family).post(formPath(family)).type('form').send(body).expect(303);
    expect(again.headers.location).toContain(`/${SLUG}/reservations/${family.childId}`);
    expect(await bookingsOf(family)).toEqual(result);
    const rows = await t.runtime.db('bookings').where({ member_id: family.childId }).count<{ count: string }[]>('* as count');
    expect(Number(rows[0]!.count)).toBe(3);
    expect(await countMailsTo(t, family.parents[0]!.email, 'booking_confirmation')).toBe(mailsBefore + 1);
    const second = await agentOf(family).post(`${formPath(family)}/apercu`).type('form').send(body).expect(200);
    expect(datesOf(second.text, 'booked')).toEqual([]);
    expect(datesOf(second.text, 'not-booked').map((line) => line.text)).toEqual([
      '✕ Mercredi 2 décembre 2026 : déjà réservé',
      "✕ Mercredi 16 décembre 2026 : déjà en liste d'attente",
      '✕ Mercredi 30 décembre 2026 : fermé (Vacances de Noël)',
      '✕ Mercredi 13 janvier 2027 : déjà réservé',
    ]);
  });

  it('explains bad input next to the fields and in a summary, 400, values kept', async () => {
    const body = { ...(await form()), jours: [], du: '2026-12-18', au: '2026-12-01' };
    const response = await agentOf(family).post(`${formPath(family)}/apercu`).type('form').send(body).expect(400);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual(['#field-jours', '#field-au']);
    expect($('#error-jours').text()).toContain('Choisissez au moins un jour de la semaine');
    expect($('#error-au').text()).toContain('La date de fin doit être après la date de début');
    expect($('#field-du').val()).toBe('2026-12-18');
    expect($('#field-rythme-2').is(':checked')).toBe(true);

    const outside = await agentOf(family)
      .post(formPath(family))
      .type('form')
      .send({ ...(await form()), du: '2027-06-01', au: '2027-09-30' })
      .expect(400);
    expect(html(outside.text)('#error-au').text()).toContain("La période doit être comprise dans l'année scolaire 2026-2027");
    expect(await bookingsOf(family)).toHaveLength(3);
  });

  it("previews « jusqu'à la fin de l'année scolaire »: from today to the eve of the summer holidays, days past the deadline said so", async () => {
    const body = { ...(await form()), rythme: '4', periode: 'annee', du: '', au: '' };
    const preview = await agentOf(family).post(`${formPath(family)}/apercu`).type('form').send(body).expect(200);
    const all = [...datesOf(preview.text, 'booked'), ...datesOf(preview.text, 'not-booked')].map((line) => line.day!).sort();
    // Weeks counted from today's week (2026-W48): Wednesday 25 November is past its deadline.
    expect(all[0]).toBe('2026-11-25');
    expect(datesOf(preview.text, 'not-booked').find((line) => line.day === '2026-11-25')?.text).toMatch(/: délai dépassé/);
    expect(all[all.length - 1]! <= '2027-07-03').toBe(true);
    expect(all.every((day, index) => index === 0 || (Date.parse(day) - Date.parse(all[index - 1]!)) % (28 * 86_400_000) === 0)).toBe(true);
  });

  it("answers 404 for another family's child", async () => {
    const other = await familyWithChild(t, SLUG, ['mercredi'], { prefix: 'Autre' });
    await agentOf(family).get(formPath(other)).expect(404);
    const body = await form();
    await agentOf(family).post(`${formPath(other)}/apercu`).type('form').send(body).expect(404);
    await agentOf(family).post(formPath(other)).type('form').send(body).expect(404);
    expect(await bookingsOf(other)).toEqual([]);
  });
});
