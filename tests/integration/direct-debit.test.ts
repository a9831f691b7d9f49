import { readFileSync } from 'node:fs';
import type request from 'supertest';
import { validateXML } from 'xmllint-wasm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { demoAgent, freshFamily, withFeatureOff, type FreshFamily } from '../support/fresh-family.ts';
import { hiddenFieldsOf, twice, TWICE } from '../support/repeated-forms.ts';
import { insertInvoice } from '../support/invoice-rows.ts';
import { startPayfipSimulator, type PayfipSimulator } from '../../src/integrations/payfip/payfip-simulator.ts';
import { buildTestApp, csrfTokenFrom, html, lastMailTo, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026, 9:00 in Paris: a mandate accepted now is signed on that day.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const MESNIL = 'lemesnilsaintdenis';
const PAGE = `/${MESNIL}/prelevement`;
const IBAN = 'FR76 3000 6000 0112 3456 7890 189';
const IBAN_ELECTRONIC = 'FR7630006000011234567890189';
const MASKED = 'FR76 •••• •••• •••• •••• •••• 189';

let t: TestApp;
let simulator: PayfipSimulator;
// A PayFiP simulator, so that « Payer en ligne » is offered where a family may pay online.
beforeAll(async () => {
  simulator = await startPayfipSimulator();
  t = buildTestApp(NOW, { PAYFIP_URL: simulator.soapUrl });
});
afterAll(async () => {
  await simulator?.close();
  await t.close();
});
beforeEach(() => t.clock.set(NOW));

const agentOf = (family: FreshFamily) => family.parents[0]!.agent;

type MandateForm = Partial<Record<'titulaire' | 'iban' | 'bic' | 'adresse' | 'code_postal' | 'ville' | 'autorisation', string>>;

const GOOD: MandateForm = {
  titulaire: 'Anne Martin',
  iban: IBAN,
  bic: 'agrifrpp882',
  adresse: '12 rue des Tilleuls',
  code_postal: '78320',
  ville: 'Le Mesnil-Saint-Denis',
  autorisation: 'oui',
};

async function sign(agent: request.Agent, form: MandateForm = GOOD, hidden?: Record<string, string>, path = PAGE) {
  const fields = hidden ?? (await hiddenFieldsOf(agent, PAGE));
  return agent.post(path).type('form').send({ ...fields, ...form });
}

async function written(family: FreshFamily) {
  const count = async (table: string, where: Record<string, unknown>) =>
    Number((await t.runtime.db(table).where(where).count<{ count: string }[]>('* as count'))[0]!.count);
  return {
    requests: await count('requests', { family_id: family.familyId, type: 'sepa_mandate' }),
    mandates: await count('sepa_mandates', { family_id: family.familyId }),
  };
}

const lastRequestId = async (family: FreshFamily) =>
  (await t.runtime.db('requests').where({ family_id: family.familyId, type: 'sepa_mandate' }).orderBy('id', 'desc').first()).id as number;

async function decide(requestId: number, decision: 'accepter' | 'refuser', motif?: string) {
  const { agent } = await demoAgent(t, MESNIL);
  const queue = `/${MESNIL}/admin/demandes?type=prelevement&statut=en-attente`;
  const $ = html((await agent.get(queue).expect(200)).text);
  expect($(`input[name="demandes"][value="${requestId}"]`)).toHaveLength(1);
  const _csrf = $('input[name="_csrf"]').first().val() as string;
  return agent.post(queue).type('form').send({ _csrf, demandes: String(requestId), decision, ...(motif ? { motif } : {}) });
}

const text = (page: string) => html(page)('main').text().replace(/\s+/g, ' ');
const withoutSpaces = (page: string) => page.replace(/\s+/g, '');

describe('GET /:commune/prelevement', () => {
  it('offers the mandate form with its authorisation, CSRF token and form key', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    const $ = html((await agentOf(family).get(PAGE).expect(200)).text);
    for (const name of ['titulaire', 'iban', 'bic', 'adresse', 'code_postal', 'ville']) expect($(`#field-${name}`)).toHaveLength(1);
    expect($('#field-autorisation[type="checkbox"]')).toHaveLength(1);
    expect($('label[for="field-autorisation"]').text()).toContain("j'autorise Commune du Mesnil-Saint-Denis à envoyer des instructions à ma banque");
    expect($('main form input[name="_csrf"]')).toHaveLength(1);
    expect($('main form input[name="idempotency_key"]')).toHaveLength(1);
    expect($('.site-nav a[aria-current="page"]').text()).toBe('Prélèvement');
  });

  it('is 404 where the commune does not offer direct debit, read or posted, and writes nothing', async () => {
    const family = await freshFamily(t, 'echirolles', { prefix: 'Prelevement' });
    await agentOf(family).get('/echirolles/prelevement').expect(404);
    const dashboard = html((await agentOf(family).get('/echirolles/tableau-de-bord').expect(200)).text);
    expect(dashboard('.site-nav a[href="/echirolles/prelevement"]')).toHaveLength(0);
    const _csrf = await csrfTokenFrom(agentOf(family), '/echirolles/tableau-de-bord');
    expect((await sign(agentOf(family), GOOD, { _csrf, idempotency_key: crypto.randomUUID() }, '/echirolles/prelevement')).status).toBe(404);
    expect(await written(family)).toEqual({ requests: 0, mandates: 0 });

    const mesnil = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    await withFeatureOff(t, MESNIL, 'directDebit', async () => {
      await agentOf(mesnil).get(PAGE).expect(404);
    });
  });
});

