import { parse } from 'csv-parse/sync';
import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../../src/data/commune-repository.ts';
import { ForbiddenError } from '../../src/domain/errors.ts';
import { communeOf, demoAgent, freshFamily } from '../support/fresh-family.ts';
import { buildTestApp, csrfTokenFrom, html, unique, type TestApp } from '../support/test-app.ts';

// Thursday 26 November 2026, 17:00 in Paris: today's sheet and the past days can be marked.
const NOW = new Date('2026-11-26T17:00:00+01:00');
const SLUG = 'lemesnilsaintdenis';

let t: TestApp;
let commune: Commune;
beforeAll(async () => {
  t = buildTestApp(NOW);
  commune = await communeOf(t, SLUG);
});
afterAll(() => t.close());

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();
const sheetPath = (code: string, day: string) => `/${SLUG}/admin/pointage?activite=${code}&jour=${day}`;

async function activityIdOf(code: string, slug = SLUG): Promise<number> {
  const target = await communeOf(t, slug);
  return (await t.runtime.repositories.activities.findByCode(target.id, code))!.id;
}

interface Child {
  familyId: number;
  familyName: string;
  reference: string;
  memberId: number;
  name: string;
}

/**
 * A family of its own with one child holding a validated registration for 2026-2027 to each of
 * `codes`, written as the staff validation leaves it. No guardian account is activated: these
 * families only need to exist for staff.
 */
async function child(
  codes: string[],
  { firstName = 'Nina', allergies = null, hasPai = null, familyName, slug = SLUG }: { firstName?: string; allergies?: string | null; hasPai?: boolean | null; familyName?: string; slug?: string } = {},
): Promise<Child> {
  const target = await communeOf(t, slug);
  const name = familyName ?? unique('Lemoine');
  const { repositories } = t.runtime;
  const email = `${unique('pointage').toLowerCase()}@example.org`;
  const { familyId, reference } = await t.runtime.services.familyCreation.createFamilyWithGuardians(target, {
    name,
    guardians: [{ civility: 'madame', firstName: 'Claire', lastName: name, email }],
  });
  const memberId = await repositories.families.insertMember(target.id, familyId, {
    role: 'child',
    civility: null,
    lastName: name,
    birthName: null,
    firstName,
    birthDate: '2018-06-02',
    email: null,
    phone: null,
    school: 'École Jean-Moulin',
    schoolLevel: 'CE2',
    allergies,
    hasPai,
  });
  const staff = await repositories.users.findByEmail(target.id, `agent@${slug}.example.org`);
  for (const code of codes) {
    const activityId = await activityIdOf(code, slug);
    await repositories.db.transaction(async (trx) => {
      const id = await repositories.registrations.insert(
        target.id,
        { familyId, memberId, activityId, schoolYear: '2026-2027', startsOn: '2026-09-01', endsOn: '2027-07-02', requestId: null, createdAt: NOW },
        trx,
      );
      const number = await repositories.counters.next(target.id, 'registration', 2026, trx);
      await repositories.registrations.recordDecision(
        target.id,
        id,
        { status: 'validated', reference: `INS-2026-${String(number).padStart(5, '0')}`, decidedBy: staff!.id, decidedAt: NOW, reason: null },
        trx,
      );
    });
  }
  return { familyId, familyName: name, reference, memberId, name: `${firstName} ${name}` };
}

/** A booking row as the booking service leaves it (the grid is another suite's concern). */
async function book(who: Child, code: string, day: string, status: 'booked' | 'waiting' | 'cancelled' = 'booked', slug = SLUG) {
  const target = await communeOf(t, slug);
  const activityId = await activityIdOf(code, slug);
  let waitingPosition: number | null = null;
  if (status === 'waiting') {
    const [row] = await t.runtime.db('bookings').where({ commune_id: target.id, activity_id: activityId, day }).max<{ max: number | null }[]>('waiting_position as max');
    waitingPosition = (row?.max ?? 0) + 1;
  }
  await t.runtime.db('bookings').insert({
    commune_id: target.id,
    family_id: who.familyId,
    member_id: who.memberId,
    activity_id: activityId,
    day,
    status,
    waiting_position: waitingPosition,
    waiting_since: status === 'waiting' ? NOW : null,
    created_at: NOW,
    updated_at: NOW,
  });
}

