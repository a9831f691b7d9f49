import request from 'supertest';
import * as cheerio from 'cheerio';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addChild, communeOf, demoAgent, freshFamily, userByEmail, type FreshFamily } from '../support/fresh-family.ts';
import { smallPdf } from '../support/small-pdf.ts';
import { buildTestApp, countMailsTo, csrfTokenFrom, DEMO, html, lastMailTo, signIn, unique, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026, 09:00 in Paris.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const SLUG = 'lemesnilsaintdenis';
const SERVICE_ADDRESS = 'enfance-education@lemesnilsaintdenis.fr';
// « Service Enfance-Éducation » in the commune file, as a sentence starts with it.
const SERVICE_AUTHOR = 'Le Service Enfance-Éducation';
const SUBJECTS = [
  'Inscriptions',
  'Accueil périscolaire et mercredis',
  'Restauration scolaire',
  'Réservations et annulations',
  'Facturation, paiement et prélèvement',
  'Documents',
  'Autre',
];

let t: TestApp;
let staff: request.Agent;
let staffId: number;

beforeAll(async () => {
  t = buildTestApp(NOW);
  const agent = await demoAgent(t, SLUG);
  staff = agent.agent;
  staffId = agent.user.id;
});
afterAll(() => t.close());
beforeEach(() => t.clock.set(NOW));

const db = () => t.runtime.db;

interface Upload {
  content: Buffer;
  filename: string;
  contentType: string;
}

/** The hidden fields (CSRF token, one-time key) of the page's form posting to `action`. */
async function hiddenFields(agent: request.Agent, page: string, action: string): Promise<Record<string, string>> {
  const $ = html((await agent.get(page).expect(200)).text);
  const form = $(`main form[action="${action}"]`).last();
  if (!form.length) throw new Error(`no form to ${action} on ${page}`);
  return Object.fromEntries(form.find('input[type="hidden"]').map((_, input) => [[$(input).attr('name')!, String($(input).val() ?? '')]]).get() as [string, string][]);
}

/** Posts a multipart form as a browser does: the hidden fields first, the file last. */
function postMultipart(agent: request.Agent, action: string, hidden: Record<string, string>, fields: Record<string, string>, file?: Upload) {
  let req = agent.post(action);
  for (const [name, value] of Object.entries({ ...hidden, ...fields })) req = req.field(name, value);
  if (file) req = req.attach('piece_jointe', file.content, { filename: file.filename, contentType: file.contentType });
  return req;
}

const CONTACT = `/${SLUG}/contact`;

async function writeToService(agent: request.Agent, fields: Record<string, string>, file?: Upload, hidden?: Record<string, string>) {
  return postMultipart(agent, CONTACT, hidden ?? (await hiddenFields(agent, CONTACT, CONTACT)), fields, file);
}

const threadPage = (threadId: number) => `/${SLUG}/messages/${threadId}`;
const staffThreadPage = (threadId: number) => `/${SLUG}/admin/messages/${threadId}`;

async function reply(agent: request.Agent, threadId: number, message: string, file?: Upload) {
  const page = threadPage(threadId);
  return postMultipart(agent, page, await hiddenFields(agent, page, page), { message }, file);
}

async function answer(threadId: number, message: string, agent = staff) {
  const page = staffThreadPage(threadId);
  const hidden = await hiddenFields(agent, page, page);
  return agent.post(page).type('form').send({ ...hidden, message });
}

/** The thread id of the page a POST redirected to. */
const threadIdOf = (response: request.Response) => Number(/\/messages\/(\d+)/.exec(response.headers.location ?? '')![1]);

const count = async (table: string, where: Record<string, unknown>) =>
  Number((await db()(table).where(where).count<{ count: string }[]>('* as count'))[0]!.count);

const written = async (family: FreshFamily) => ({
  threads: await count('message_threads', { family_id: family.familyId }),
  messages: await count('messages', { family_id: family.familyId }),
  files: await count('stored_files', { family_id: family.familyId }),
});

const pdf = async (name = 'ordonnance.pdf'): Promise<Upload> => ({
  content: await smallPdf('Certificat médical : éviction de 3 jours.'),
  filename: name,
  // The browser's claim is not what decides the type.
  contentType: 'text/html',
});

const squash = (text: string) => text.replace(/\s+/g, ' ').trim();

/** The « Messages » link of the navigation: what is shown and what a screen reader hears. */
async function navMessages(agent: request.Agent, page: string, href: string) {
  const $ = html((await agent.get(page).expect(200)).text);
  const link = $(`.site-nav a[href="${href}"]`);
  return { text: squash(link.text()), shown: squash(link.find('[aria-hidden="true"]').text()), words: squash(link.find('.visually-hidden').text()) };
}

/** Each message of a thread page: who wrote, when, and the text. */
function bubbles(page: string) {
  const $ = cheerio.load(page);
  return $('main .conversation > li')
    .map((_, item) => ({
      author: squash($(item).find('.bubble__meta strong').text()),
      time: squash($(item).find('time').text()),
      text: $(item)
        .find('.bubble__body p')
        .map((__, p) => $(p).text())
        .get()
        .join('\n'),
      mine: $(item).hasClass('bubble--mine'),
      attachment: $(item).find('.bubble__attachment a').attr('href'),
    }))
    .get();
}

describe('GET /:commune/contact', () => {
  it("offers the commune's subjects and the family's children", async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Choix' });
    await addChild(t, family, 'Jade');
    const $ = html((await family.parents[0]!.agent.get(CONTACT).expect(200)).text);
    expect($('h1').text()).toBe('Écrire au service');
    expect($('#field-objet option').map((_, option) => $(option).attr('value')).get()).toEqual(['', ...SUBJECTS]);
    expect($('#field-enfant option').map((_, option) => $(option).text()).get()).toEqual(['Toute la famille', `Jade ${family.name}`]);
    expect($('main form').attr('enctype')).toBe('multipart/form-data');
    expect($('input[name="idempotency_key"]')).toHaveLength(1);
  });

  it('is for signed-in guardians only', async () => {
    await request(t.app).get(CONTACT).expect(303);
    await staff.get(CONTACT).expect(403);
  });
});