describe('POST /:commune/prelevement', () => {
  it('accepted by staff: the mandate gets its RUM and signature date, the IBAN is masked on every page', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    const response = await sign(agentOf(family));
    expect(response.status).toBe(303);
    expect(response.headers.location).toBe(PAGE);
    expect(await written(family)).toEqual({ requests: 1, mandates: 1 });
    const stored = await t.runtime.db('sepa_mandates').where({ family_id: family.familyId }).first();
    expect(stored).toMatchObject({ iban: null, iban_masked: MASKED, bic: 'AGRIFRPP882', holder_name: 'Anne Martin', status: 'pending', reference: null, signed_on: null, first_debit_done: false });
    expect(withoutSpaces(JSON.stringify(stored))).not.toContain('30006000011234567890');

    // Pending: the page says so, shows the IBAN masked, and offers no second mandate.
    const pending = (await agentOf(family).get(PAGE)).text;
    expect(text(pending)).toContain('attend la validation du service');
    expect(text(pending)).toContain(MASKED);
    expect(withoutSpaces(pending)).not.toContain('30006000011234567890');
    expect(html(pending)('#field-iban')).toHaveLength(0);

    // In the staff queue, masked too.
    const requestId = await lastRequestId(family);
    const { agent: staff } = await demoAgent(t, MESNIL);
    const queue = (await staff.get(`/${MESNIL}/admin/demandes?type=prelevement&statut=en-attente`).expect(200)).text;
    expect(text(queue)).toContain('Adhésion au prélèvement automatique : Anne Martin');
    expect(text(queue)).toContain(`IBAN : ${MASKED}`);
    expect(withoutSpaces(queue)).not.toContain('30006000011234567890');

    expect((await decide(requestId, 'accepter')).status).toBe(303);
    const active = await t.runtime.db('sepa_mandates').where({ family_id: family.familyId }).first();
    const familyReference = (await t.runtime.db('families').where({ id: family.familyId }).first()).reference as string;
    expect(active).toMatchObject({ status: 'active', signed_on: '2026-11-23', first_debit_done: false });
    expect(active.reference).toBe(`MSD-${familyReference.toUpperCase().replace(/[^A-Z0-9]/g, '')}-1`);

    const mail = await lastMailTo(t, family.parents[0]!.email);
    expect(mail.kind).toBe('request_accepted');
    expect(mail.text.replace(/\s+/g, ' ')).toContain(`(adhésion au prélèvement automatique : compte ${MASKED} de Anne Martin) a été acceptée`);
    expect(withoutSpaces(mail.text)).not.toContain('30006000011234567890');

    const after = text((await agentOf(family).get(PAGE)).text);
    expect(after).toContain('Actif');
    expect(after).toContain(`Référence unique du mandat (RUM) ${active.reference}`);
    expect(after).toContain('Date de signature lundi 23 novembre 2026');
    expect(after).toContain(`Vos factures sont prélevées sur le compte ${MASKED}`);

    // The family's history of requests shows it masked.
    const history = (await agentOf(family).get(`/${MESNIL}/historique?vue=demarches&periode=mois`).expect(200)).text;
    expect(text(history)).toContain(`IBAN : ${MASKED}`);
    expect(withoutSpaces(history)).not.toContain('30006000011234567890');
  });

  it('refused by staff: the mandate stays refused, never referenced, and a new one may be signed', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    expect((await sign(agentOf(family))).status).toBe(303);
    expect((await decide(await lastRequestId(family), 'refuser', 'Compte au nom d\'un tiers')).status).toBe(303);
    expect(await t.runtime.db('sepa_mandates').where({ family_id: family.familyId }).first()).toMatchObject({ status: 'refused', reference: null });
    const mail = await lastMailTo(t, family.parents[0]!.email);
    expect(mail.kind).toBe('request_refused');
    expect(mail.text).toContain("Motif : Compte au nom d'un tiers");
    expect(html((await agentOf(family).get(PAGE)).text)('#field-iban')).toHaveLength(1);
    expect((await sign(agentOf(family))).status).toBe(303);
    expect(await written(family)).toEqual({ requests: 2, mandates: 2 });
  });

  it('gives two families two different references', async () => {
    const first = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    const second = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    for (const family of [first, second]) {
      expect((await sign(agentOf(family))).status).toBe(303);
      expect((await decide(await lastRequestId(family), 'accepter')).status).toBe(303);
    }
    const references = await t.runtime.db('sepa_mandates').whereIn('family_id', [first.familyId, second.familyId]).pluck('reference');
    expect(new Set(references).size).toBe(2);
  });

  it('lists every problem at once, in French, keeps what was typed, and writes nothing', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    const response = await sign(agentOf(family), { titulaire: ' ', iban: 'FR76 3000 6000 0112 3456 7890 188', bic: 'BNPAFRP', adresse: '', code_postal: '7832', ville: '' });
    expect(response.status).toBe(400);
    const $ = html(response.text);
    expect($('title').text()).toMatch(/^Erreur : /);
    expect($('.error-summary a').map((_, a) => $(a).attr('href')).get()).toEqual([
      '#field-titulaire',
      '#field-iban',
      '#field-bic',
      '#field-adresse',
      '#field-code_postal',
      '#field-ville',
      '#field-autorisation',
    ]);
    expect($('#error-iban').text()).toContain("Cet IBAN n'est pas valide : une erreur de saisie s'est glissée");
    expect($('#error-bic').text()).toContain('8 ou 11 lettres et chiffres');
    expect($('#error-autorisation').text()).toContain('Cochez la case pour autoriser le prélèvement');
    expect($('#field-iban').attr('aria-invalid')).toBe('true');
    expect($('#field-iban').val()).toBe('FR76 3000 6000 0112 3456 7890 188');
    expect($('#field-bic').val()).toBe('BNPAFRP');
    expect(await written(family)).toEqual({ requests: 0, mandates: 0 });
  });

  it('refuses an IBAN outside the SEPA area', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    const response = await sign(agentOf(family), { ...GOOD, iban: 'BR15 0000 0000 0000 1093 2840 814P 2' });
    expect(response.status).toBe(400);
    expect(html(response.text)('#error-iban').text()).toContain("n'est pas dans la zone SEPA");
    expect(await written(family)).toEqual({ requests: 0, mandates: 0 });
  });

  it('refuses a form without its CSRF token', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    const { idempotency_key } = await hiddenFieldsOf(agentOf(family), PAGE);
    expect((await sign(agentOf(family), GOOD, { idempotency_key: idempotency_key! })).status).toBe(403);
    expect(await written(family)).toEqual({ requests: 0, mandates: 0 });
  });

  it.each(TWICE)('posted twice %s, signs one mandate and answers both times as the first', async (how) => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    const hidden = await hiddenFieldsOf(agentOf(family), PAGE);
    const answers = await twice(how, () => sign(agentOf(family), GOOD, hidden));
    expect(answers.map((answer) => [answer.status, answer.headers.location])).toEqual([
      [303, PAGE],
      [303, PAGE],
    ]);
    expect(await written(family)).toEqual({ requests: 1, mandates: 1 });
  });

  it('one mandate at a time: another form while one is pending is refused (409)', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    const firstForm = await hiddenFieldsOf(agentOf(family), PAGE);
    const secondForm = await hiddenFieldsOf(agentOf(family), PAGE);
    expect((await sign(agentOf(family), GOOD, firstForm)).status).toBe(303);
    const second = await sign(agentOf(family), GOOD, secondForm);
    expect(second.status).toBe(409);
    expect(html(second.text)('.error-summary').text()).toContain('un seul mandat à la fois');
    expect(await written(family)).toEqual({ requests: 1, mandates: 1 });
  });

  it('two forms of the same family at the same moment: one mandate, the other answer refused (409)', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    const forms = [await hiddenFieldsOf(agentOf(family), PAGE), await hiddenFieldsOf(agentOf(family), PAGE)];
    const answers = await Promise.all(forms.map((hidden) => sign(agentOf(family), GOOD, hidden)));
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 409]);
    expect(await written(family)).toEqual({ requests: 1, mandates: 1 });
  });
});