async function agentOf(slug = SLUG) {
  return (await demoAgent(t, slug)).agent;
}

/** Posts the sheet's form as a browser would: the CSRF token and the hidden fields come from the page. */
async function postSheet(agent: request.Agent, code: string, day: string, fields: Record<string, string>) {
  const _csrf = await csrfTokenFrom(agent, sheetPath(code, day));
  return agent.post(`/${SLUG}/admin/pointage`).type('form').send({ _csrf, activite: code, jour: day, ...fields });
}

async function addWithoutBooking(agent: request.Agent, code: string, day: string, memberId: number | string) {
  const _csrf = await csrfTokenFrom(agent, sheetPath(code, day));
  return agent.post(`/${SLUG}/admin/pointage/sans-reservation`).type('form').send({ _csrf, activite: code, jour: day, enfant: String(memberId) });
}

async function marksOf(memberIds: number[]) {
  return (await t.runtime.db('attendance').whereIn('member_id', memberIds).orderBy('member_id').select('member_id', 'day', 'status')) as {
    member_id: number;
    day: string;
    status: string;
  }[];
}

/** « 3 réservés · 2 présents · 1 absent · 1 non pointé » → numbers. */
function countsOf(page: string) {
  const text = squash(html(page)('#sheet-counts').text());
  const number = (word: string) => Number(new RegExp(`(\\d+) ${word}`).exec(text)?.[1]);
  return { booked: number('réservé'), present: number('présent'), absent: number('absent'), notMarked: number('non pointé') };
}

function rowOf(page: string, memberId: number) {
  const $ = html(page);
  const row = $(`#enfant-${memberId}`);
  return {
    exists: row.length === 1,
    text: squash(row.text()),
    checked: row.find('input[type="radio"]:checked').val(),
  };
}

/** Reads a CSV body as bytes: supertest would decode it and hide the BOM. */
function asBytes(res: request.Response, callback: (error: Error | null, body: Buffer) => void) {
  const chunks: Buffer[] = [];
  res.on('data', (chunk: Buffer) => chunks.push(chunk));
  res.on('end', () => callback(null, Buffer.concat(chunks)));
}

