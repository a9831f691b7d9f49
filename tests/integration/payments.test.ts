import { PDFParse } from 'pdf-parse';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Commune } from '../../src/data/commune-repository.ts';
import type { User } from '../../src/data/user-repository.ts';
import { NotFoundError } from '../../src/domain/errors.ts';
import { PaymentRefusedError } from '../../src/domain/payment-rules.ts';
import { paymentRefusalSentence } from '../../src/i18n/payment-words.ts';
import { addChild, communeOf, demoAgent, freshFamily } from '../support/fresh-family.ts';
import { insertInvoice } from '../support/invoice-rows.ts';
import { billedFamily as billed } from '../support/online-payment-fixtures.ts';
import { buildTestApp, csrfTokenFrom, html, unique, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026: October's invoices (due 15 November) are late, November's are due.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const SLUG = 'echirolles';

let t: TestApp;
let commune: Commune;
let staff: { agent: request.Agent; user: User };
beforeAll(async () => {
  t = buildTestApp(NOW);
  commune = await communeOf(t, SLUG);
  staff = await demoAgent(t, SLUG);
});
afterAll(() => t.close());

const db = () => t.runtime.db;
const payments = () => t.runtime.services.payments;

/** A family with October (10 × 4,25 € = 42,50 €, late) and November (2 × 4,25 € = 8,50 €, due) to pay. */
const billedFamily = () => billed(t, SLUG, 'Paiement');

const paymentsOf = (familyId: number) => db()('payments').where({ commune_id: commune.id, family_id: familyId }).orderBy('id');
const settledAt = async (invoiceId: number) => ((await db()('invoices').where({ id: invoiceId }).first('settled_at')) as { settled_at: Date | null }).settled_at;

/** Supertest buffers a binary body this way. */
const binary = (req: request.Test) =>
  req.buffer(true).parse((res, callback) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('end', () => callback(null, Buffer.concat(chunks)));
  });

async function pdfText(pdf: Buffer): Promise<string> {
  const result = await new PDFParse({ data: pdf }).getText();
  return result.text.replace(/[\u00a0\u202f]/g, ' ');
}

/** Posts the counter form as staff do: CSRF token and form key from the page that shows it. */
async function postCounter(familyId: number, fields: Record<string, string | string[]>) {
  const page = `/${SLUG}/admin/familles/${familyId}/encaissement`;
  const shown = await staff.agent.get(page).expect(200);
  const idempotency_key = html(shown.text)('input[name="idempotency_key"]').val() as string;
  const _csrf = await csrfTokenFrom(staff.agent, page);
  return staff.agent.post(page).type('form').send({ _csrf, idempotency_key, ...fields });
}