const XSD = readFileSync(new URL('../fixtures/sepa/pain.008.001.02.xsd', import.meta.url), 'utf8');
const EXPORT = `/${MESNIL}/admin/prelevements`;

/** A family whose mandate staff accepted. */
async function familyWithMandate(): Promise<FreshFamily> {
  const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
  expect((await sign(agentOf(family))).status).toBe(303);
  expect((await decide(await lastRequestId(family), 'accepter')).status).toBe(303);
  return family;
}

/** An invoice of `month` for the family: 3 days at 12,34 €, i.e. 37,02 €. */
async function invoiceOf(family: FreshFamily, month: string): Promise<string> {
  const number = `FAC-${month.slice(0, 4)}-${String(family.familyId).padStart(6, '0')}${month.slice(5)}`;
  await insertInvoice(t, family, {
    month,
    number,
    issuedAt: NOW,
    dueOn: `${month}-28`,
    lines: [{ memberId: family.parents[0]!.user.memberId!, childName: 'Jade', days: [`${month}-05`, `${month}-06`, `${month}-07`], unitPriceCents: 1_234 }],
  });
  return number;
}

async function exportMonth(staff: request.Agent, mois: string, withToken = true) {
  const _csrf = await csrfTokenFrom(staff, EXPORT);
  return staff.post(EXPORT).type('form').buffer(true).parse((res, done) => {
    let body = '';
    res.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    res.on('end', () => done(null, body));
  }).send({ ...(withToken ? { _csrf } : {}), mois });
}