describe('GET /:commune/admin/pointage', () => {
  it('shows the children booked with their health notes, the waiting list in order, the counts, and who else could be added', async () => {
    const day = '2026-11-19';
    const agent = await agentOf();
    const before = countsOf((await agent.get(sheetPath('periscolaire-soir', day)).expect(200)).text);

    const booked = await child(['periscolaire-soir'], { firstName: 'Léo', allergies: 'Arachides', hasPai: true });
    const second = await child(['periscolaire-soir'], { firstName: 'Zoé' });
    const firstWaiting = await child(['periscolaire-soir'], { firstName: 'Adam' });
    const secondWaiting = await child(['periscolaire-soir'], { firstName: 'Inès' });
    const cancelled = await child(['periscolaire-soir'], { firstName: 'Hugo' });
    const notRegistered = await child(['etude'], { firstName: 'Lina' });
    await book(booked, 'periscolaire-soir', day);
    await book(second, 'periscolaire-soir', day);
    await book(firstWaiting, 'periscolaire-soir', day, 'waiting');
    await book(secondWaiting, 'periscolaire-soir', day, 'waiting');
    await book(cancelled, 'periscolaire-soir', day, 'cancelled');

    const page = await agent.get(sheetPath('periscolaire-soir', day)).expect(200);
    const $ = html(page.text);
    expect(squash($('h2#feuille-titre').text())).toBe('Accueil périscolaire du soir – jeudi 19 novembre 2026');
    expect($('main').text()).toContain("Jour d'accueil");
    expect(rowOf(page.text, booked.memberId).text).toContain(booked.name);
    expect(rowOf(page.text, booked.memberId).text).toContain('Réservé');
    expect(rowOf(page.text, booked.memberId).text).toContain('PAI · Allergies : Arachides');
    expect(rowOf(page.text, booked.memberId).text).toContain('Non pointé');
    expect(rowOf(page.text, second.memberId).exists).toBe(true);
    expect(rowOf(page.text, cancelled.memberId).exists).toBe(false);
    expect(rowOf(page.text, firstWaiting.memberId).exists).toBe(false);

    const waiting = $('table:has(#attente-titre) tbody tr')
      .map((_, tr) => squash($(tr).find('th').text()))
      .get();
    expect(waiting.indexOf(firstWaiting.name)).toBeGreaterThanOrEqual(0);
    expect(waiting.indexOf(secondWaiting.name)).toBe(waiting.indexOf(firstWaiting.name) + 1);

    const candidates = $('#field-enfant option').map((_, option) => $(option).attr('value')).get();
    expect(candidates).toEqual(expect.arrayContaining([String(firstWaiting.memberId), String(cancelled.memberId)]));
    expect(candidates).not.toContain(String(booked.memberId));
    expect(candidates).not.toContain(String(notRegistered.memberId));

    expect(countsOf(page.text)).toEqual({ ...before, booked: before.booked + 2, notMarked: before.notMarked + 2 });
    expect($(`a[href="/${SLUG}/admin/pointage.csv?activite=periscolaire-soir&jour=${day}"]`)).toHaveLength(1);
    expect($(`nav a[href="/${SLUG}/admin/pointage"][aria-current="page"]`).text()).toBe('Pointage');
  });

  it('says why a day is closed and offers no marking', async () => {
    const agent = await agentOf();
    const wednesday = html((await agent.get(sheetPath('restauration', '2026-11-25')).expect(200)).text);
    expect(wednesday('main').text()).toContain("Pas d'accueil ce jour-là");
    expect(wednesday('#sheet-refusal').text()).toContain('Ce jour est fermé');
    expect(wednesday('form[method="post"][action$="/admin/pointage"]')).toHaveLength(0);
    const christmas = html((await agent.get(sheetPath('restauration', '2026-12-24')).expect(200)).text);
    expect(christmas('main').text()).toContain('Vacances de Noël');
  });

  it('opens on the first activity and today, and answers 400 to a day that does not exist', async () => {
    const agent = await agentOf();
    const page = html((await agent.get(`/${SLUG}/admin/pointage`).expect(200)).text);
    expect(page('h2#feuille-titre').text()).toContain('jeudi 26 novembre 2026');
    expect(page('#field-activite option[selected]').attr('value')).toBe('restauration');
    const bad = await agent.get(`/${SLUG}/admin/pointage?activite=restauration&jour=31/02/2026`).expect(400);
    expect(html(bad.text)('.error-summary').text()).toContain('Saisissez une date valide');
  });
});

