import type request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { daysOfMonth } from '../../src/domain/invoicing.ts';
import { startPayfipSimulator, type PayfipSimulator } from '../../src/integrations/payfip/payfip-simulator.ts';
import { ACT_ONCE_FORMS, type ActOnceForm } from '../../src/web/act-once-forms.ts';
import { cell, familyWithChild, postWeek, type FamilyWithChild } from '../support/booking-fixtures.ts';
import { demoAgent, freshFamily, type FreshFamily } from '../support/fresh-family.ts';
import { insertInvoice } from '../support/invoice-rows.ts';
import { hiddenFieldsOf } from '../support/repeated-forms.ts';
import { smallPdf } from '../support/small-pdf.ts';
import { buildTestApp, csrfTokenFrom, html, unique, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026: week 2026-W49 can still be booked, September and October 2026 are over.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const MESNIL = 'lemesnilsaintdenis';
const VILLENNES = 'villennes';
const ECHIROLLES = 'echirolles';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let t: TestApp;
let simulator: PayfipSimulator;

/** Where each form of the list is shown, and who sees it: typed by the list, so a new form needs its page here. */
let pages: Record<ActOnceForm, { agent: request.Agent; slug: string; page: string }>;
let family: FamilyWithChild;
let staff: { agent: request.Agent; user: Awaited<ReturnType<typeof demoAgent>>['user'] };

/** The rows of every table but the sessions: what a refused POST must leave as it was. */
async function rowCounts(): Promise<Record<string, number>> {
  const { rows } = await t.runtime.db.raw<{ rows: { tablename: string }[] }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename NOT IN ('session', 'knex_migrations', 'knex_migrations_lock') ORDER BY tablename`,
  );
  const counts: Record<string, number> = {};
  for (const { tablename } of rows) counts[tablename] = Number((await t.runtime.db(tablename).count<{ count: string }[]>('* as count'))[0]!.count);
  return counts;
}

/** The route pattern of the list as a test of a form's action (below the commune, without its query). */
const routeOf = (form: ActOnceForm) => new RegExp(`^${ACT_ONCE_FORMS[form].replace(/:[A-Za-z]+/g, '[^/]+')}$`);

/** The forms of a page that post to the route of `form`; a form without an action posts to its own page. */
async function formsFor(form: ActOnceForm) {
  const { agent, slug, page } = pages[form];
  const response = await agent.get(`/${slug}${page}`);
  expect({ form, status: response.status }).toEqual({ form, status: 200 });
  const $ = html(response.text);
  return $('main form[method="post"]')
    .filter((_, element) => {
      const action = ($(element).attr('action') || `/${slug}${page}`).split('?')[0]!;
      return routeOf(form).test(action.slice(`/${slug}`.length));
    })
    .map((_, element) => ({
      action: $(element).attr('action') || `/${slug}${page}`,
      hidden: Object.fromEntries(
        $(element)
          .find('input[type="hidden"]')
          .map((_i, input) => [[$(input).attr('name')!, String($(input).val() ?? '')]])
          .get() as [string, string][],
      ),
      keys: $(element).find('input[name="idempotency_key"]').length,
    }))
    .get();
}

beforeAll(async () => {
  simulator = await startPayfipSimulator();
  t = buildTestApp(NOW, { PAYFIP_URL: simulator.soapUrl });
  staff = await demoAgent(t, MESNIL);
  const commune = await t.runtime.services.communes.findBySlug(MESNIL);

  // A Le Mesnil family: a child registered to the canteen, an unpaid October invoice, a thread with the service.
  family = await familyWithChild(t, MESNIL, ['restauration'], { prefix: 'Cle' });
  const parent = family.parents[0]!;
  const invoiceId = await insertInvoice(t, family, {
    month: '2026-10',
    number: `FAC-2026-${String(family.familyId).padStart(6, '0')}10`,
    issuedAt: NOW,
    dueOn: '2026-11-30',
    lines: [{ memberId: family.childId, childName: 'Jade', days: ['2026-10-05', '2026-10-06'], unitPriceCents: 1_234 }],
  });
  const thread = await t.runtime.services.messages.send(commune!, staff.user, { familyId: family.familyId, subject: unique('Rentrée'), body: 'Bonjour' });
  // A day of September booked and not invoiced (its invoice is October's): « Facturation » offers to invoice September.
  const canteen = await t.runtime.repositories.activities.findByCode(commune!.id, 'restauration');
  const september = daysOfMonth('2026-09-01').filter((day) => t.runtime.services.calendars.dayStatus(commune!, canteen!, day).open);
  await t.runtime.repositories.bookings.upsert(
    commune!.id,
    { familyId: family.familyId, memberId: family.childId, activityId: canteen!.id, day: september[0]!, status: 'booked', waitingPosition: null, by: null, at: NOW },
    t.runtime.db,
  );

  // A family whose October debit was exported: its line can be declared rejected.
  const debited = await freshFamily(t, MESNIL, { prefix: 'Preleve' });
  await debited.parents[0]!.agent
    .post(`/${MESNIL}/prelevement`)
    .type('form')
    .send({
      ...(await hiddenFieldsOf(debited.parents[0]!.agent, `/${MESNIL}/prelevement`)),
      titulaire: 'Anne Martin',
      iban: 'FR76 3000 6000 0112 3456 7890 189',
      bic: 'agrifrpp882',
      adresse: '12 rue des Tilleuls',
      code_postal: '78320',
      ville: 'Le Mesnil-Saint-Denis',
      autorisation: 'oui',
    })
    .expect(303);
  const mandateRequest = await t.runtime.db('requests').where({ family_id: debited.familyId, type: 'sepa_mandate' }).first();
  const queue = `/${MESNIL}/admin/demandes?type=prelevement&statut=en-attente`;
  await staff.agent
    .post(queue)
    .type('form')
    .send({ _csrf: await csrfTokenFrom(staff.agent, queue), demandes: String(mandateRequest.id), decision: 'accepter' })
    .expect(303);
  const debitedNumber = `FAC-2034-${String(debited.familyId).padStart(6, '0')}05`;
  await insertInvoice(t, debited, {
    month: '2034-05',
    number: debitedNumber,
    issuedAt: NOW,
    dueOn: '2034-05-28',
    lines: [{ memberId: debited.parents[0]!.user.memberId!, childName: 'Jade', days: ['2034-05-02'], unitPriceCents: 1_234 }],
  });
  await staff.agent
    .post(`/${MESNIL}/admin/prelevements`)
    .type('form')
    .send({ _csrf: await csrfTokenFrom(staff.agent, `/${MESNIL}/admin/prelevements`), mois: '2034-05' })
    .expect(200);
  const debitLine = await t.runtime.db('debit_lines as l').join('invoices as i', 'i.id', 'l.invoice_id').where('i.number', debitedNumber).first('l.id');

  // An Échirolles child booked on Monday 30 November: its absence can be justified.
  const booked = await familyWithChild(t, ECHIROLLES, ['restauration'], { prefix: 'Absent' });
  await postWeek(booked.parents[0]!.agent, ECHIROLLES, booked.childId, '2026-W49', [cell(booked.activities.restauration!, '2026-11-30')]).then((r) => expect(r.status).toBe(303));

  // A Villennes family with a file in its porte-documents.
  const storing: FreshFamily = await freshFamily(t, VILLENNES, { prefix: 'Porte' });
  const storer = storing.parents[0]!.agent;
  let upload = storer.post(`/${VILLENNES}/porte-documents`);
  for (const [name, value] of Object.entries(await hiddenFieldsOf(storer, `/${VILLENNES}/porte-documents`))) upload = upload.field(name, value);
  await upload.field('libelle', 'Attestation').attach('fichier', await smallPdf('Attestation.'), { filename: 'attestation.pdf', contentType: 'application/pdf' }).expect(303);
  const file = await t.runtime.db('private_files').where({ user_id: storing.parents[0]!.user.id }).first('id');

  const news = await t.runtime.services.news.publish(commune!, staff.user, { title: unique('Menus'), body: 'Les menus.', publishedOn: '2026-11-23', endsOn: null });
  const documentTitle = unique('Règlement');
  let publication = staff.agent.post(`/${MESNIL}/admin/documentation`);
  for (const [name, value] of Object.entries(await hiddenFieldsOf(staff.agent, `/${MESNIL}/admin/documentation`))) publication = publication.field(name, value);
  await publication
    .field('titre', documentTitle)
    .field('description', '')
    .field('type', '')
    .attach('fichier', await smallPdf('Règlement intérieur.'), { filename: 'reglement.pdf', contentType: 'application/pdf' })
    .expect(303);
  const communeDocument = await t.runtime.db('commune_documents').where({ commune_id: commune!.id, title: documentTitle }).first('id');

  const parentAt = (page: string) => ({ agent: parent.agent, slug: MESNIL, page });
  const staffAt = (page: string) => ({ agent: staff.agent, slug: MESNIL, page });
  pages = {
    newChild: parentAt('/famille/ajouter-un-enfant'),
    memberChange: parentAt(`/famille/${family.childId}`),
    contactChange: parentAt('/coordonnees'),
    registration: parentAt('/inscriptions/nouvelle'),
    absence: { agent: booked.parents[0]!.agent, slug: ECHIROLLES, page: `/reservations/${booked.childId}/absence` },
    quotientDeclaration: parentAt('/quotient-familial'),
    mandate: parentAt('/prelevement'),
    onlinePayment: parentAt('/factures'),
    document: parentAt('/documents'),
    privateFileStore: { agent: storer, slug: VILLENNES, page: '/porte-documents' },
    privateFileTransmit: { agent: storer, slug: VILLENNES, page: `/porte-documents/${file.id}/transmettre` },
    privateFileRemove: { agent: storer, slug: VILLENNES, page: `/porte-documents/${file.id}/supprimer` },
    contactMessage: parentAt('/contact'),
    familyReply: parentAt(`/messages/${thread.threadId}`),
    newFamily: staffAt('/admin/familles/nouvelle'),
    counterPayment: staffAt(`/admin/familles/${family.familyId}/encaissement`),
    staffQuotient: staffAt(`/admin/familles/${family.familyId}`),
    debitRejection: staffAt(`/admin/prelevements/lignes/${debitLine.id}/rejet`),
    invoicingRun: staffAt('/admin/facturation?mois=2026-09'),
    creditNote: staffAt(`/admin/facturation/factures/${invoiceId}`),
    newsPublish: staffAt('/admin/actualites'),
    newsUpdate: staffAt(`/admin/actualites/${news}/modifier`),
    newsRemove: staffAt(`/admin/actualites/${news}/supprimer`),
    communeDocumentPublish: staffAt('/admin/documentation'),
    communeDocumentRemove: staffAt(`/admin/documentation/${communeDocument.id}/supprimer`),
    staffMessage: staffAt(`/admin/messages/nouveau?famille=${family.familyId}`),
    staffAnswer: staffAt(`/admin/messages/${thread.threadId}`),
  };
});

afterAll(async () => {
  // September stays as the other suites expect it: nothing left to invoice.
  await t?.runtime.db('bookings').where({ member_id: family?.childId }).delete();
  await simulator?.close();
  await t?.close();
});

describe('every form that creates, pays or must act once (ACT_ONCE_FORMS)', () => {
  describe.each(Object.keys(ACT_ONCE_FORMS) as ActOnceForm[])('%s', (form) => {
    it('is rendered with a one-time key', async () => {
      const forms = await formsFor(form);
      expect(forms.length, `no form posting to ${ACT_ONCE_FORMS[form]} on ${pages[form].page}`).toBeGreaterThan(0);
      for (const shown of forms) {
        expect(shown.keys).toBe(1);
        expect(shown.hidden.idempotency_key).toMatch(UUID);
      }
    });

    it('refuses its POST without the key with the « Demande incorrecte » page, and writes nothing', async () => {
      const [shown] = await formsFor(form);
      const { idempotency_key: _key, ...hidden } = shown!.hidden;
      const before = await rowCounts();
      for (const body of [hidden, { ...hidden, idempotency_key: '' }, { ...hidden, idempotency_key: 'pas-une-cle' }]) {
        const response = await pages[form].agent.post(shown!.action).type('form').send(body);
        expect({ form, status: response.status }).toEqual({ form, status: 400 });
        expect(html(response.text)('h1').text()).toBe('Demande incorrecte');
      }
      expect(await rowCounts()).toEqual(before);
    });
  });
});

describe('a creating form posted without its key, however complete', () => {
  it('sends no message to a family; the same form with its key sends it', async () => {
    const page = pages.staffMessage;
    const { idempotency_key, ...hidden } = await hiddenFieldsOf(page.agent, `/${MESNIL}${page.page}`);
    const subject = unique('Sans clé');
    const fields = { ...hidden, objet: subject, message: 'Bonjour.' };
    expect((await page.agent.post(`/${MESNIL}${page.page}`).type('form').send(fields)).status).toBe(400);
    expect(await t.runtime.db('message_threads').where({ subject })).toHaveLength(0);
    expect((await page.agent.post(`/${MESNIL}${page.page}`).type('form').send({ ...fields, idempotency_key })).status).toBe(303);
    expect(await t.runtime.db('message_threads').where({ subject })).toHaveLength(1);
  });

  it('asks no registration; the same form with its key asks it', async () => {
    const page = pages.registration;
    const { idempotency_key, ...hidden } = await hiddenFieldsOf(page.agent, `/${MESNIL}${page.page}`);
    const commune = await t.runtime.services.communes.findBySlug(MESNIL);
    const study = await t.runtime.repositories.activities.findByCode(commune!.id, 'etude');
    const fields = { ...hidden, enfant: String(family.childId), activite: String(study!.id), anneeScolaire: '2026-2027' };
    const before = await t.runtime.db('requests').where({ family_id: family.familyId, type: 'registration' });
    expect((await page.agent.post(`/${MESNIL}${page.page}`).type('form').send(fields)).status).toBe(400);
    expect(await t.runtime.db('requests').where({ family_id: family.familyId, type: 'registration' })).toHaveLength(before.length);
    expect((await page.agent.post(`/${MESNIL}${page.page}`).type('form').send({ ...fields, idempotency_key })).status).toBe(303);
    expect(await t.runtime.db('requests').where({ family_id: family.familyId, type: 'registration' })).toHaveLength(before.length + 1);
  });
});

describe('the same form posted five times at the same moment (real parallel requests)', () => {
  const FIVE = 5;
  const answersOf = (responses: request.Response[]) => responses.map((response) => [response.status, response.headers.location]);

  it('« Écrire à la famille »: one thread, one e-mail per guardian, five identical answers', async () => {
    const page = pages.staffMessage;
    const hidden = await hiddenFieldsOf(page.agent, `/${MESNIL}${page.page}`);
    const subject = unique('Cinq clics');
    const mails = async () => Number((await t.runtime.db('mail_outbox').where({ to_address: family.parents[0]!.email }).count<{ count: string }[]>('* as count'))[0]!.count);
    const mailsBefore = await mails();
    const answers = await Promise.all(
      Array.from({ length: FIVE }, () => page.agent.post(`/${MESNIL}${page.page}`).type('form').send({ ...hidden, objet: subject, message: 'Une fois.' })),
    );
    expect(answersOf(answers)).toEqual(Array.from({ length: FIVE }, () => [303, `/${MESNIL}/admin/messages?famille=${family.familyId}`]));
    expect(await t.runtime.db('message_threads').where({ subject })).toHaveLength(1);
    expect(await mails()).toBe(mailsBefore + 1);
  });

  it('« Ajouter un enfant »: one request', async () => {
    const page = pages.newChild;
    const hidden = await hiddenFieldsOf(page.agent, `/${MESNIL}${page.page}`);
    const before = (await t.runtime.db('requests').where({ family_id: family.familyId, type: 'new_child' })).length;
    const answers = await Promise.all(
      Array.from({ length: FIVE }, () =>
        page.agent.post(`/${MESNIL}${page.page}`).type('form').send({ ...hidden, firstName: 'Lina', lastName: 'Fontaine', birthDate: '2021-02-14', hasPai: 'non' }),
      ),
    );
    expect(answersOf(answers)).toEqual(Array.from({ length: FIVE }, () => [303, `/${MESNIL}/famille`]));
    expect(await t.runtime.db('requests').where({ family_id: family.familyId, type: 'new_child' })).toHaveLength(before + 1);
  });

  it('« Publier » an actualité: one news item', async () => {
    const page = pages.newsPublish;
    const hidden = await hiddenFieldsOf(page.agent, `/${MESNIL}${page.page}`);
    const titre = unique('Fermeture');
    const answers = await Promise.all(
      Array.from({ length: FIVE }, () =>
        page.agent.post(`/${MESNIL}${page.page}`).type('form').send({ ...hidden, titre, texte: 'Le centre ferme le 11 décembre.', publication: '2026-11-23', fin: '' }),
      ),
    );
    expect(answersOf(answers)).toEqual(Array.from({ length: FIVE }, () => [303, `/${MESNIL}/admin/actualites`]));
    expect(await t.runtime.db('news').where({ title: titre })).toHaveLength(1);
  });
});