const schemaErrors = async (xml: string) =>
  (await validateXML({ xml: [{ fileName: 'debits.xml', contents: xml }], schema: [{ fileName: 'pain.008.001.02.xsd', contents: XSD }] })).errors;

describe('POST /:commune/admin/prelevements', () => {
  it("exports the month's debits as a valid pain.008: FRST first, the same file again, RCUR the month after", async () => {
    const family = await familyWithMandate();
    const withoutMandate = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    const number = await invoiceOf(family, '2031-01');
    const other = await invoiceOf(withoutMandate, '2031-01');
    const { agent: staff } = await demoAgent(t, MESNIL);

    const response = await exportMonth(staff, '2031-01');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/xml/);
    expect(response.headers['content-disposition']).toMatch(/^attachment; filename="?prelevements-2031-01\.xml"?$/);
    const xml = response.body as string;
    expect(await schemaErrors(xml)).toEqual([]);
    const $ = html(xml);
    const mandate = await t.runtime.db('sepa_mandates').where({ family_id: family.familyId }).first();
    const debit = $('DrctDbtTxInf').filter((_, element) => $(element).find('EndToEndId').text() === number);
    expect(debit).toHaveLength(1);
    expect(debit.find('InstdAmt').text()).toBe('37.02');
    expect(debit.find('MndtId').text()).toBe(mandate.reference);
    expect(debit.find('DtOfSgntr').text()).toBe('2026-11-23');
    expect(debit.find('DbtrAcct IBAN').text()).toBe(IBAN_ELECTRONIC);
    expect(debit.parent().find('SeqTp').text()).toBe('FRST');
    expect(xml).not.toContain(other);
    expect($('CdtrSchmeId Othr Id').first().text()).toBe('FR81ZZZ5A7B3C');
    expect(mandate.first_debit_done).toBe(true);

    const again = await exportMonth(staff, '2031-01');
    expect(again.body).toBe(xml);

    const next = await invoiceOf(family, '2031-02');
    const february = await exportMonth(staff, '2031-02');
    expect(february.status).toBe(200);
    const $$ = html(february.body as string);
    const nextDebit = $$('DrctDbtTxInf').filter((_, element) => $$(element).find('EndToEndId').text() === next);
    expect(nextDebit.parent().find('SeqTp').text()).toBe('RCUR');
    expect(await schemaErrors(february.body as string)).toEqual([]);
  });

  it('says so when no invoice of the month is to be debited, and writes nothing', async () => {
    const { agent: staff } = await demoAgent(t, MESNIL);
    const response = await exportMonth(staff, '2032-03');
    expect(response.status).toBe(422);
    expect(html(response.body as string)('#error-mois').text()).toContain("Aucune facture de mars 2032 n'est à prélever");
    expect(await t.runtime.db('debit_files').where({ period_start: '2032-03-01' })).toHaveLength(0);
  });

  it('is for staff of a commune that offers direct debit, with a CSRF token', async () => {
    const family = await freshFamily(t, MESNIL, { prefix: 'Prelevement' });
    await agentOf(family).get(EXPORT).expect(403);
    const { agent: echirolles } = await demoAgent(t, 'echirolles');
    await echirolles.get('/echirolles/admin/prelevements').expect(404);
    const { agent: staff } = await demoAgent(t, MESNIL);
    expect((await exportMonth(staff, '2031-05', false)).status).toBe(403);
    expect(await t.runtime.db('debit_files').where({ period_start: '2031-05-01' })).toHaveLength(0);
  });
});