describe('POST /:commune/admin/pointage', () => {
  it('marks present and absent, shows the marks and records each change in the audit log, before → after', async () => {
    const day = '2026-11-24';
    const agent = await agentOf();
    const { user: staff } = await demoAgent(t, SLUG);
    const lea = await child(['restauration'], { firstName: 'Léa' });
    const sam = await child(['restauration'], { firstName: 'Sam' });
    await book(lea, 'restauration', day);
    await book(sam, 'restauration', day);
    const before = countsOf((await agent.get(sheetPath('restauration', day))).text);

    const saved = await postSheet(agent, 'restauration', day, { [`presence-${lea.memberId}`]: 'present', [`presence-${sam.memberId}`]: 'absent' });
    expect(saved.status).toBe(303);
    expect(saved.headers.location).toBe(sheetPath('restauration', day));
    expect(await marksOf([lea.memberId, sam.memberId])).toEqual([
      { member_id: lea.memberId, day, status: 'present' },
      { member_id: sam.memberId, day, status: 'absent' },
    ]);

    const page = await agent.get(saved.headers.location!).expect(200);
    expect(html(page.text)('.notice--success').text()).toContain('Pointage enregistré pour le mardi 24 novembre 2026 : 1 présent, 1 absent.');
    expect(rowOf(page.text, lea.memberId).checked).toBe('present');
    expect(rowOf(page.text, lea.memberId).text).toMatch(/Présent par \S+ \S+ le jeudi 26 novembre 2026 à 17h00/);
    expect(rowOf(page.text, sam.memberId).checked).toBe('absent');
    expect(countsOf(page.text)).toEqual({
      booked: before.booked,
      present: before.present + 1,
      absent: before.absent + 1,
      notMarked: before.notMarked - 2,
    });

    // Sam came after all: the change is audited from absent to present; Léa's unchanged mark is not.
    await postSheet(agent, 'restauration', day, { [`presence-${lea.memberId}`]: 'present', [`presence-${sam.memberId}`]: 'present' }).then((res) =>
      expect(res.status).toBe(303),
    );
    const audit = await t.runtime
      .db('audit_log')
      .whereIn('entity_id', [lea.memberId, sam.memberId])
      .andWhere({ action: 'attendance_marked', entity: 'member' })
      .orderBy('id')
      .select('staff_id', 'entity_id', 'family_id', 'before', 'after');
    expect(audit).toEqual([
      {
        staff_id: staff.id,
        entity_id: lea.memberId,
        family_id: lea.familyId,
        before: { activity: 'restauration', day, booked: true, presence: null },
        after: { activity: 'restauration', day, booked: true, presence: 'present' },
      },
      {
        staff_id: staff.id,
        entity_id: sam.memberId,
        family_id: sam.familyId,
        before: { activity: 'restauration', day, booked: true, presence: null },
        after: { activity: 'restauration', day, booked: true, presence: 'absent' },
      },
      {
        staff_id: staff.id,
        entity_id: sam.memberId,
        family_id: sam.familyId,
        before: { activity: 'restauration', day, booked: true, presence: 'absent' },
        after: { activity: 'restauration', day, booked: true, presence: 'present' },
      },
    ]);
    expect(await marksOf([sam.memberId])).toEqual([{ member_id: sam.memberId, day, status: 'present' }]);
  });

  it("refuses a form naming another commune's child, or a mark that is neither present nor absent, and writes nothing", async () => {
    const day = '2026-11-23';
    const agent = await agentOf();
    const mine = await child(['restauration'], { firstName: 'Noé' });
    const elsewhere = await child(['restauration'], { firstName: 'Eva', slug: 'villennes' });
    await book(mine, 'restauration', day);
    await book(elsewhere, 'restauration', day, 'booked', 'villennes');

    const crafted = await postSheet(agent, 'restauration', day, { [`presence-${mine.memberId}`]: 'present', [`presence-${elsewhere.memberId}`]: 'present' });
    expect(crafted.status).toBe(400);
    const $ = html(crafted.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('.error-summary a[href="#field-pointage"]').text()).toContain("n'est pas sur la feuille");
    expect($(`#presence-${mine.memberId}-present`).is(':checked')).toBe(true);

    const badValue = await postSheet(agent, 'restauration', day, { [`presence-${mine.memberId}`]: 'peut-etre' });
    expect(badValue.status).toBe(400);
    expect(html(badValue.text)(`.error-summary a[href="#field-presence-${mine.memberId}"]`).text()).toContain('Présent');

    const nothing = await postSheet(agent, 'restauration', day, {});
    expect(nothing.status).toBe(400);
    expect(html(nothing.text)('.error-summary').text()).toContain('au moins un enfant');

    expect(await marksOf([mine.memberId, elsewhere.memberId])).toEqual([]);
    expect(await t.runtime.db('audit_log').whereIn('entity_id', [mine.memberId, elsewhere.memberId]).andWhere({ action: 'attendance_marked' })).toHaveLength(0);
  });

  it('refuses a closed day and a day still to come', async () => {
    const agent = await agentOf();
    const who = await child(['restauration'], { firstName: 'Paul' });
    await book(who, 'restauration', '2026-11-27');
    const tomorrow = await postSheet(agent, 'restauration', '2026-11-27', { [`presence-${who.memberId}`]: 'present' });
    expect(tomorrow.status).toBe(400);
    expect(html(tomorrow.text)('.error-summary').text()).toContain("pas encore arrivé");
    const wednesday = await postSheet(agent, 'restauration', '2026-11-25', { [`presence-${who.memberId}`]: 'present' });
    expect(wednesday.status).toBe(400);
    expect(html(wednesday.text)('.error-summary').text()).toContain('Ce jour est fermé');
    expect(await marksOf([who.memberId])).toEqual([]);
  });

  it('is for the commune\'s own staff: a parent gets 403, an agent of another commune marks nothing', async () => {
    const day = '2026-11-26';
    const who = await child(['restauration'], { firstName: 'Jules' });
    await book(who, 'restauration', day);

    const parent = (await freshFamily(t, SLUG, { prefix: 'Parent' })).parents[0]!.agent;
    await parent.get(sheetPath('restauration', day)).expect(403);
    await parent.get(`/${SLUG}/admin/pointage.csv?activite=restauration&jour=${day}`).expect(403);
    await parent.get(`/${SLUG}/admin/repas`).expect(403);
    const parentToken = await csrfTokenFrom(parent, `/${SLUG}/tableau-de-bord`);
    await parent
      .post(`/${SLUG}/admin/pointage`)
      .type('form')
      .send({ _csrf: parentToken, activite: 'restauration', jour: day, [`presence-${who.memberId}`]: 'present' })
      .expect(403);

    // Signed in at Villennes, the agent is anonymous at Le Mesnil-Saint-Denis.
    const other = await agentOf('villennes');
    const token = await csrfTokenFrom(other, `/villennes/admin/pointage`);
    const crossed = await other
      .post(`/${SLUG}/admin/pointage`)
      .type('form')
      .send({ _csrf: token, activite: 'restauration', jour: day, [`presence-${who.memberId}`]: 'present' });
    expect([303, 403]).toContain(crossed.status);
    if (crossed.status === 303) expect(crossed.headers.location).toMatch(new RegExp(`^/${SLUG}/connexion`));
    await other.get(sheetPath('restauration', day)).expect(303);

    // And the service itself refuses a staff member of another commune, whoever calls it.
    const { user: villennesAgent } = await demoAgent(t, 'villennes');
    await expect(t.runtime.services.attendance.mark(commune, villennesAgent, 'restauration', day, [{ memberId: who.memberId, status: 'present' }])).rejects.toBeInstanceOf(
      ForbiddenError,
    );
    expect(await marksOf([who.memberId])).toEqual([]);
  });
});

