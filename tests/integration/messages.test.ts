import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoAgent, freshFamily, postForm, withFeatureOff, type FreshFamily } from '../support/fresh-family.ts';
import { hiddenFieldsOf, twice, TWICE } from '../support/repeated-forms.ts';
import { buildTestApp, countMailsTo, csrfTokenFrom, html, lastMailTo, unique, type TestApp } from '../support/test-app.ts';

const SLUG = 'lemesnilsaintdenis';
const NOW = new Date('2026-11-23T09:00:00+01:00');

let t: TestApp;
let staff: request.Agent;

beforeAll(async () => {
  t = buildTestApp(NOW);
  staff = (await demoAgent(t, SLUG)).agent;
});
afterAll(() => t.close());

const newMessagePage = (familyId: number, slug = SLUG) => `/${slug}/admin/messages/nouveau?famille=${familyId}`;

/** Staff write to a family through the back-office form; answers the new message's id. */
async function sendMessage(family: FreshFamily, subject: string, body = 'Bonjour,\nMerci de nous rappeler.') {
  const page = newMessagePage(family.familyId);
  const response = await staff.post(page).type('form').send({ ...(await hiddenFieldsOf(staff, page)), objet: subject, message: body });
  expect(response.status).toBe(303);
  // Threads (issue 13): the message opens a thread, and the thread is what the family opens.
  const row = await t.runtime.db('message_threads').where({ family_id: family.familyId, subject }).first();
  return row.id as number;
}

const dashboardUnread = async (agent: request.Agent) =>
  html((await agent.get(`/${SLUG}/tableau-de-bord`).expect(200)).text)('section[aria-labelledby="messages-title"] p')
    .text()
    .replace(/\s+/g, ' ')
    .trim();