describe('counter payments (« Encaisser au guichet »)', () => {
  it('pays two invoices by cheque: both soldées, one receipt numbered, audited, and the receipt PDF for staff and the family', async () => {
    const billed = await billedFamily();
    const form = await staff.agent.get(`/${SLUG}/admin/familles/${billed.family.familyId}/encaissement?facture=${billed.october}`).expect(200);
    const $ = html(form.text);
    expect($(`#field-factures-${billed.october}`).attr('checked')).toBeDefined();
    expect($(`#field-factures-${billed.november}`).attr('checked')).toBeUndefined();
    expect($('fieldset#field-factures').text().replace(/[\u00a0\u202f]/g, ' ')).toContain('octobre 2026 – 42,50 €');

    const response = await postCounter(billed.family.familyId, {
      factures: [String(billed.october), String(billed.november)],
      moyen: 'cheque',
      numeroCheque: '1234567',
      banque: 'Banque Alpine',
      // Whatever amount a form sends is not read.
      montant: '1',
    });
    expect(response.status).toBe(303);
    const [payment] = await paymentsOf(billed.family.familyId);
    expect(payment).toMatchObject({ method: 'counter', status: 'paid', amount_cents: 5100, counter_means: 'cheque', cheque_number: '1234567', created_by: staff.user.id });
    expect(payment.receipt_number).toMatch(/^REC-2026-\d{6}$/);
    expect(response.headers.location).toBe(`/${SLUG}/admin/paiements/${payment.id}`);
    expect(await settledAt(billed.october)).toEqual(payment.paid_at);
    expect(await settledAt(billed.november)).toEqual(payment.paid_at);
    const links = await db()('payment_invoices').where({ payment_id: payment.id }).orderBy('invoice_id');
    expect(links.map((link) => [link.invoice_id, link.amount_cents, link.payment_status])).toEqual([
      [billed.october, 4250, 'paid'],
      [billed.november, 850, 'paid'],
    ]);
    const audit = await db()('audit_log').where({ commune_id: commune.id, action: 'counter_payment', entity_id: payment.id }).first();
    expect(audit).toMatchObject({ staff_id: staff.user.id, family_id: billed.family.familyId });

    const receiptPage = await staff.agent.get(response.headers.location!).expect(200);
    const receipt = html(receiptPage.text);
    expect(receipt('h1').text()).toBe(`Reçu n° ${payment.receipt_number}`);
    expect(receipt('main').text().replace(/\s+/g, ' ')).toContain(billed.numbers.october);
    expect(receipt('.notice').text()).toContain(`reçu n° ${payment.receipt_number}`);

    const staffPdf = await binary(staff.agent.get(`/${SLUG}/admin/paiements/${payment.id}/recu.pdf`)).expect(200);
    expect(staffPdf.headers['content-type']).toBe('application/pdf');
    const familyPdf = await binary(billed.family.parents[0]!.agent.get(`/${SLUG}/paiements/${payment.id}/recu.pdf`)).expect(200);
    const text = await pdfText(familyPdf.body as Buffer);
    expect(text).toContain(`Reçu n° ${payment.receipt_number}`);
    expect(text).toContain(`Famille ${billed.family.name}`);
    expect(text).toContain('chèque n° 1234567 (Banque Alpine)');
    expect(text).toMatch(new RegExp(`${billed.numbers.october} octobre 2026 42,50 €`));
    expect(text).toMatch(new RegExp(`${billed.numbers.november} novembre 2026 8,50 €`));
    expect(text).toMatch(/Total payé 51,00 €/);

    // Another family's receipt: not found.
    const other = await billedFamily();
    await other.family.parents[0]!.agent.get(`/${SLUG}/paiements/${payment.id}/recu.pdf`).expect(404);

    // Another commune's staff, or an id that names no row: not found.
    const villennes = await demoAgent(t, 'villennes');
    await villennes.agent.get(`/villennes/admin/paiements/${payment.id}`).expect(404);
    await billed.family.parents[0]!.agent.get(`/${SLUG}/paiements/0${payment.id}/recu.pdf`).expect(404);
    // A parent does not reach the staff pages.
    await billed.family.parents[0]!.agent.get(`/${SLUG}/admin/paiements/${payment.id}`).expect((response) => expect(response.status).not.toBe(200));

    // The invoice's page says which receipt paid it, and no longer offers the counter.
    const invoicePage = html((await staff.agent.get(`/${SLUG}/admin/facturation/factures/${billed.october}`).expect(200)).text);
    expect(invoicePage('#payments-title').text()).toContain('(1)');
    expect(invoicePage(`a[href="/${SLUG}/admin/paiements/${payment.id}"]`).text()).toBe(`Reçu n° ${payment.receipt_number}`);
    expect(invoicePage('a[href*="/encaissement"]')).toHaveLength(0);
    const unpaid = html((await staff.agent.get(`/${SLUG}/admin/facturation/factures/${other.november}`).expect(200)).text);
    expect(unpaid('a[href*="/encaissement"]').attr('href')).toBe(`/${SLUG}/admin/familles/${other.family.familyId}/encaissement?facture=${other.november}`);
    expect(unpaid('#payments-title')).toHaveLength(0);

    const familyFile = html((await staff.agent.get(`/${SLUG}/admin/familles/${billed.family.familyId}`).expect(200)).text);
    expect(familyFile(`a[href="/${SLUG}/admin/familles/${billed.family.familyId}/encaissement"]`).text()).toBe('Encaisser au guichet');

    // The invoices now read « Soldée » for the family.
    const list = await billed.family.parents[0]!.agent.get(`/${SLUG}/factures?statut=soldees`).expect(200);
    expect(html(list.text)('table tbody tr').text()).toContain('Soldée');
  });

  it('numbers receipts gap-free, one after the other', async () => {
    const first = await billedFamily();
    const a = await payments().recordCounterPayment(commune, staff.user, first.family.familyId, [first.october], 'cash');
    const b = await payments().recordCounterPayment(commune, staff.user, first.family.familyId, [first.november], 'cesu');
    const sequence = (receipt: string) => Number(receipt.slice(-6));
    expect(sequence(b.receiptNumber)).toBe(sequence(a.receiptNumber) + 1);
  });

  it('refuses a form without invoice or a cheque without its number, with the message next to the field, nothing written', async () => {
    const billed = await billedFamily();
    const none = await postCounter(billed.family.familyId, { moyen: 'cash' });
    expect(none.status).toBe(400);
    expect(html(none.text)('#error-factures').text()).toContain('Choisissez au moins une facture à payer');
    const cheque = await postCounter(billed.family.familyId, { factures: String(billed.october), moyen: 'cheque', numeroCheque: ' ' });
    expect(cheque.status).toBe(400);
    const $ = html(cheque.text);
    expect($('#error-numeroCheque').text()).toContain('Indiquez le numéro du chèque');
    expect($('.error-summary').text()).toContain('Indiquez le numéro du chèque');
    // The form is filled back in.
    expect($(`#field-factures-${billed.october}`).attr('checked')).toBeDefined();
    expect($('#field-moyen-cheque').attr('checked')).toBeDefined();
    expect(await paymentsOf(billed.family.familyId)).toEqual([]);
  });

  it('refuses another family’s invoice (404), nothing written', async () => {
    const billed = await billedFamily();
    const other = await billedFamily();
    const response = await postCounter(billed.family.familyId, { factures: [String(billed.october), String(other.october)], moyen: 'cash' });
    expect(response.status).toBe(404);
    await expect(payments().recordCounterPayment(commune, staff.user, billed.family.familyId, [other.october], 'cash')).rejects.toBeInstanceOf(NotFoundError);
    expect(await paymentsOf(billed.family.familyId)).toEqual([]);
    expect(await settledAt(billed.october)).toBeNull();
    expect(await settledAt(other.october)).toBeNull();
    // Another commune's staff do not reach it either.
    const villennes = await communeOf(t, 'villennes');
    const { user: villennesAgent } = await demoAgent(t, 'villennes');
    await expect(payments().recordCounterPayment(villennes, villennesAgent, billed.family.familyId, [billed.october], 'cash')).rejects.toBeInstanceOf(NotFoundError);
  });

  it('refuses a settled invoice with a clear message (409), nothing written', async () => {
    const billed = await billedFamily();
    await payments().recordCounterPayment(commune, staff.user, billed.family.familyId, [billed.october], 'cash');
    const response = await postCounter(billed.family.familyId, { factures: [String(billed.october), String(billed.november)], moyen: 'cash' });
    expect(response.status).toBe(409);
    expect(html(response.text)('.error-summary').text()).toContain(`Cette facture est déjà soldée (${billed.numbers.october})`);
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(1);
    expect(await settledAt(billed.november)).toBeNull();
  });

  it('acts once for the same form posted twice', async () => {
    const billed = await billedFamily();
    const page = `/${SLUG}/admin/familles/${billed.family.familyId}/encaissement`;
    const shown = await staff.agent.get(page).expect(200);
    const idempotency_key = html(shown.text)('input[name="idempotency_key"]').val() as string;
    const _csrf = await csrfTokenFrom(staff.agent, page);
    const send = () => staff.agent.post(page).type('form').send({ _csrf, idempotency_key, factures: String(billed.october), moyen: 'cash' });
    const [first, second] = await Promise.all([send(), send()]);
    expect([first.status, second.status]).toEqual([303, 303]);
    expect(first.headers.location).toBe(second.headers.location);
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(1);
  });
});