describe('POST /:commune/admin/pointage/sans-reservation', () => {
  it('adds a registered child present without booking, who then appears on the sheet and is audited', async () => {
    const day = '2026-11-20';
    const agent = await agentOf();
    const walkIn = await child(['etude'], { firstName: 'Tim', allergies: 'Lactose' });
    const before = countsOf((await agent.get(sheetPath('etude', day))).text);

    const added = await addWithoutBooking(agent, 'etude', day, walkIn.memberId);
    expect(added.status).toBe(303);
    const page = await agent.get(added.headers.location!).expect(200);
    expect(html(page.text)('.notice--success').text()).toContain(`${walkIn.name} est pointé·e présent·e sans réservation.`);
    const row = rowOf(page.text, walkIn.memberId);
    expect(row.text).toContain('Sans réservation');
    expect(row.text).toContain('Allergies : Lactose');
    expect(row.checked).toBe('present');
    expect(html(page.text)('#field-enfant option').map((_, option) => html(page.text)(option).attr('value')).get()).not.toContain(String(walkIn.memberId));
    expect(countsOf(page.text)).toEqual({ ...before, present: before.present + 1 });
    expect(squash(html(page.text)('#sheet-counts').text())).toMatch(/dont \d+ présents? sans réservation/);
    expect(await marksOf([walkIn.memberId])).toEqual([{ member_id: walkIn.memberId, day, status: 'present' }]);
    const audit = await t.runtime.db('audit_log').where({ entity_id: walkIn.memberId, action: 'attendance_marked' }).select('before', 'after');
    expect(audit).toEqual([
      { before: { activity: 'etude', day, booked: false, presence: null }, after: { activity: 'etude', day, booked: false, presence: 'present' } },
    ]);

    // The same form sent twice adds nothing.
    expect((await addWithoutBooking(agent, 'etude', day, walkIn.memberId)).status).toBe(303);
    expect(await t.runtime.db('audit_log').where({ entity_id: walkIn.memberId, action: 'attendance_marked' })).toHaveLength(1);
  });

  it('refuses a child not registered to the activity, a child already booked, and another commune\'s child', async () => {
    const day = '2026-11-20';
    const agent = await agentOf();
    const notRegistered = await child(['restauration'], { firstName: 'Ali' });
    const booked = await child(['etude'], { firstName: 'Mia' });
    const elsewhere = await child(['etude'], { firstName: 'Ana', slug: 'villennes' });
    await book(booked, 'etude', day);
    for (const who of [notRegistered, booked, elsewhere]) {
      const refused = await addWithoutBooking(agent, 'etude', day, who.memberId);
      expect(refused.status).toBe(400);
      expect(html(refused.text)('.error-summary a[href="#field-enfant"]')).toHaveLength(1);
    }
    expect(await marksOf([notRegistered.memberId, booked.memberId, elsewhere.memberId])).toEqual([]);
  });
});