const invoiceIdOf = async (number: string) => (await t.runtime.db('invoices').where({ number }).first()).id as number;
const lineOf = async (number: string) =>
  (await t.runtime.db('debit_lines as l').join('invoices as i', 'i.id', 'l.invoice_id').where('i.number', number).first('l.id', 'l.payment_id')) as { id: number; payment_id: number };
const invoiceRowText = (page: string, number: string) =>
  html(page)('tbody tr')
    .filter((_, row) => html(page)(row).find('th').text().includes(number))
    .text()
    .replace(/\s+/g, ' ');

async function reject(staff: request.Agent, number: string, motif?: string, hidden?: Record<string, string>) {
  const { id } = await lineOf(number);
  const form = `${EXPORT}/lignes/${id}/rejet`;
  hidden ??= await hiddenFieldsOf(staff, form);
  return staff.post(form).type('form').send({ ...hidden, ...(motif ? { motif } : {}) });
}

describe('following the debits of a file', () => {
  it('shows each invoice its debit date: at its due date before the file, the collection date after', async () => {
    const family = await familyWithMandate();
    const number = await invoiceOf(family, '2033-01');
    const before = await agentOf(family).get(`/${MESNIL}/factures`).expect(200);
    expect(invoiceRowText(before.text, number)).toContain('Sera prélevée à son échéance, le vendredi 28 janvier 2033');
    expect(html(before.text)('input[name="factures"]')).toHaveLength(0);

    const { agent: staff } = await demoAgent(t, MESNIL);
    expect((await exportMonth(staff, '2033-01')).status).toBe(200);
    const after = await agentOf(family).get(`/${MESNIL}/factures`).expect(200);
    expect(invoiceRowText(after.text, number)).toContain('Prélèvement demandé à votre banque pour le vendredi 28 janvier 2033');
    const detail = await agentOf(family).get(`/${MESNIL}/factures/${await invoiceIdOf(number)}`).expect(200);
    expect(text(detail.text)).toContain('Prélèvement demandé à votre banque pour le vendredi 28 janvier 2033.');

    // Held by its debit: not payable at the counter meanwhile.
    const counter = await staff.get(`/${MESNIL}/admin/familles/${family.familyId}/encaissement`).expect(200);
    expect(html(counter.text)(`input[name="factures"][value="${await invoiceIdOf(number)}"]:not([disabled])`)).toHaveLength(0);
    expect(text(counter.text)).toContain('en cours de paiement, en ligne ou par prélèvement');
  });

  it('settles the debit with its receipt once the bank could no longer send it back, not before', async () => {
    const family = await familyWithMandate();
    const number = await invoiceOf(family, '2033-03');
    const { agent: staff } = await demoAgent(t, MESNIL);
    expect((await exportMonth(staff, '2033-03')).status).toBe(200);
    const { payment_id: paymentId } = await lineOf(number);

    t.clock.set(new Date('2033-04-04T09:00:00+02:00'));
    await t.runtime.debitCollection.runOnce();
    expect((await t.runtime.db('payments').where({ id: paymentId }).first()).status).toBe('pending');

    t.clock.set(new Date('2033-04-05T09:00:00+02:00'));
    await t.runtime.debitCollection.runOnce();
    await t.runtime.debitCollection.runOnce();
    const payment = await t.runtime.db('payments').where({ id: paymentId }).first();
    expect(payment).toMatchObject({ status: 'paid', method: 'direct_debit', amount_cents: 3_702 });
    expect(payment.receipt_number).toMatch(/^REC-2033-\d{6}$/);
    expect((await t.runtime.db('invoices').where({ number }).first()).settled_at).not.toBeNull();

    const settled = await agentOf(family).get(`/${MESNIL}/factures?statut=soldees`).expect(200);
    expect(invoiceRowText(settled.text, number)).toContain('Soldée');
    expect(invoiceRowText(settled.text, number)).toContain('Prélevée le lundi 28 mars 2033');
    const staffPage = await staff.get(EXPORT).expect(200);
    expect(invoiceRowText(staffPage.text, number)).toContain('Encaissé');
    expect(invoiceRowText(staffPage.text, number)).not.toContain('Enregistrer un rejet');

    // Too late to record a rejection here.
    const late = await staff.get(`${EXPORT}/lignes/${(await lineOf(number)).id}/rejet`).expect(200);
    expect(text(late.text)).toContain('ne peut plus être rejeté ici');
  });

  it('a rejected debit: the invoice is to pay again, online too, the family is told, the action audited', async () => {
    const family = await familyWithMandate();
    const number = await invoiceOf(family, '2033-05');
    const { agent: staff } = await demoAgent(t, MESNIL);
    expect((await exportMonth(staff, '2033-05')).status).toBe(200);
    const { id: lineId, payment_id: paymentId } = await lineOf(number);

    const list = await staff.get(EXPORT).expect(200);
    expect(html(list.text)(`a[href="${EXPORT}/lignes/${lineId}/rejet"]`)).toHaveLength(1);

    const noReason = await reject(staff, number);
    expect(noReason.status).toBe(400);
    expect(html(noReason.text)('#error-motif').text()).toContain('Choisissez le motif du rejet');
    expect(html(noReason.text)('.error-summary a[href="#field-motif"]')).toHaveLength(1);
    expect((await t.runtime.db('debit_lines').where({ id: lineId }).first()).rejected_at).toBeNull();

    const done = await reject(staff, number, 'AM04');
    expect(done.status).toBe(303);
    expect((await t.runtime.db('payments').where({ id: paymentId }).first()).status).toBe('refused');
    expect((await t.runtime.db('debit_lines').where({ id: lineId }).first()).reject_reason).toBe('AM04');
    const mail = await lastMailTo(t, family.parents[0]!.user.email);
    expect(mail.kind).toBe('debit_rejected');
    expect(mail.subject).toContain(`Prélèvement rejeté : facture ${number} à régler`);
    expect(mail.text).toContain('37,02');
    expect(mail.text).toContain('provision insuffisante');
    expect(mail.path).toBe(`/${MESNIL}/factures`);
    const audit = await t.runtime.db('audit_log').where({ action: 'debit_rejection', entity_id: paymentId }).first();
    expect(audit).toBeDefined();

    // Once more: refused, nothing changes, no second mail.
    const mails = await t.runtime.db('mail_outbox').where({ kind: 'debit_rejected' }).count<{ count: string }[]>('* as count');
    // (the page no longer offers the form: a form opened before, posted late)
    const again = await reject(staff, number, 'AC04', { _csrf: await csrfTokenFrom(staff, EXPORT), idempotency_key: crypto.randomUUID() });
    expect(again.status).toBe(409);
    expect(html(again.text)('#error-motif').text()).toContain('déjà enregistré');
    expect((await t.runtime.db('debit_lines').where({ id: lineId }).first()).reject_reason).toBe('AM04');
    expect(await t.runtime.db('mail_outbox').where({ kind: 'debit_rejected' }).count<{ count: string }[]>('* as count')).toEqual(mails);

    // The family: « à payer », with the reason, and this invoice (only) can be paid online.
    const other = await invoiceOf(family, '2033-06');
    const page = await agentOf(family).get(`/${MESNIL}/factures`).expect(200);
    expect(invoiceRowText(page.text, number)).toContain('rejeté par votre banque (provision insuffisante) : à régler en ligne ou au guichet');
    const ticks = html(page.text)('input[name="factures"]');
    expect(ticks.map((_, input) => html(page.text)(input).val()).get()).toEqual([String(await invoiceIdOf(number))]);
    const parent = family.parents[0]!.user;
    const expires = new Date(t.clock.now().getTime() + 20 * 60_000);
    const opened = await t.runtime.services.payments.openOnline(family.commune, parent, family.familyId, [await invoiceIdOf(number)], expires);
    expect(opened.amountCents).toBe(3_702);
    await expect(t.runtime.services.payments.openOnline(family.commune, parent, family.familyId, [await invoiceIdOf(other)], expires)).rejects.toMatchObject({ status: 409 });

    // The collection job leaves a rejected debit alone.
    t.clock.set(new Date('2033-07-01T09:00:00+02:00'));
    await t.runtime.debitCollection.runOnce();
    expect((await t.runtime.db('payments').where({ id: paymentId }).first()).status).toBe('refused');
  });

  it("is for the commune's staff: another commune's line is not found, a parent is forbidden", async () => {
    const family = await familyWithMandate();
    const number = await invoiceOf(family, '2033-08');
    const { agent: staff } = await demoAgent(t, MESNIL);
    expect((await exportMonth(staff, '2033-08')).status).toBe(200);
    const { id } = await lineOf(number);
    const { agent: villennes } = await demoAgent(t, 'villennes');
    await villennes.get(`/villennes/admin/prelevements/lignes/${id}/rejet`).expect(404);
    await agentOf(family).get(`${EXPORT}/lignes/${id}/rejet`).expect(403);
    await staff.get(`${EXPORT}/lignes/999999/rejet`).expect(404);
  });
});