describe('one invoice, paid once', () => {
  it('two counter payments of the same invoice at the same moment: exactly one succeeds, the other is refused', async () => {
    const billed = await billedFamily();
    const results = await Promise.allSettled([
      payments().recordCounterPayment(commune, staff.user, billed.family.familyId, [billed.october, billed.november], 'cash'),
      payments().recordCounterPayment(commune, staff.user, billed.family.familyId, [billed.november], 'cesu'),
    ]);
    const fulfilled = results.filter((result) => result.status === 'fulfilled');
    const rejected = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(PaymentRefusedError);
    expect((rejected[0]!.reason as PaymentRefusedError).status).toBe(409);
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(1);
    const live = await db()('payment_invoices').where({ invoice_id: billed.november }).whereIn('payment_status', ['pending', 'paid']);
    expect(live).toHaveLength(1);
  });

  it('a counter payment and an online one at the same moment: exactly one holds the invoice', async () => {
    const billed = await billedFamily();
    const parent = billed.family.parents[0]!.user;
    const results = await Promise.allSettled([
      payments().recordCounterPayment(commune, staff.user, billed.family.familyId, [billed.october], 'cash'),
      payments().openOnline(commune, parent, billed.family.familyId, [billed.october], new Date(NOW.getTime() + 20 * 60_000)),
    ]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((result): result is PromiseRejectedResult => result.status === 'rejected')!;
    expect(rejected.reason).toBeInstanceOf(PaymentRefusedError);
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(1);
  });

  it('the database itself refuses a second live payment of an invoice', async () => {
    const billed = await billedFamily();
    const insert = () =>
      t.runtime.repositories.payments.insert(commune.id, {
        familyId: billed.family.familyId,
        method: 'online',
        status: 'pending',
        amountCents: 4250,
        createdBy: null,
        createdAt: NOW,
        invoices: [{ invoiceId: billed.october, amountCents: 4250 }],
      });
    await insert();
    await expect(insert()).rejects.toMatchObject({ code: '23505', constraint: 'payment_invoices_one_live_payment' });
  });

  it('an online payment under way: the invoice reads « en cours de paiement », cannot be paid at the counter; refused, it is free again', async () => {
    const billed = await billedFamily();
    const parent = billed.family.parents[0]!;
    const pending = await payments().openOnline(commune, parent.user, billed.family.familyId, [billed.october], new Date(NOW.getTime() + 20 * 60_000));
    expect(pending.amountCents).toBe(4250);
    const list = await parent.agent.get(`/${SLUG}/factures`).expect(200);
    expect(html(list.text)('table tbody tr').text()).toContain('En cours de paiement');
    const held = await payments().recordCounterPayment(commune, staff.user, billed.family.familyId, [billed.october], 'cash').catch((error: PaymentRefusedError) => error);
    expect(paymentRefusalSentence((held as PaymentRefusedError).refusal)).toMatch(/déjà dans un paiement en cours/);
    const form = html((await staff.agent.get(`/${SLUG}/admin/familles/${billed.family.familyId}/encaissement`).expect(200)).text);
    expect(form(`#field-factures-${billed.october}`).attr('disabled')).toBeDefined();
    expect(form(`#field-factures-${billed.november}`).attr('disabled')).toBeUndefined();
    expect(await payments().close(commune, pending.paymentId, 'refused', 'R')).toBe(true);
    const freed = await payments().recordCounterPayment(commune, staff.user, billed.family.familyId, [billed.october], 'cash');
    expect(freed.invoiceNumbers).toEqual([billed.numbers.october]);
  });

  it('refuses online payments under 1,00 €', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Petit' });
    const childId = await addChild(t, family);
    const small = await insertInvoice(t, family, {
      month: '2026-10',
      number: unique('FAC-2026-M'),
      issuedAt: new Date('2026-11-02T08:00:00Z'),
      dueOn: '2026-11-15',
      lines: [{ memberId: childId, childName: 'Jade', days: ['2026-10-01'], unitPriceCents: 90 }],
    });
    const refusal = await payments().openOnline(commune, family.parents[0]!.user, family.familyId, [small], NOW).catch((error: PaymentRefusedError) => error);
    expect(paymentRefusalSentence((refusal as PaymentRefusedError).refusal)).toMatch(/au moins 1,00/);
    expect(await paymentsOf(family.familyId)).toEqual([]);
  });
});