describe('GET /:commune/admin/pointage.csv', () => {
  it('opens right in a French spreadsheet: BOM, « ; », dd/mm/yyyy, quoted cells', async () => {
    const agent = await agentOf();
    const tricky = await child(['periscolaire-matin'], {
      firstName: 'Élise',
      familyName: unique('Durand; "dit Dudu"'),
      allergies: 'Arachides; "fruits à coque"',
      hasPai: true,
    });
    const plain = await child(['periscolaire-matin'], { firstName: 'Yanis' });
    await book(tricky, 'periscolaire-matin', '2026-11-16');
    await book(plain, 'periscolaire-matin', '2026-11-17');
    await postSheet(agent, 'periscolaire-matin', '2026-11-16', { [`presence-${tricky.memberId}`]: 'present' }).then((res) => expect(res.status).toBe(303));

    const day = await agent.get(`/${SLUG}/admin/pointage.csv?activite=periscolaire-matin&jour=2026-11-16`).buffer(true).parse(asBytes).expect(200);
    expect(day.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(day.headers['content-disposition']).toBe('attachment; filename="pointage-periscolaire-matin-2026-11-16.csv"');
    const bytes = day.body as Buffer;
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8');
    expect(text.slice(1).split('\r\n')[0]).toBe("Date;Activité;Enfant;Famille;Dossier;Réservé;Présence;Liste d'attente;PAI;Allergies;Scolarité;Pointé par;Pointé le");
    const line = text.split('\r\n').find((candidate) => candidate.includes('Élise'))!;
    expect(line.startsWith('16/11/2026;')).toBe(true);
    expect(line).toContain(`"${tricky.familyName.replace(/"/g, '""')}"`);
    expect(line).toContain('"Arachides; ""fruits à coque"""');

    const rows = parse(bytes, { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];
    const mine = rows.find((row) => row.Enfant === tricky.name)!;
    expect(mine).toMatchObject({
      Date: '16/11/2026',
      Activité: 'Accueil périscolaire du matin',
      Famille: tricky.familyName,
      Dossier: tricky.reference,
      Réservé: 'Oui',
      Présence: 'Présent',
      PAI: 'Oui',
      Allergies: 'Arachides; "fruits à coque"',
      'Pointé le': '26/11/2026 17:00',
    });
    expect(rows.find((row) => row.Enfant === plain.name)).toBeUndefined();

    const period = await agent
      .get(`/${SLUG}/admin/pointage.csv?activite=periscolaire-matin&du=16/11/2026&au=2026-11-17`)
      .buffer(true)
      .parse(asBytes)
      .expect(200);
    expect(period.headers['content-disposition']).toBe('attachment; filename="pointage-periscolaire-matin-2026-11-16_2026-11-17.csv"');
    const periodRows = parse(period.body as Buffer, { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];
    expect(periodRows.find((row) => row.Enfant === plain.name)).toMatchObject({ Date: '17/11/2026', Réservé: 'Oui', Présence: 'Non pointé', PAI: 'Non' });
  });

  it('answers 400 to a bad period and 404 to an unknown activity', async () => {
    const agent = await agentOf();
    await agent.get(`/${SLUG}/admin/pointage.csv?activite=restauration&du=2026-11-20&au=2026-11-10`).expect(400);
    await agent.get(`/${SLUG}/admin/pointage.csv?activite=restauration&jour=2026-13-01`).expect(400);
    await agent.get(`/${SLUG}/admin/pointage.csv?activite=piscine&jour=2026-11-20`).expect(404);
  });
});

describe('GET /:commune/admin/repas', () => {
  // Week 2027-W03, 18–22 January 2027: well away from the days the other suites book.
  const MONDAY = '2027-01-18';
  const TUESDAY = '2027-01-19';

  async function expectedCounts(day: string) {
    const [row] = await t.runtime
      .db('bookings as b')
      .join('members as m', 'm.id', 'b.member_id')
      .where({ 'b.commune_id': commune.id, 'b.activity_id': await activityIdOf('restauration'), 'b.day': day, 'b.status': 'booked' })
      .select(
        t.runtime.db.raw('count(*) AS booked'),
        t.runtime.db.raw('count(*) FILTER (WHERE m.has_pai) AS pai'),
        t.runtime.db.raw(`count(*) FILTER (WHERE coalesce(btrim(m.allergies), '') <> '') AS allergies`),
      );
    return [String(row.booked), String(row.pai), String(row.allergies)];
  }

  function mealRow(page: string, day: string) {
    const $ = html(page);
    return $(`tr[data-day="${day}"] td`)
      .map((_, td) => squash($(td).text()))
      .get();
  }

  it('counts the canteen bookings per day, with PAI and allergies, and nothing else', async () => {
    const agent = await agentOf();
    const before = mealRow((await agent.get(`/${SLUG}/admin/repas?semaine=2027-W03`).expect(200)).text, MONDAY);

    const pai = await child(['restauration'], { hasPai: true });
    const allergic = await child(['restauration'], { allergies: 'Gluten' });
    const both = await child(['restauration'], { hasPai: true, allergies: 'Œuf' });
    const none = await child(['restauration']);
    const waiting = await child(['restauration'], { hasPai: true });
    const cancelled = await child(['restauration'], { allergies: 'Kiwi' });
    const otherActivity = await child(['etude'], { hasPai: true });
    for (const who of [pai, allergic, both, none]) await book(who, 'restauration', MONDAY);
    await book(none, 'restauration', TUESDAY);
    await book(waiting, 'restauration', MONDAY, 'waiting');
    await book(cancelled, 'restauration', MONDAY, 'cancelled');
    await book(otherActivity, 'etude', MONDAY);

    const page = await agent.get(`/${SLUG}/admin/repas?semaine=2027-W03`).expect(200);
    const $ = html(page.text);
    expect(squash($('h2#repas-titre').text())).toBe('Semaine du lundi 18 janvier 2027 au vendredi 22 janvier 2027');
    expect($('tr[data-day]').map((_, tr) => $(tr).attr('data-day')).get()).toEqual(['2027-01-18', '2027-01-19', '2027-01-20', '2027-01-21', '2027-01-22']);
    const monday = mealRow(page.text, MONDAY);
    expect(monday).toEqual(['Ouvert', ...(await expectedCounts(MONDAY))]);
    expect(monday.slice(1).map(Number)).toEqual([Number(before[1]) + 4, Number(before[2]) + 2, Number(before[3]) + 2]);
    expect(mealRow(page.text, TUESDAY)).toEqual(['Ouvert', ...(await expectedCounts(TUESDAY))]);
    expect(mealRow(page.text, '2027-01-20')[0]).toBe("Fermé Pas d'accueil ce jour-là");

    const csv = await agent.get(`/${SLUG}/admin/repas.csv?semaine=2027-W03`).buffer(true).parse(asBytes).expect(200);
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toBe('attachment; filename="repas-2027-W03.csv"');
    expect([...(csv.body as Buffer).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parse(csv.body as Buffer, { bom: true, delimiter: ';', columns: true }) as Record<string, string>[];
    expect(rows.map((row) => row.Date)).toEqual(['18/01/2027', '19/01/2027', '20/01/2027', '21/01/2027', '22/01/2027']);
    expect(rows[0]).toEqual({
      Date: '18/01/2027',
      Jour: 'lundi',
      Accueil: 'Ouvert',
      'Repas réservés': monday[1],
      'Dont PAI': monday[2],
      'Dont allergies': monday[3],
    });
    expect(rows[2]!.Accueil).toBe("Fermé : Pas d'accueil ce jour-là");
  });

  it('makes as many queries for four weeks as for one (no query per day)', async () => {
    const agent = await agentOf();
    let queries = 0;
    const count = () => {
      queries += 1;
    };
    t.runtime.db.on('query', count);
    try {
      await agent.get(`/${SLUG}/admin/repas?semaine=2027-W03`).expect(200);
      const week = queries;
      queries = 0;
      await agent.get(`/${SLUG}/admin/repas?du=2027-01-04&au=2027-01-29`).expect(200);
      expect(queries).toBe(week);
    } finally {
      t.runtime.db.removeListener('query', count);
    }
  });

  it('refuses a period longer than three months, and a week that does not exist', async () => {
    const agent = await agentOf();
    const long = await agent.get(`/${SLUG}/admin/repas?du=2027-01-01&au=2027-06-30`).expect(400);
    expect(html(long.text)('.error-summary').text()).toContain('93 jours');
    await agent.get(`/${SLUG}/admin/repas?semaine=2027-W60`).expect(400);
    await agent.get(`/${SLUG}/admin/repas.csv?du=2027-01-01&au=2027-06-30`).expect(400);
  });
});

describe('the sheet page', () => {
  it('makes as many queries for five children as for one', async () => {
    const agent = await agentOf();
    const day = '2026-11-17';
    const solo = await child(['etude']);
    await book(solo, 'etude', day);
    const many = await Promise.all(Array.from({ length: 5 }, () => child(['periscolaire-soir'])));
    for (const who of many) await book(who, 'periscolaire-soir', day);

    let queries = 0;
    const count = () => {
      queries += 1;
    };
    t.runtime.db.on('query', count);
    try {
      await agent.get(sheetPath('etude', day)).expect(200);
      const one = queries;
      queries = 0;
      await agent.get(sheetPath('periscolaire-soir', day)).expect(200);
      expect(queries).toBe(one);
    } finally {
      t.runtime.db.removeListener('query', count);
    }
  });
});
