import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cell, cellsOf, familyWithChild, postWeek, type FamilyWithChild } from '../support/booking-fixtures.ts';
import { buildTestApp, countMailsTo, csrfTokenFrom, html, lastMailTo, type TestApp } from '../support/test-app.ts';

// Échirolles' « mercredi » has 60 places a day. Monday 8 March 2027: Wednesday 17 March (2027-W11)
// can be changed until Thursday 11 March, 11:00. No other suite books that day.
const SLUG = 'echirolles';
const NOW = new Date('2027-03-08T10:00:00+01:00');
const WEEK = '2027-W11';
const DAY = '2027-03-17';
const FAMILIES = 50;
const PLACES_LEFT = 5;

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());

async function inBatches<T>(count: number, size: number, make: (index: number) => Promise<T>): Promise<T[]> {
  const made: T[] = [];
  for (let start = 0; start < count; start += size) {
    made.push(...(await Promise.all(Array.from({ length: Math.min(size, count - start) }, (_, offset) => make(start + offset)))));
  }
  return made;
}

describe('capacity and waiting list: 50 families for the last 5 places of a Wednesday', () => {
  let families: FamilyWithChild[];
  let activityId: number;
  let communeId: number;
  const bookingOf = async (family: FamilyWithChild) =>
    (await t.runtime.db('bookings').where({ member_id: family.childId, activity_id: activityId, day: DAY }).first()) as
      | { id: number; status: string; waiting_position: number | null }
      | undefined;
  const place = () => t.runtime.db('activity_days').where({ commune_id: communeId, activity_id: activityId, day: DAY }).first();

  beforeAll(async () => {
    families = await inBatches(FAMILIES, 10, (index) => familyWithChild(t, SLUG, ['mercredi'], { prefix: `File${index}` }));
    activityId = families[0]!.activities.mercredi!;
    communeId = families[0]!.commune.id;
    const { capacity_per_day: capacity } = await t.runtime.db('activities').where({ id: activityId }).first('capacity_per_day');
    expect(capacity).toBe(60);
    // 55 places already taken by children of other families.
    await t.runtime.db.raw(
      `INSERT INTO activity_days (commune_id, activity_id, day, capacity, booked) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (commune_id, activity_id, day) DO UPDATE SET capacity = EXCLUDED.capacity, booked = EXCLUDED.booked`,
      [communeId, activityId, DAY, capacity, capacity - PLACES_LEFT],
    );
  }, 180_000);

  it('books exactly 5, puts 45 on the waiting list in arrival order, and never counts more than the capacity', async () => {
    const tokens = await Promise.all(families.map((family) => csrfTokenFrom(family.parents[0]!.agent, `/${SLUG}/reservations/${family.childId}?semaine=${WEEK}`)));
    const first = cellsOf((await families[0]!.parents[0]!.agent.get(`/${SLUG}/reservations/${families[0]!.childId}?semaine=${WEEK}`)).text);
    expect(first.find((c) => c.value === cell(activityId, DAY))).toMatchObject({ state: 'available' });

    const responses = await Promise.all(
      families.map((family, index) => postWeek(family.parents[0]!.agent, SLUG, family.childId, WEEK, [cell(activityId, DAY)], { csrf: tokens[index] })),
    );
    expect(responses.map((response) => response.status)).toEqual(families.map(() => 303));

    const rows = await Promise.all(families.map(bookingOf));
    const booked = rows.filter((row) => row?.status === 'booked');
    const waiting = rows.filter((row) => row?.status === 'waiting');
    expect(booked).toHaveLength(PLACES_LEFT);
    expect(waiting).toHaveLength(FAMILIES - PLACES_LEFT);
    // Arrival = the order in which the transactions reached the day's row (its lock): one ticket
    // each, taken under that lock, so 1..45 without gap or duplicate.
    expect(waiting.map((row) => row!.waiting_position).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 45 }, (_, index) => index + 1));
    expect(await place()).toMatchObject({ capacity: 60, booked: 60, waiting_last: 45 });

    // Each family was told which: a place, or its rank in the list.
    const third = families[rows.findIndex((row) => row?.waiting_position === 3)]!;
    const page = html((await third.parents[0]!.agent.get(`/${SLUG}/reservations/${third.childId}?semaine=${WEEK}`)).text);
    expect(page('.booking-outcome__done').text()).toContain("Mercredi – accueil de loisirs : inscrit·e sur la liste d'attente (3e position)");
    expect(cellsOf(page.html()).find((c) => c.value === cell(activityId, DAY))).toMatchObject({
      state: 'waiting',
      text: "◔ En liste d'attente (3e position)",
      checked: true,
    });

    // The database itself refuses to count a 61st child.
    await expect(
      t.runtime.db('activity_days').where({ commune_id: communeId, activity_id: activityId, day: DAY }).increment('booked', 1),
    ).rejects.toThrow(/activity_days_places/);
  });

  it('offers the waiting list to the next family: « complet »', async () => {
    const late = await familyWithChild(t, SLUG, ['mercredi'], { prefix: 'Tardif' });
    const cells = cellsOf((await late.parents[0]!.agent.get(`/${SLUG}/reservations/${late.childId}?semaine=${WEEK}`).expect(200)).text);
    expect(cells.find((c) => c.value === cell(activityId, DAY))).toMatchObject({ state: 'full', text: "● Complet – liste d'attente proposée", checked: false });
  });

  it('promotes exactly the first waiting child when a place is given back before the deadline, and e-mails that family once', async () => {
    const rows = await Promise.all(families.map(bookingOf));
    const leaving = families[rows.findIndex((row) => row?.status === 'booked')]!;
    const firstWaiting = families[rows.findIndex((row) => row?.waiting_position === 1)]!;
    const others = families.filter((family, index) => rows[index]?.status === 'waiting' && family !== firstWaiting);
    const mailsBefore = await Promise.all(others.map((family) => countMailsTo(t, family.parents[0]!.email, 'booking_promoted')));
    expect(mailsBefore.every((count) => count === 0)).toBe(true);

    const response = await postWeek(leaving.parents[0]!.agent, SLUG, leaving.childId, WEEK, [], { avant: cell(activityId, DAY) });
    expect(response.status).toBe(303);

    expect((await bookingOf(leaving))!.status).toBe('cancelled');
    expect(await bookingOf(firstWaiting)).toMatchObject({ status: 'booked', waiting_position: null });
    const after = await Promise.all(others.map(bookingOf));
    expect(after.every((row) => row!.status === 'waiting')).toBe(true);
    expect(after.map((row) => row!.waiting_position).sort((a, b) => a! - b!)).toEqual(Array.from({ length: 44 }, (_, index) => index + 2));
    expect(await place()).toMatchObject({ booked: 60 });

    expect(await countMailsTo(t, firstWaiting.parents[0]!.email, 'booking_promoted')).toBe(1);
    const mail = await lastMailTo(t, firstWaiting.parents[0]!.email);
    expect(mail.subject).toContain("Une place s'est libérée pour Jade");
    expect(mail.text).toContain('Jade quitte la liste d\'attente et a une place pour « Mercredi – accueil de loisirs » le mercredi 17 mars 2027.');
    expect(mail.text).toContain("modifiable jusqu'au jeudi 11 mars 2027 à 11h00");
    expect(await Promise.all(others.map((family) => countMailsTo(t, family.parents[0]!.email, 'booking_promoted')))).toEqual(others.map(() => 0));

    // The new first of the list sees it.
    const next = others[after.findIndex((row) => row!.waiting_position === 2)]!;
    const cells = cellsOf((await next.parents[0]!.agent.get(`/${SLUG}/reservations/${next.childId}?semaine=${WEEK}`)).text);
    expect(cells.find((c) => c.value === cell(activityId, DAY))).toMatchObject({ text: "◔ En liste d'attente (1re position)" });
  });

  it('promotes nobody after the deadline: the place cannot be given back then', async () => {
    const rows = await Promise.all(families.map(bookingOf));
    const holder = families[rows.findIndex((row) => row?.status === 'booked')]!;
    t.clock.set(new Date('2027-03-11T11:00:00+01:00'));
    try {
      await postWeek(holder.parents[0]!.agent, SLUG, holder.childId, WEEK, [], { avant: cell(activityId, DAY) });
      expect((await bookingOf(holder))!.status).toBe('booked');
      expect(await place()).toMatchObject({ booked: 60 });
    } finally {
      t.clock.set(NOW);
    }
  });
});