describe('POST /:commune/admin/messages/nouveau', () => {
  let family: FreshFamily;
  beforeAll(async () => {
    family = await freshFamily(t, SLUG, { guardians: 2, prefix: 'Roux' });
  });

  it('shows who will be told, then stores the message, e-mails each guardian once and audits it', async () => {
    const form = html((await staff.get(newMessagePage(family.familyId)).expect(200)).text);
    expect(form('h1').text()).toBe(`Écrire à la famille ${family.name}`);
    for (const parent of family.parents) expect(form('main').text()).toContain(parent.email);

    const subject = unique('Dossier incomplet');
    const id = await sendMessage(family, subject, 'Il manque l’attestation d’assurance.\nMerci de la déposer avant vendredi.');

    const stored = await t.runtime.db('messages').where({ thread_id: id }).first();
    expect(stored).toMatchObject({ family_id: family.familyId, read_at: null, body: 'Il manque l’attestation d’assurance.\nMerci de la déposer avant vendredi.' });
    for (const parent of family.parents) {
      expect(await countMailsTo(t, parent.email, 'message_received')).toBe(1);
      const mail = await lastMailTo(t, parent.email);
      expect(mail.text).toContain(`« ${subject} »`);
      expect(mail.text).not.toContain('attestation d’assurance');
      expect(mail.path).toBe(`/${SLUG}/messages/${id}`);
    }
    const audit = await t.runtime.db('audit_log').where({ entity: 'message', entity_id: stored.id }).first();
    expect(audit).toMatchObject({ action: 'message_sent', family_id: family.familyId });

    const list = html((await staff.get(`/${SLUG}/admin/messages?famille=${family.familyId}`).expect(200)).text);
    expect(list('[role="status"]').text()).toContain(`Message envoyé à la famille ${family.name}.`);
    expect(list('main table tbody tr').first().text()).toContain(subject);
    expect(list('main table tbody tr').first().text()).toContain('Non lu');
  });

  it.each(TWICE)('sends a form posted twice %s only once, and answers both times as the first', async (how) => {
    const page = newMessagePage(family.familyId);
    const hidden = await hiddenFieldsOf(staff, page);
    const subject = unique('Double clic');
    const mailsBefore = await countMailsTo(t, family.parents[0]!.email, 'message_received');
    const answers = await twice(how, () => staff.post(page).type('form').send({ ...hidden, objet: subject, message: 'Une seule fois.' }));
    expect(answers.map((answer) => [answer.status, answer.headers.location])).toEqual([
      [303, `/${SLUG}/admin/messages?famille=${family.familyId}`],
      [303, `/${SLUG}/admin/messages?famille=${family.familyId}`],
    ]);
    const list = html((await staff.get(answers[1]!.headers.location!).expect(200)).text);
    expect(list('[role="status"]').text()).toContain(`Message envoyé à la famille ${family.name}.`);
    expect(await t.runtime.db('message_threads').where({ subject })).toHaveLength(1);
    expect(await countMailsTo(t, family.parents[0]!.email, 'message_received')).toBe(mailsBefore + 1);
  });

  it('refuses an empty subject or text with 400, field messages and the values kept, and sends nothing', async () => {
    const page = newMessagePage(family.familyId);
    const before = (await t.runtime.db('messages').where({ family_id: family.familyId })).length;
    const response = await postForm(staff, page, page, { objet: 'Un objet gardé', message: '  ' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('.error-summary a').attr('href')).toBe('#field-message');
    expect($('#error-message').text()).toContain('Saisissez le texte du message');
    expect($('#field-objet').val()).toBe('Un objet gardé');
    expect(await t.runtime.db('messages').where({ family_id: family.familyId })).toHaveLength(before);
  });

  it("answers 404 for an unknown family or another commune's family", async () => {
    await staff.get(`/${SLUG}/admin/messages/nouveau`).expect(404);
    await staff.get(`/${SLUG}/admin/messages/nouveau?famille=abc`).expect(404);
    const villennes = await freshFamily(t, 'villennes', { prefix: 'Ailleurs' });
    await staff.get(newMessagePage(villennes.familyId)).expect(404);
    const _csrf = await csrfTokenFrom(staff, `/${SLUG}/admin/messages`);
    await staff
      .post(newMessagePage(villennes.familyId))
      .type('form')
      .send({ _csrf, idempotency_key: crypto.randomUUID(), objet: 'Égaré', message: 'Égaré' })
      .expect(404);
    expect(await t.runtime.db('messages').where({ family_id: villennes.familyId })).toHaveLength(0);
  });

  it('is not for parents', async () => {
    await family.parents[0]!.agent.get(newMessagePage(family.familyId)).expect(403);
  });
});

describe('GET /:commune/messages', () => {
  let family: FreshFamily;
  let older: number;
  let newer: number;
  let subjects: { older: string; newer: string };

  beforeAll(async () => {
    family = await freshFamily(t, SLUG, { guardians: 2, prefix: 'Petit' });
    subjects = { older: unique('Rentrée'), newer: unique('Facture') };
    t.clock.set(new Date('2026-11-20T10:00:00+01:00'));
    older = await sendMessage(family, subjects.older);
    t.clock.set(NOW);
    newer = await sendMessage(family, subjects.newer);
  });

  const listed = async (agent: request.Agent) => {
    const $ = html((await agent.get(`/${SLUG}/messages`).expect(200)).text);
    return $('main .message-list li')
      .map((_, item) => ({ subject: $(item).find('h2').text().trim(), status: $(item).find('.tag').text().trim() }))
      .get();
  };

  it('lists the family’s messages, unread ones flagged in words', async () => {
    expect(await listed(family.parents[0]!.agent)).toEqual([
      { subject: subjects.newer, status: 'Non lu' },
      { subject: subjects.older, status: 'Non lu' },
    ]);
    expect(await dashboardUnread(family.parents[1]!.agent)).toBe('Vous avez 2 messages non lus. Lire mes messages');
  });

  it('opens a message, marks it read for the whole family, and the unread count drops', async () => {
    const page = await family.parents[1]!.agent.get(`/${SLUG}/messages/${older}`).expect(200);
    const $ = html(page.text);
    expect($('h1').text()).toBe(subjects.older);
    expect($('.bubble__body p').map((_, p) => $(p).text()).get()).toEqual(['Bonjour,', 'Merci de nous rappeler.']);

    // Unread first: the older message, now read, goes after the newer one still unread.
    expect(await listed(family.parents[0]!.agent)).toEqual([
      { subject: subjects.newer, status: 'Non lu' },
      { subject: subjects.older, status: 'Lu' },
    ]);
    expect(await dashboardUnread(family.parents[0]!.agent)).toBe('Vous avez 1 message non lu. Lire mes messages');
    const stored = await t.runtime.db('messages').where({ thread_id: older }).first();
    expect(stored.read_by).toBe(family.parents[1]!.user.id);

    await family.parents[0]!.agent.get(`/${SLUG}/messages/${newer}`).expect(200);
    expect(await dashboardUnread(family.parents[0]!.agent)).toBe('Aucun message non lu. Voir mes messages');
    // A second reading keeps the first reader.
    await family.parents[0]!.agent.get(`/${SLUG}/messages/${older}`).expect(200);
    expect((await t.runtime.db('messages').where({ thread_id: older }).first()).read_by).toBe(family.parents[1]!.user.id);
  });

  it("answers 404 to another family, and at another commune, and leaves the message unread", async () => {
    const subject = unique('Privé');
    const id = await sendMessage(family, subject);
    const other = await freshFamily(t, SLUG, { prefix: 'Voisin' });
    const page = await other.parents[0]!.agent.get(`/${SLUG}/messages/${id}`).expect(404);
    expect(page.text).not.toContain(subject);
    expect(await listed(other.parents[0]!.agent)).toEqual([]);

    const elsewhere = await freshFamily(t, 'villennes', { prefix: 'Loin' });
    await elsewhere.parents[0]!.agent.get(`/villennes/messages/${id}`).expect(404);
    // The family's own session is anonymous at another commune.
    await family.parents[0]!.agent.get(`/villennes/messages/${id}`).expect(303);
    await family.parents[0]!.agent.get(`/${SLUG}/messages/999999999`).expect(404);
    await family.parents[0]!.agent.get(`/${SLUG}/messages/abc`).expect(404);

    expect((await t.runtime.db('messages').where({ thread_id: id }).first()).read_at).toBeNull();
  });

  it('is behind the sign-in', async () => {
    const response = await request(t.app).get(`/${SLUG}/messages/${older}`).expect(303);
    expect(response.headers.location).toBe(`/${SLUG}/connexion?retour=${encodeURIComponent(`/${SLUG}/messages/${older}`)}`);
  });

  it('answers 404 everywhere where the commune has switched messages off', async () => {
    await withFeatureOff(t, SLUG, 'messages', async () => {
      const parent = family.parents[0]!.agent;
      await parent.get(`/${SLUG}/messages`).expect(404);
      await parent.get(`/${SLUG}/messages/${newer}`).expect(404);
      await staff.get(newMessagePage(family.familyId)).expect(404);
      await staff.get(`/${SLUG}/admin/messages`).expect(404);
      const dashboard = html((await parent.get(`/${SLUG}/tableau-de-bord`).expect(200)).text);
      expect(dashboard('#messages-title')).toHaveLength(0);
      expect(dashboard(`a[href="/${SLUG}/messages"]`)).toHaveLength(0);
    });
    await family.parents[0]!.agent.get(`/${SLUG}/messages`).expect(200);
  });
});