describe('settle', () => {
  it('marks every invoice settled and the payment paid with its receipt, once: a second call (or ten at once) changes nothing', async () => {
    const billed = await billedFamily();
    const pending = await payments().openOnline(commune, billed.family.parents[0]!.user, billed.family.familyId, [billed.october, billed.november], new Date(NOW.getTime() + 20 * 60_000));
    const counterBefore = await db()('counters').where({ commune_id: commune.id, series: 'receipt', year: 2026 }).first();
    expect(await payments().recordProviderOperation(commune, pending.paymentId, `op-${pending.paymentId}`, 'REFDET01')).toBe(true);
    expect((await payments().findByProviderOperation(commune, `op-${pending.paymentId}`))?.id).toBe(pending.paymentId);
    expect(await payments().findByProviderOperation(commune, 'unknown-op')).toBeUndefined();
    const first = await payments().settle(commune, pending.paymentId, 'V');
    expect(first.changed).toBe(true);
    const again = await Promise.all(Array.from({ length: 10 }, () => payments().settle(commune, pending.paymentId, 'V')));
    expect(again.every((outcome) => !outcome.changed && outcome.receiptNumber === first.receiptNumber)).toBe(true);
    const counterAfter = await db()('counters').where({ commune_id: commune.id, series: 'receipt', year: 2026 }).first();
    expect(counterAfter.value).toBe((counterBefore?.value ?? 0) + 1);
    const [payment] = await paymentsOf(billed.family.familyId);
    expect(payment).toMatchObject({ status: 'paid', receipt_number: first.receiptNumber, provider_result: 'V' });
    expect(await settledAt(billed.october)).toEqual(first.paidAt);
    expect(await settledAt(billed.november)).toEqual(first.paidAt);
  });

  it('settles an expired payment whose money came late while its invoices are free; owes its money back once another payment took them', async () => {
    const billed = await billedFamily();
    const parent = billed.family.parents[0]!.user;
    const expiresAt = new Date(NOW.getTime() + 20 * 60_000);
    const late = await payments().openOnline(commune, parent, billed.family.familyId, [billed.october], expiresAt);
    await payments().close(commune, late.paymentId, 'expired');
    expect((await payments().settle(commune, late.paymentId, 'P')).changed).toBe(true);
    expect(await settledAt(billed.october)).not.toBeNull();

    const taken = await payments().openOnline(commune, parent, billed.family.familyId, [billed.november], expiresAt);
    await payments().close(commune, taken.paymentId, 'expired');
    await payments().recordCounterPayment(commune, staff.user, billed.family.familyId, [billed.november], 'cash');
    expect(await payments().settle(commune, taken.paymentId, 'P')).toMatchObject({ changed: true, receiptNumber: null, refundCents: 850 });
    expect(await payments().settle(commune, taken.paymentId, 'P')).toMatchObject({ changed: false, refundCents: 850 });
    expect(await db()('payments').where({ id: taken.paymentId }).first()).toMatchObject({ status: 'expired', receipt_number: null, provider_result: 'P' });
    expect(await db()('payment_refunds').where({ payment_id: taken.paymentId })).toMatchObject([{ amount_cents: 850, reason: 'paid_after_close' }]);
  });

  it('refuses to settle a refused payment, and an unknown one', async () => {
    const billed = await billedFamily();
    const pending = await payments().openOnline(commune, billed.family.parents[0]!.user, billed.family.familyId, [billed.october], new Date(NOW.getTime() + 20 * 60_000));
    await payments().close(commune, pending.paymentId, 'refused', 'R');
    await expect(payments().settle(commune, pending.paymentId)).rejects.toThrow(/refused/);
    await expect(payments().settle(commune, 2_000_000_000)).rejects.toBeInstanceOf(NotFoundError);
    expect(await settledAt(billed.october)).toBeNull();
  });
});