describe('POST /:commune/contact', () => {
  let family: FreshFamily;
  let childId: number;
  beforeAll(async () => {
    family = await freshFamily(t, SLUG, { guardians: 2, prefix: 'Ecrit' });
    childId = await addChild(t, family, 'Jade');
  });

  it("opens a thread of the family waiting for the service, tells the service's mailbox without the text, and reads like a conversation", async () => {
    const mailsBefore = await countMailsTo(t, SERVICE_ADDRESS, 'message_from_family');
    const response = await writeToService(family.parents[0]!.agent, {
      objet: 'Restauration scolaire',
      enfant: String(childId),
      message: 'Bonjour,\nJade ne mange pas de porc : pouvez-vous le noter ?',
    });
    expect(response.status).toBe(303);
    const threadId = threadIdOf(response);
    expect(response.headers.location).toBe(threadPage(threadId));

    const thread = await db()('message_threads').where({ id: threadId }).first();
    expect(thread).toMatchObject({ family_id: family.familyId, subject: 'Restauration scolaire', member_id: childId, last_author_role: 'parent', closed_at: null });
    const [message] = await db()('messages').where({ thread_id: threadId });
    expect(message).toMatchObject({ author_role: 'parent', sent_by: family.parents[0]!.user.id, read_at: null, attachment_file_id: null });

    expect(await countMailsTo(t, SERVICE_ADDRESS, 'message_from_family')).toBe(mailsBefore + 1);
    const mail = await lastMailTo(t, SERVICE_ADDRESS);
    expect(mail.text).toContain(`La famille ${family.name} a écrit au service : « Restauration scolaire »`);
    expect(mail.text).not.toContain('porc');
    expect(mail.path).toBe(staffThreadPage(threadId));

    const page = await family.parents[0]!.agent.get(threadPage(threadId)).expect(200);
    const $ = html(page.text);
    expect($('h1').text()).toBe('Restauration scolaire');
    expect($('.lead').first().text()).toBe(`Au sujet de Jade ${family.name}`);
    expect(bubbles(page.text)).toEqual([
      { author: 'Vous', time: 'lundi 23 novembre 2026 à 09 h 00', text: 'Bonjour,\nJade ne mange pas de porc : pouvez-vous le noter ?', mine: true, attachment: undefined },
    ]);

    // The thread is the family's: the other guardian sees it, with the writer's name.
    const other = await family.parents[1]!.agent.get(threadPage(threadId)).expect(200);
    expect(bubbles(other.text)[0]).toMatchObject({ author: `Anne ${family.name}`, mine: false });
    const list = html((await family.parents[1]!.agent.get(`/${SLUG}/messages`).expect(200)).text);
    expect(squash(list('main .message-list li').first().text())).toContain('En attente de la réponse du service');
  });

  it('takes the form of a family without children, which has no « Au sujet de »', async () => {
    const childless = await freshFamily(t, SLUG, { prefix: 'Sansenfant' });
    const form = html((await childless.parents[0]!.agent.get(CONTACT).expect(200)).text);
    expect(form('#field-enfant')).toHaveLength(0);
    const response = await writeToService(childless.parents[0]!.agent, { objet: 'Inscriptions', message: 'Nous arrivons dans la commune.' });
    expect(response.status).toBe(303);
    expect(await db()('message_threads').where({ family_id: childless.familyId, member_id: null })).toHaveLength(1);
  });

  it('keeps a PDF sent with the message, downloadable by both guardians as an attachment of its detected type', async () => {
    const file = await pdf();
    const response = await writeToService(family.parents[1]!.agent, { objet: 'Documents', enfant: '', message: 'Voici le certificat.' }, file);
    expect(response.status).toBe(303);
    const threadId = threadIdOf(response);
    const [message] = await db()('messages').where({ thread_id: threadId });
    expect(message.attachment_file_id).not.toBeNull();
    const stored = await db()('stored_files').where({ id: message.attachment_file_id }).first();
    expect(stored).toMatchObject({ family_id: family.familyId, detected_type: 'application/pdf', original_name: 'ordonnance.pdf', size: file.content.length });

    const link = bubbles((await family.parents[0]!.agent.get(threadPage(threadId)).expect(200)).text)[0]!.attachment!;
    expect(link).toBe(`${threadPage(threadId)}/pieces-jointes/${message.id}`);
    for (const parent of family.parents) {
      const download = await parent.agent.get(link).buffer(true).expect(200);
      expect(download.headers['content-type']).toBe('application/pdf');
      expect(download.headers['content-disposition']).toMatch(/^attachment; filename="?ordonnance\.pdf"?$/);
      expect(download.headers['x-content-type-options']).toBe('nosniff');
      expect(Buffer.compare(download.body as Buffer, file.content)).toBe(0);
    }
  });

  it('refuses a file that is not a PDF, JPEG or PNG, or over 5 MB, with the message by the field and the form filled in, and writes nothing', async () => {
    const before = await written(family);
    const html5 = { content: Buffer.from('<!doctype html><script>alert(1)</script>'), filename: 'certificat.pdf', contentType: 'application/pdf' };
    const refused = await writeToService(family.parents[0]!.agent, { objet: 'Documents', enfant: String(childId), message: 'Le certificat est joint.' }, html5);
    expect(refused.status).toBe(400);
    const $ = html(refused.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual(['#field-piece_jointe']);
    expect($('#error-piece_jointe').text()).toContain('Le fichier doit être un PDF, une image JPEG ou PNG');
    expect($('#field-objet option[selected]').attr('value')).toBe('Documents');
    expect($('#field-enfant option[selected]').attr('value')).toBe(String(childId));
    expect($('#field-message').text()).toBe('Le certificat est joint.');

    const big = { content: Buffer.concat([await smallPdf('gros'), Buffer.alloc(6 * 1024 * 1024, 32)]), filename: 'scan.pdf', contentType: 'application/pdf' };
    const tooLarge = await writeToService(family.parents[0]!.agent, { objet: 'Documents', enfant: '', message: 'Le scan est joint.' }, big);
    expect(tooLarge.status).toBe(400);
    expect(html(tooLarge.text)('#error-piece_jointe').text()).toContain('dépasse 5 Mo');

    expect(await written(family)).toEqual(before);
  });

  it("refuses an unknown subject, an empty message and another family's child, all listed at once, and writes nothing", async () => {
    const other = await freshFamily(t, SLUG, { prefix: 'Autre' });
    const otherChild = await addChild(t, other, 'Lou');
    const before = await written(family);
    const response = await writeToService(family.parents[0]!.agent, { objet: 'Piratage', enfant: String(otherChild), message: '   ' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual(['#field-objet', '#field-enfant', '#field-message']);
    expect($('#error-objet').text()).toContain("Choisissez l'objet de votre message");
    expect($('#error-enfant').text()).toContain('Choisissez un de vos enfants');
    expect($('#error-message').text()).toContain('Écrivez votre message');

    const long = await writeToService(family.parents[0]!.agent, { objet: 'Autre', enfant: '', message: 'a'.repeat(5001) });
    expect(long.status).toBe(400);
    expect(html(long.text)('#error-message').text()).toContain('5001 caractères');
    expect(await written(family)).toEqual(before);
  });

  it('takes a message of 5 000 characters of 3 bytes each in UTF-8 (€) sent with a file', async () => {
    const body = `${unique('Long')} ${'€'.repeat(4970)}`;
    const response = await writeToService(family.parents[0]!.agent, { objet: 'Autre', enfant: '', message: body }, await pdf());
    expect(response.status).toBe(303);
    expect((await db()('messages').where({ thread_id: threadIdOf(response) }).first()).body).toBe(body);
  });

  it('sends the message without a file when the file input was left empty, as a browser posts it', async () => {
    const agent = family.parents[0]!.agent;
    const hidden = await hiddenFields(agent, CONTACT, CONTACT);
    let req = agent.post(CONTACT);
    for (const [name, value] of Object.entries({ ...hidden, objet: 'Autre', enfant: '', message: 'Sans fichier' })) req = req.field(name, value);
    // A browser sends the empty input as a part with an empty file name and no content.
    const response = await req.attach('piece_jointe', Buffer.alloc(0), { filename: '', contentType: 'application/octet-stream' });
    expect(response.status).toBe(303);
    expect((await db()('messages').where({ thread_id: threadIdOf(response) }).first()).attachment_file_id).toBeNull();
  });

  it('opens one thread for a form posted twice', async () => {
    const hidden = await hiddenFields(family.parents[0]!.agent, CONTACT, CONTACT);
    const body = unique('Double clic');
    const first = await writeToService(family.parents[0]!.agent, { objet: 'Autre', enfant: '', message: body }, undefined, hidden);
    const second = await writeToService(family.parents[0]!.agent, { objet: 'Autre', enfant: '', message: body }, undefined, hidden);
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await db()('messages').where({ body })).toHaveLength(1);
  });

  it('refuses a form without its CSRF token', async () => {
    const before = await written(family);
    const { _csrf, ...hidden } = await hiddenFields(family.parents[0]!.agent, CONTACT, CONTACT);
    expect(_csrf).toBeTruthy();
    const response = await writeToService(family.parents[0]!.agent, { objet: 'Autre', enfant: '', message: 'Sans jeton' }, await pdf(), hidden);
    expect(response.status).toBe(403);
    expect(await written(family)).toEqual(before);
  });

  it('escapes what families write', async () => {
    const response = await writeToService(family.parents[0]!.agent, { objet: 'Autre', enfant: '', message: '<script>alert("x")</script> & <b>gras</b>' });
    const threadId = threadIdOf(response);
    for (const [agent, page] of [
      [family.parents[0]!.agent, threadPage(threadId)],
      [staff, staffThreadPage(threadId)],
    ] as const) {
      const text = (await agent.get(page).expect(200)).text;
      expect(text).not.toContain('<script>alert');
      expect(text).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;gras&lt;/b&gt;');
    }
  });
});

describe('the staff inbox and answers', () => {
  let waitingFirst: FreshFamily;
  let waitingLater: FreshFamily;
  let answered: FreshFamily;
  const ids = { first: 0, later: 0, answered: 0 };

  beforeAll(async () => {
    waitingFirst = await freshFamily(t, SLUG, { guardians: 2, prefix: 'Attente' });
    waitingLater = await freshFamily(t, SLUG, { prefix: 'Plustard' });
    answered = await freshFamily(t, SLUG, { prefix: 'Repondu' });
    t.clock.set(new Date('2026-11-20T08:00:00+01:00'));
    ids.first = threadIdOf(await writeToService(waitingFirst.parents[0]!.agent, { objet: 'Facturation, paiement et prélèvement', enfant: '', message: 'Ma facture de novembre me semble fausse.' }));
    t.clock.set(new Date('2026-11-21T08:00:00+01:00'));
    ids.later = threadIdOf(await writeToService(waitingLater.parents[0]!.agent, { objet: 'Inscriptions', enfant: '', message: 'Comment inscrire mon fils ?' }));
    // Staff started this one last: the newest activity, but nobody waits for an answer.
    t.clock.set(new Date('2026-11-22T08:00:00+01:00'));
    const sent = await t.runtime.services.messages.send(answered.commune, (await demoAgent(t, SLUG)).user, {
      familyId: answered.familyId,
      subject: unique('Rentrée'),
      body: 'Bonjour',
    });
    ids.answered = sent.threadId!;
  });

  it('lists the threads waiting for an answer first, the longest wait on top, and counts them in the navigation', async () => {
    const $ = html((await staff.get(`/${SLUG}/admin/messages`).expect(200)).text);
    const rows = $('main table tbody tr')
      .map((_, row) => ({ href: $(row).find('td').eq(2).find('a').attr('href'), state: squash($(row).find('td').first().text()) }))
      .get();
    const position = (id: number) => rows.findIndex((row) => row.href === staffThreadPage(id));
    expect(position(ids.first)).toBeGreaterThanOrEqual(0);
    expect(position(ids.first)).toBeLessThan(position(ids.later));
    expect(position(ids.later)).toBeLessThan(position(ids.answered));
    expect(rows[position(ids.first)]!.state).toBe('À répondre Nouveau');
    expect(rows[position(ids.answered)]!.state).toBe('Répondu');
    // Every waiting thread comes before every other.
    const lastWaiting = Math.max(...rows.map((row, index) => (row.state.startsWith('À répondre') ? index : -1)));
    const firstOther = rows.findIndex((row) => !row.state.startsWith('À répondre'));
    expect(lastWaiting).toBeLessThan(firstOther);

    const commune = await communeOf(t, SLUG);
    const unanswered = Number(
      (await db()('message_threads').where({ commune_id: commune.id, last_author_role: 'parent' }).whereNull('closed_at').count<{ count: string }[]>('* as count'))[0]!.count,
    );
    expect(unanswered).toBeGreaterThanOrEqual(2);
    const nav = await navMessages(staff, `/${SLUG}/admin`, `/${SLUG}/admin/messages`);
    expect(nav.shown).toBe(`(${unanswered})`);
    expect(nav.words).toBe(`: ${unanswered} conversations attendent une réponse`);
  });

  it("links the family file to « Écrire à la famille » and to the family's conversations", async () => {
    const $ = html((await staff.get(`/${SLUG}/admin/familles/${waitingFirst.familyId}`).expect(200)).text);
    expect($(`main a[href="/${SLUG}/admin/messages/nouveau?famille=${waitingFirst.familyId}"]`).text()).toBe('Écrire à la famille');
    const conversations = $(`main a[href="/${SLUG}/admin/messages?famille=${waitingFirst.familyId}"]`);
    expect(conversations.text()).toBe('Conversations avec cette famille');
    const inbox = html((await staff.get(conversations.attr('href')!).expect(200)).text);
    expect(inbox('main table tbody tr').map((_, row) => inbox(row).find('td').eq(2).find('a').attr('href')).get()).toEqual([staffThreadPage(ids.first)]);
  });

  it('assigns a thread to the reader (« Me l’attribuer ») or to a colleague, audited, and refuses a stranger', async () => {
    const page = staffThreadPage(ids.first);
    const $ = html((await staff.get(page).expect(200)).text);
    expect(squash($('main form[action$="/attribution"] button').first().text())).toBe("Me l'attribuer");
    const _csrf = await csrfTokenFrom(staff, page);
    await staff.post(`${page}/attribution`).type('form').send({ _csrf, agent: String(staffId) }).expect(303);
    expect((await db()('message_threads').where({ id: ids.first }).first()).assigned_to).toBe(staffId);
    const after = html((await staff.get(page).expect(200)).text);
    expect(after('main form[action$="/attribution"] button').map((_, b) => squash(after(b).text())).get()).not.toContain("Me l'attribuer");

    const commune = await communeOf(t, SLUG);
    const admin = await userByEmail(t, commune, `admin@${SLUG}.example.org`);
    await staff.post(`${page}/attribution`).type('form').send({ _csrf, agent: String(admin.id) }).expect(303);
    expect((await db()('message_threads').where({ id: ids.first }).first()).assigned_to).toBe(admin.id);
    const audit = await db()('audit_log').where({ entity: 'message_thread', entity_id: ids.first, action: 'message_thread_assigned' }).orderBy('id');
    expect(audit).toHaveLength(2);
    expect(audit[1]!.staff_id).toBe(staffId);

    // A parent's account is no staff member.
    const refused = await staff.post(`${page}/attribution`).type('form').send({ _csrf, agent: String(waitingFirst.parents[0]!.user.id) });
    expect(refused.status).toBe(400);
    expect(html(refused.text)('#error-agent').text()).toContain('Choisissez un agent du service');
    expect((await db()('message_threads').where({ id: ids.first }).first()).assigned_to).toBe(admin.id);
  });

  it('answers in the thread: audited, the family mailed that an answer waits (without the text), and the thread no longer waits', async () => {
    const before = await Promise.all(waitingFirst.parents.map((parent) => countMailsTo(t, parent.email, 'message_answered')));
    t.clock.set(new Date('2026-11-26T10:05:00+01:00'));
    const response = await answer(ids.first, 'Bonjour,\nNous avons corrigé la facture : un avoir suit.');
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(staffThreadPage(ids.first));

    const thread = await db()('message_threads').where({ id: ids.first }).first();
    expect(thread.last_author_role).toBe('staff');
    const last = await db()('messages').where({ thread_id: ids.first }).orderBy('id', 'desc').first();
    expect(last).toMatchObject({ author_role: 'staff', sent_by: staffId, read_at: null });
    expect(await db()('audit_log').where({ action: 'message_answered', entity: 'message', entity_id: last.id, family_id: waitingFirst.familyId })).toHaveLength(1);

    for (const [index, parent] of waitingFirst.parents.entries()) {
      expect(await countMailsTo(t, parent.email, 'message_answered')).toBe(before[index]! + 1);
      const mail = await lastMailTo(t, parent.email);
      expect(mail.text).toContain('a répondu à un message de votre famille');
      expect(mail.text).not.toContain('avoir');
      expect(mail.text).not.toContain('Facturation');
      expect(mail.path).toBe(threadPage(ids.first));
    }

    const inbox = html((await staff.get(`/${SLUG}/admin/messages?famille=${waitingFirst.familyId}`).expect(200)).text);
    expect(squash(inbox('main table tbody tr').first().find('td').first().text())).toBe('Répondu');
  });

  it('shows the answer to the family as unread in the navigation and on the dashboard, until one guardian reads it', async () => {
    const [anne, marc] = waitingFirst.parents as [FreshFamily['parents'][0], FreshFamily['parents'][0]];
    const nav = await navMessages(marc.agent, `/${SLUG}/tableau-de-bord`, `/${SLUG}/messages`);
    expect(nav).toEqual({ text: 'Messages (1) : 1 message non lu', shown: '(1)', words: ': 1 message non lu' });
    const dashboard = html((await marc.agent.get(`/${SLUG}/tableau-de-bord`).expect(200)).text);
    expect(squash(dashboard('section[aria-labelledby="messages-title"] p').text())).toBe('Vous avez 1 message non lu. Lire mes messages');

    const page = await anne.agent.get(threadPage(ids.first)).expect(200);
    expect(bubbles(page.text)).toEqual([
      { author: 'Vous', time: 'vendredi 20 novembre 2026 à 08 h 00', text: 'Ma facture de novembre me semble fausse.', mine: true, attachment: undefined },
      { author: SERVICE_AUTHOR, time: 'jeudi 26 novembre 2026 à 10 h 05', text: 'Bonjour,\nNous avons corrigé la facture : un avoir suit.', mine: false, attachment: undefined },
    ]);
    expect(html(page.text)('.conversation .tag--unread').text()).toBe('Nouveau');
    // Read on this very page: the navigation no longer counts it.
    expect(squash(html(page.text)(`.site-nav a[href="/${SLUG}/messages"]`).text())).toBe('Messages');

    // Read for the family: the other guardian's count goes down too.
    expect((await navMessages(marc.agent, `/${SLUG}/tableau-de-bord`, `/${SLUG}/messages`)).text).toBe('Messages');
    const dashboardAfter = html((await marc.agent.get(`/${SLUG}/tableau-de-bord`).expect(200)).text);
    expect(squash(dashboardAfter('section[aria-labelledby="messages-title"] p').text())).toBe('Aucun message non lu. Voir mes messages');
    const read = await db()('messages').where({ thread_id: ids.first, author_role: 'staff' }).first();
    expect(read.read_by).toBe(anne.user.id);
  });

  it('answers with a file the family downloads, and refuses a file that is not a PDF, JPEG or PNG', async () => {
    const page = staffThreadPage(ids.later);
    const refused = await postMultipart(staff, page, await hiddenFields(staff, page, page), { message: 'Le formulaire est joint.' }, {
      content: Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'),
      filename: 'formulaire.svg',
      contentType: 'image/svg+xml',
    });
    expect(refused.status).toBe(400);
    expect(html(refused.text)('#error-piece_jointe').text()).toContain('Le fichier doit être un PDF');
    expect(html(refused.text)('#field-message').text()).toBe('Le formulaire est joint.');

    const file = await pdf('formulaire-inscription.pdf');
    const sent = await postMultipart(staff, page, await hiddenFields(staff, page, page), { message: 'Le formulaire est joint.' }, file);
    expect(sent.status).toBe(303);
    const last = await db()('messages').where({ thread_id: ids.later }).orderBy('id', 'desc').first();
    expect(last).toMatchObject({ author_role: 'staff', body: 'Le formulaire est joint.' });
    expect(await db()('messages').where({ thread_id: ids.later, body: 'Le formulaire est joint.' })).toHaveLength(1);
    const parent = waitingLater.parents[0]!.agent;
    const link = bubbles((await parent.get(threadPage(ids.later)).expect(200)).text).at(-1)!.attachment!;
    const download = await parent.get(link).buffer(true).expect(200);
    expect(download.headers['content-type']).toBe('application/pdf');
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="?formulaire-inscription\.pdf"?$/);
    expect(Buffer.compare(download.body as Buffer, file.content)).toBe(0);
  });

  it('counts the unread messages once per page, the dashboard included', async () => {
    const sql: string[] = [];
    const listener = (query: { sql: string }) => sql.push(query.sql);
    t.runtime.db.on('query', listener);
    try {
      await waitingFirst.parents[0]!.agent.get(`/${SLUG}/tableau-de-bord`).expect(200);
    } finally {
      t.runtime.db.off('query', listener);
    }
    expect(sql.filter((query) => /from "messages"/.test(query))).toHaveLength(1);
  });

  it('answers once for an answer posted twice', async () => {
    const page = staffThreadPage(ids.later);
    const hidden = await hiddenFields(staff, page, page);
    const body = unique('Réponse');
    await staff.post(page).type('form').send({ ...hidden, message: body }).expect(303);
    await staff.post(page).type('form').send({ ...hidden, message: body }).expect(303);
    expect(await db()('messages').where({ body })).toHaveLength(1);
  });

  it('refuses an empty answer with the message by the field and writes nothing', async () => {
    const before = await count('messages', { thread_id: ids.later });
    const response = await answer(ids.later, '  ');
    expect(response.status).toBe(400);
    expect(html(response.text)('#error-message').text()).toContain('Écrivez votre message');
    expect(await count('messages', { thread_id: ids.later })).toBe(before);
  });

  it("lets the family answer a staff-started thread, and a family's answer reopens a closed thread", async () => {
    const parent = answered.parents[0]!;
    const page = staffThreadPage(ids.answered);
    const _csrf = await csrfTokenFrom(staff, page);
    await staff.post(`${page}/cloture`).type('form').send({ _csrf, etat: 'close' }).expect(303);
    expect((await db()('message_threads').where({ id: ids.answered }).first()).closed_by).toBe(staffId);
    expect(await db()('audit_log').where({ entity: 'message_thread', entity_id: ids.answered, action: 'message_thread_closed' })).toHaveLength(1);
    expect(html((await parent.agent.get(threadPage(ids.answered)).expect(200)).text)('main .notice').text()).toContain('clos cette conversation');

    const mailsBefore = await countMailsTo(t, SERVICE_ADDRESS, 'message_from_family');
    const response = await reply(parent.agent, ids.answered, 'Merci, et la date de la réunion ?', await pdf('convocation.pdf'));
    expect(response.status).toBe(303);
    const thread = await db()('message_threads').where({ id: ids.answered }).first();
    expect(thread).toMatchObject({ closed_at: null, closed_by: null, last_author_role: 'parent' });
    expect(await countMailsTo(t, SERVICE_ADDRESS, 'message_from_family')).toBe(mailsBefore + 1);
    const staffView = await staff.get(page).expect(200);
    expect(bubbles(staffView.text).at(-1)).toMatchObject({ author: `Anne ${answered.name}`, mine: false, text: 'Merci, et la date de la réunion ?' });
    const attachment = bubbles(staffView.text).at(-1)!.attachment!;
    const download = await staff.get(attachment).buffer(true).expect(200);
    expect(download.headers['content-disposition']).toMatch(/^attachment; filename="?convocation\.pdf"?$/);
    expect(download.headers['x-content-type-options']).toBe('nosniff');

    // A second message while the thread already waits does not mail the service again.
    expect((await reply(parent.agent, ids.answered, 'Et pour la cantine ?')).status).toBe(303);
    expect(await countMailsTo(t, SERVICE_ADDRESS, 'message_from_family')).toBe(mailsBefore + 1);
  });

  it("refuses a family's answer with a bad file or no text, keeping what was typed, and answers once when posted twice", async () => {
    const parent = answered.parents[0]!.agent;
    const page = threadPage(ids.answered);
    const before = await count('messages', { thread_id: ids.answered });
    const refused = await postMultipart(parent, page, await hiddenFields(parent, page, page), { message: 'La photo est jointe.' }, {
      content: Buffer.alloc(0),
      filename: 'vide.png',
      contentType: 'image/png',
    });
    // An empty file chosen is refused, not sent as if nothing had been chosen.
    expect(refused.status).toBe(400);
    expect(html(refused.text)('#error-piece_jointe').text()).toContain('Le fichier choisi est vide');
    const html5 = { content: Buffer.from('<html><body>pas une image</body></html>'), filename: 'photo.jpg', contentType: 'image/jpeg' };
    const bad = await postMultipart(parent, page, await hiddenFields(parent, page, page), { message: 'La vraie photo.' }, html5);
    expect(bad.status).toBe(400);
    const $ = html(bad.text);
    expect($('#error-piece_jointe').text()).toContain('Le fichier doit être un PDF');
    expect($('#field-message').text()).toBe('La vraie photo.');
    const empty = await postMultipart(parent, page, await hiddenFields(parent, page, page), { message: ' ' });
    expect(empty.status).toBe(400);
    expect(html(empty.text)('.error-summary a').attr('href')).toBe('#field-message');
    expect(await count('messages', { thread_id: ids.answered })).toBe(before);

    const hidden = await hiddenFields(parent, page, page);
    const body = unique('Deux fois');
    for (let i = 0; i < 2; i += 1) expect((await postMultipart(parent, page, hidden, { message: body })).status).toBe(303);
    expect(await db()('messages').where({ body })).toHaveLength(1);
  });

  it("puts the answer's text in the mail where the commune's mails are not private", async () => {
    const commune = await communeOf(t, SLUG);
    const setPrivate = (value: boolean) =>
      db().raw(`UPDATE communes SET settings = jsonb_set(settings, '{messages}', ?::jsonb) WHERE id = ?`, [JSON.stringify({ privateMails: value }), commune.id]);
    await setPrivate(false);
    try {
      expect((await answer(ids.later, 'Remplissez le formulaire en ligne avant vendredi.')).status).toBe(303);
      const mail = await lastMailTo(t, waitingLater.parents[0]!.email);
      expect(mail.kind).toBe('message_answered');
      expect(mail.text).toContain('Remplissez le formulaire en ligne avant vendredi.');
    } finally {
      await setPrivate(true);
    }
  });
});

describe('threads of other families and other communes', () => {
  let owner: FreshFamily;
  let threadId: number;
  let messageId: number;
  const subject = 'Documents';
  const body = unique('Confidentiel');

  beforeAll(async () => {
    owner = await freshFamily(t, SLUG, { prefix: 'Prive' });
    threadId = threadIdOf(await writeToService(owner.parents[0]!.agent, { objet: subject, enfant: '', message: body }, await pdf()));
    messageId = (await db()('messages').where({ thread_id: threadId }).first()).id;
  });

  it("answers 404 to another family's thread, attachment and reply, and writes nothing", async () => {
    const other = await freshFamily(t, SLUG, { prefix: 'Curieux' });
    const agent = other.parents[0]!.agent;
    const page = await agent.get(threadPage(threadId)).expect(404);
    expect(page.text).not.toContain(body);
    await agent.get(`${threadPage(threadId)}/pieces-jointes/${messageId}`).expect(404);
    // Its own thread's URL with the other's message id: still nothing.
    const own = threadIdOf(await writeToService(agent, { objet: 'Autre', enfant: '', message: 'Bonjour' }));
    await agent.get(`${threadPage(own)}/pieces-jointes/${messageId}`).expect(404);
    const _csrf = await csrfTokenFrom(agent, `/${SLUG}/messages`);
    await agent.post(threadPage(threadId)).type('form').send({ _csrf, idempotency_key: crypto.randomUUID(), message: 'Intrus' }).expect(404);
    expect(await count('messages', { thread_id: threadId })).toBe(1);
    expect(html((await agent.get(`/${SLUG}/messages`).expect(200)).text)('main').text()).not.toContain(body);
  });

  it("answers 404 to another commune's staff, and the parent's session is anonymous there", async () => {
    const elsewhere = await demoAgent(t, 'villennes');
    await elsewhere.agent.get(`/villennes/admin/messages/${threadId}`).expect(404);
    await elsewhere.agent.get(`/villennes/admin/messages/${threadId}/pieces-jointes/${messageId}`).expect(404);
    const _csrf = await csrfTokenFrom(elsewhere.agent, '/villennes/admin/messages');
    await elsewhere.agent.post(`/villennes/admin/messages/${threadId}`).type('form').send({ _csrf, idempotency_key: crypto.randomUUID(), message: 'Intrus' }).expect(404);
    await elsewhere.agent.post(`/villennes/admin/messages/${threadId}/attribution`).type('form').send({ _csrf, agent: String(elsewhere.user.id) }).expect(404);
    expect(await count('messages', { thread_id: threadId })).toBe(1);
    expect((await db()('message_threads').where({ id: threadId }).first()).assigned_to).toBeNull();
    await owner.parents[0]!.agent.get(`/villennes/messages/${threadId}`).expect(303);
  });

  it('keeps the staff pages from parents', async () => {
    await owner.parents[0]!.agent.get(staffThreadPage(threadId)).expect(403);
    await owner.parents[0]!.agent.get(`${staffThreadPage(threadId)}/pieces-jointes/${messageId}`).expect(403);
  });

  it('answers 404 to staff for an unknown thread or message', async () => {
    await staff.get(staffThreadPage(999999999)).expect(404);
    await staff.get(`/${SLUG}/admin/messages/abc`).expect(404);
    await staff.get(`${staffThreadPage(threadId)}/pieces-jointes/999999999`).expect(404);
  });

  it('needs a signed-in guardian of the commune', async () => {
    const anonymous = request.agent(t.app);
    await anonymous.get(threadPage(threadId)).expect(303);
    const villennes = request.agent(t.app);
    await signIn(villennes, 'villennes', 'parent@villennes.example.org', DEMO.parentPassword, 303);
    await villennes.get(`/villennes/messages/${threadId}`).expect(404);
  });
});