describe('GET /:commune/historique?vue=paiements', () => {
  it('lists the family’s payments of the period: date and time, invoices, amount, means and receipt; another family’s are not there', async () => {
    const billed = await billedFamily();
    const other = await billedFamily();
    const outcome = await payments().recordCounterPayment(commune, staff.user, billed.family.familyId, [billed.october, billed.november], 'cash');
    await payments().recordCounterPayment(commune, staff.user, other.family.familyId, [other.october], 'cash');
    const page = await billed.family.parents[0]!.agent.get(`/${SLUG}/historique?vue=paiements&periode=semaine`).expect(200);
    const $ = html(page.text);
    expect($('main nav.tabs a[aria-current="page"]').text()).toBe('Paiements');
    expect($('main form[method="get"] input[name="vue"]').val()).toBe('paiements');
    const rows = $('main table tbody tr');
    expect(rows).toHaveLength(1);
    const row = rows.first().text().replace(/[\s\u00a0\u202f]+/g, ' ');
    expect(row).toContain('lundi 23 novembre 2026 à 09h00');
    expect(row).toContain(`n° ${billed.numbers.october} (octobre 2026) : 42,50 €`);
    expect(row).toContain(`n° ${billed.numbers.november} (novembre 2026) : 8,50 €`);
    expect(row).toContain('51,00 €');
    expect(row).toContain('Paiement au guichet – espèces');
    expect(rows.first().find('a[download]').attr('href')).toBe(`/${SLUG}/paiements/${outcome.paymentId}/recu.pdf`);
    expect(row).not.toContain(other.numbers.october);

    const lastMonth = await other.family.parents[0]!.agent.get(`/${SLUG}/historique?vue=paiements&periode=mois`).expect(200);
    expect(html(lastMonth.text)('main table tbody tr')).toHaveLength(1);
    const none = await (await freshFamily(t, SLUG, { prefix: 'Rien' })).parents[0]!.agent.get(`/${SLUG}/historique?vue=paiements`).expect(200);
    expect(html(none.text)('main table tbody').text()).toContain('Aucun paiement sur cette période.');
  });
});
