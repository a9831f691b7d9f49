import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Commune } from '../../src/data/commune-repository.ts';
import { PaymentRefusedError } from '../../src/domain/payment-rules.ts';
import { paymentRefusalSentence } from '../../src/i18n/payment-words.ts';
import { createPayfipProvider } from '../../src/integrations/payfip/index.ts';
import { TEST_CARDS, type PayfipSimulator } from '../../src/integrations/payfip/payfip-simulator.ts';
import { onlinePaymentService } from '../../src/services/payment/online-payment-service.ts';
import { communeOf, withFeatureOff } from '../support/fresh-family.ts';
import { insertCreditNote } from '../support/invoice-rows.ts';
import {
  billedFamily as billed,
  notify as notifyPortal,
  pay as payWith,
  payForm as payFormOf,
  payOnSimulator as payOn,
  putOnDirectDebit,
  startPaymentPortal,
  type PaymentPortal,
} from '../support/online-payment-fixtures.ts';
import { html, unique, type TestApp } from '../support/test-app.ts';

/**
 * Paying online against the local PayFiP simulator over real HTTP and SOAP (issue 12): the portal
 * listens on a real port, so the simulator's notification reaches it as PayFiP's would.
 */

// Monday 23 November 2026, as in payments.test.ts: October (42,50 €) and November (8,50 €) to pay.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const SLUG = 'echirolles';

let t: TestApp;
let commune: Commune;
let simulator: PayfipSimulator;
let portalUrl: string;
let portal: PaymentPortal;

beforeAll(async () => {
  portal = await startPaymentPortal(NOW);
  ({ t, simulator, portalUrl } = portal);
  commune = await communeOf(t, SLUG);
});
afterAll(() => portal?.close());
beforeEach(() => {
  t.clock.set(NOW);
  simulator.setNotification({ kind: 'send' });
});

const db = () => t.runtime.db;

const paymentsOf = (familyId: number) => db()('payments').where({ commune_id: commune.id, family_id: familyId }).orderBy('id');
const settledAt = async (invoiceId: number) => ((await db()('invoices').where({ id: invoiceId }).first('settled_at')) as { settled_at: Date | null }).settled_at;

const billedFamily = () => billed(t, SLUG);
const payForm = (agent: request.Agent) => payFormOf(agent, SLUG);
const pay = (agent: request.Agent, invoiceIds: number[], keys?: { _csrf: string; idempotency_key: string }) => payWith(agent, SLUG, invoiceIds, keys);
const payOnSimulator = (paymentPage: string, card: string) => payOn(simulator, portalUrl, paymentPage, card);
const notify = (idop: string) => notifyPortal(portalUrl, SLUG, idop);

describe('paying online through PayFiP (the local simulator)', () => {
  it('pays two ticked invoices: three steps, notification, both « soldée », one receipt, the return page in words', async () => {
    const billed = await billedFamily();
    const form = await payForm(billed.agent);
    expect(form.$(`#field-factures-${billed.october}`).length).toBe(1);
    expect(form.$('#hint-factures').text().replace(/[\u00a0\u202f]/g, ' ')).toContain('51,00 €');

    // The total the page showed goes with the form (the script fills it in): another one is refused, nothing written.
    expect(form.$('input[type="hidden"][name="montant"][data-pay-amount]')).toHaveLength(1);
    const tampered = await billed.agent
      .post(`/${SLUG}/paiement`)
      .type('form')
      .send({ _csrf: form._csrf, idempotency_key: form.idempotency_key, factures: [String(billed.october), String(billed.november)], montant: '1' });
    expect(tampered.status).toBe(409);
    expect(html(tampered.text)('#error-factures').text().replace(/[\u00a0\u202f]/g, ' ')).toContain('Le montant des factures cochées est de 51,00 €, et non de 0,01 €');
    expect(html(tampered.text)('#field-factures-' + billed.october).is(':checked')).toBe(true);
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(0);
    const unreadable = await billed.agent
      .post(`/${SLUG}/paiement`)
      .type('form')
      .send({ _csrf: form._csrf, factures: [String(billed.october)], montant: '12,50' });
    expect(unreadable.status).toBe(400);
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(0);

    const again = await payForm(billed.agent);
    const response = await billed.agent
      .post(`/${SLUG}/paiement`)
      .type('form')
      .send({ _csrf: again._csrf, idempotency_key: again.idempotency_key, factures: [String(billed.october), String(billed.november)], montant: '5100' });
    expect(response.status).toBe(303);
    const [pending] = await paymentsOf(billed.family.familyId);
    expect(pending).toMatchObject({ method: 'online', status: 'pending', amount_cents: 5100 });
    expect(pending.provider_operation_id).toBeTruthy();
    expect(response.headers.location).toBe(`${simulator.url}/tpa/paiementws.web?idop=${pending.provider_operation_id}`);

    const inPayment = await billed.agent.get(`/${SLUG}/factures`).expect(200);
    const held = html(inPayment.text);
    expect(held('main').text()).toContain('En cours de paiement');
    expect(held(`#field-factures-${billed.october}`).length).toBe(0);

    const back = await payOnSimulator(response.headers.location!, TEST_CARDS.paid);
    await simulator.notificationsSettled();
    const [paid] = await paymentsOf(billed.family.familyId);
    expect(paid).toMatchObject({ status: 'paid' });
    expect(paid.receipt_number).toMatch(/^REC-2026-\d{6}$/);
    expect(await settledAt(billed.october)).toEqual(paid.paid_at);
    expect(await settledAt(billed.november)).toEqual(paid.paid_at);

    expect(back).toBe(`/${SLUG}/paiement/retour?paiement=${paid.id}`);
    const page = await billed.agent.get(back).expect(200);
    const $ = html(page.text);
    expect($('h1').text()).toBe('Paiement accepté');
    expect($('main').text()).toContain(`Paiement accepté : factures ${billed.numbers.october}, ${billed.numbers.november} soldées, reçu n° ${paid.receipt_number}.`);
    expect($(`a[href="/${SLUG}/paiements/${paid.id}/recu.pdf"]`).length).toBe(1);
    await billed.agent.get(`/${SLUG}/paiements/${paid.id}/recu.pdf`).expect(200).expect('content-type', 'application/pdf');

    const settled = await billed.agent.get(`/${SLUG}/factures?statut=soldees`).expect(200);
    expect(html(settled.text)('main').text()).toContain(billed.numbers.october);
  });

  it('offers an invoice lowered by a credit note at what is left to pay, and takes that total', async () => {
    const billed = await billedFamily();
    const childId = (await t.runtime.db('members').where({ family_id: billed.family.familyId, role: 'child' }).first()).id as number;
    await insertCreditNote(t, billed.family, billed.october, {
      number: `AV-2026-${unique('C').slice(2)}`,
      month: '2026-10',
      issuedAt: new Date('2026-11-10T08:00:00Z'),
      reason: 'Deux jours de grève',
      lines: [{ memberId: childId, childName: 'Jade', days: ['2026-10-01', '2026-10-02'], unitPriceCents: 425 }],
    });
    const form = await payForm(billed.agent);
    const october = form.$(`#field-factures-${billed.october}`);
    expect(october.attr('data-cents')).toBe('3400');
    expect(form.$(`label[for="field-factures-${billed.october}"]`).text().replace(/[\u00a0\u202f]/g, ' ')).toContain('34,00 €');
    const response = await billed.agent
      .post(`/${SLUG}/paiement`)
      .type('form')
      .send({ _csrf: form._csrf, idempotency_key: form.idempotency_key, factures: [String(billed.october)], montant: '3400' });
    expect(response.status).toBe(303);
    expect((await paymentsOf(billed.family.familyId))[0]).toMatchObject({ status: 'pending', amount_cents: 3400 });
  });

  it('lets the browser follow « Payer en ligne » to the payment site: its origin is in the form-action policy', async () => {
    const csp = (await request(t.app).get('/echirolles/connexion')).headers['content-security-policy'] as string;
    const formAction = csp.split(';').map((directive) => directive.trim()).find((directive) => directive.startsWith('form-action'));
    expect(formAction).toBe(`form-action 'self' ${new URL(simulator.url).origin}`);
  });

  it('settles once when the notification is replayed 10 times in sequence, then 10 at the same moment', async () => {
    const billed = await billedFamily();
    const response = await pay(billed.agent, [billed.october]);
    expect(response.status).toBe(303);
    await payOnSimulator(response.headers.location!, TEST_CARDS.paid);
    await simulator.notificationsSettled();
    const [payment] = await paymentsOf(billed.family.familyId);
    expect(payment.status).toBe('paid');
    const counter = () => db()('counters').where({ commune_id: commune.id, series: 'receipt' }).orderBy('year');
    const before = await counter();

    for (let i = 0; i < 10; i += 1) expect((await notify(payment.provider_operation_id)).status).toBe(200);
    const parallel = await Promise.all(Array.from({ length: 10 }, () => notify(payment.provider_operation_id)));
    expect(parallel.map((answer) => answer.status)).toEqual(Array(10).fill(200));

    const after = await paymentsOf(billed.family.familyId);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ status: 'paid', receipt_number: payment.receipt_number, paid_at: payment.paid_at });
    expect(await counter()).toEqual(before);
  });

  it('answers 200 to an unknown or forged operation id and changes nothing', async () => {
    const billed = await billedFamily();
    const response = await pay(billed.agent, [billed.october]);
    expect(response.status).toBe(303);
    const before = await paymentsOf(billed.family.familyId);
    for (const idop of ['0123456789abcdef0123456789abcdef', 'x', '<script>']) expect((await notify(idop)).status).toBe(200);
    // The real operation id before the payer finished: PayFiP does not know the result yet.
    expect((await notify(before[0].provider_operation_id)).status).toBe(200);
    expect(await paymentsOf(billed.family.familyId)).toEqual(before);
    expect(await settledAt(billed.october)).toBeNull();
  });

  it('settles a payment whose notification was dropped at the next reconciliation pass', async () => {
    const billed = await billedFamily();
    simulator.setNotification({ kind: 'drop' });
    const response = await pay(billed.agent, [billed.october, billed.november]);
    await payOnSimulator(response.headers.location!, TEST_CARDS.paid);
    await simulator.notificationsSettled();
    const [pending] = await paymentsOf(billed.family.familyId);
    expect(pending.status).toBe('pending');

    // Younger than two minutes: left to its notification.
    await t.runtime.paymentReconciliation.runOnce();
    expect((await paymentsOf(billed.family.familyId))[0].status).toBe('pending');

    t.clock.set(new Date(NOW.getTime() + 3 * 60_000));
    await t.runtime.paymentReconciliation.runOnce();
    const [paid] = await paymentsOf(billed.family.familyId);
    expect(paid.status).toBe('paid');
    expect(await settledAt(billed.october)).toEqual(paid.paid_at);
    expect(await settledAt(billed.november)).toEqual(paid.paid_at);
  });

  it('closes as expired a payment left on the payment site past 20 minutes: its invoices are payable again', async () => {
    const billed = await billedFamily();
    const response = await pay(billed.agent, [billed.october]);
    expect(response.status).toBe(303);
    t.clock.set(new Date(NOW.getTime() + 10 * 60_000));
    await t.runtime.paymentReconciliation.runOnce();
    expect((await paymentsOf(billed.family.familyId))[0].status).toBe('pending');
    t.clock.set(new Date(NOW.getTime() + 21 * 60_000));
    await t.runtime.paymentReconciliation.runOnce();
    expect((await paymentsOf(billed.family.familyId))[0].status).toBe('expired');
    expect((await pay(billed.agent, [billed.october])).status).toBe(303);
  });

  it('settles an expired payment the payer finished late, when PayFiP says it is paid', async () => {
    const billed = await billedFamily();
    const response = await pay(billed.agent, [billed.october, billed.november]);
    t.clock.set(new Date(NOW.getTime() + 21 * 60_000));
    await t.runtime.paymentReconciliation.runOnce();
    expect((await paymentsOf(billed.family.familyId))[0].status).toBe('expired');
    await payOnSimulator(response.headers.location!, TEST_CARDS.paid);
    await simulator.notificationsSettled();
    const [paid] = await paymentsOf(billed.family.familyId);
    expect(paid.status).toBe('paid');
    expect(await settledAt(billed.october)).toEqual(paid.paid_at);
  });

  it('frees the invoices at once after a refused card, and after an abandon; the return page says so', async () => {
    const billed = await billedFamily();
    const refused = await pay(billed.agent, [billed.october, billed.november]);
    await payOnSimulator(refused.headers.location!, TEST_CARDS.refused);
    await simulator.notificationsSettled();
    const [first] = await paymentsOf(billed.family.familyId);
    expect(first.status).toBe('refused');
    expect(await settledAt(billed.october)).toBeNull();
    const refusedPage = html((await billed.agent.get(`/${SLUG}/paiement/retour?paiement=${first.id}`).expect(200)).text);
    expect(refusedPage('h1').text()).toBe('Paiement refusé');
    expect(refusedPage('main').text()).toContain('aucune somme n’a été débitée');

    const form = await payForm(billed.agent);
    expect(form.$(`#field-factures-${billed.october}`).length).toBe(1);
    const abandoned = await pay(billed.agent, [billed.october], form);
    const back = await payOnSimulator(abandoned.headers.location!, TEST_CARDS.abandoned);
    await simulator.notificationsSettled();
    const [, second] = await paymentsOf(billed.family.familyId);
    expect(second.status).toBe('cancelled');
    expect(html((await billed.agent.get(back).expect(200)).text)('h1').text()).toBe('Paiement abandonné');
    expect((await pay(billed.agent, [billed.october])).status).toBe(303);
  });

  it("refuses another family's invoice with 404 and writes nothing; refuses an invoice in a payment under way with its message", async () => {
    const mine = await billedFamily();
    const theirs = await billedFamily();
    const foreign = await pay(mine.agent, [mine.october, theirs.october]);
    expect(foreign.status).toBe(404);
    expect(await paymentsOf(mine.family.familyId)).toHaveLength(0);
    expect(await paymentsOf(theirs.family.familyId)).toHaveLength(0);

    expect((await pay(mine.agent, [mine.october])).status).toBe(303);
    const again = await pay(mine.agent, [mine.october, mine.november]);
    expect(again.status).toBe(409);
    const $ = html(again.text);
    expect($('.error-summary a[href="#field-factures"]').text()).toContain(mine.numbers.october);
    expect($('#error-factures').text()).toContain(mine.numbers.october);
    expect(await paymentsOf(mine.family.familyId)).toHaveLength(1);

    const none = await pay(mine.agent, []);
    expect(none.status).toBe(400);
    expect(html(none.text)('#error-factures').text()).toContain('Cochez au moins une facture');
  });

  it('starts one payment for the same form posted twice, in sequence and at the same moment', async () => {
    const billed = await billedFamily();
    const form = await payForm(billed.agent);
    const first = await pay(billed.agent, [billed.october], form);
    const second = await pay(billed.agent, [billed.october], form);
    expect(first.status).toBe(303);
    expect(second.status).toBe(303);
    expect(second.headers.location).toBe(first.headers.location);
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(1);

    const other = await payForm(billed.agent);
    const both = await Promise.all([pay(billed.agent, [billed.november], other), pay(billed.agent, [billed.november], other)]);
    expect(both.map((answer) => answer.status)).toEqual([303, 303]);
    expect(both[1]!.headers.location).toBe(both[0]!.headers.location);
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(2);
  });

  it("shows another family's return page as not found", async () => {
    const mine = await billedFamily();
    const theirs = await billedFamily();
    await pay(theirs.agent, [theirs.october]);
    const [payment] = await paymentsOf(theirs.family.familyId);
    await mine.agent.get(`/${SLUG}/paiement/retour?paiement=${payment.id}`).expect(404);
    await mine.agent.get(`/${SLUG}/paiement/retour?paiement=abc`).expect(404);
  });

  it('tells the parent to retry when PayFiP is out of reach, and writes nothing', async () => {
    const billed = await billedFamily();
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', () => resolve()));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const unreachable = onlinePaymentService(
      t.runtime.repositories,
      t.clock,
      t.runtime.services.payments,
      createPayfipProvider({ soapUrl: `http://127.0.0.1:${port}/tpa/services/securite`, timeoutMs: 2_000 }),
      portalUrl,
    );
    const refusal = await unreachable.start(commune, billed.family.parents[0]!.user, [billed.october]).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(PaymentRefusedError);
    expect((refusal as PaymentRefusedError).status).toBe(503);
    expect((refusal as PaymentRefusedError).refusal).toEqual({ code: 'provider_unavailable' });
    expect(paymentRefusalSentence((refusal as PaymentRefusedError).refusal)).toContain('aucune somme n’a été débitée');
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(0);
    expect((await pay(billed.agent, [billed.october])).status).toBe(303);
  });

  it('offers no online payment to a family on direct debit, and refuses its POST with nothing written', async () => {
    const billed = await billedFamily();
    const form = await payForm(billed.agent);
    // Its mandate is accepted meanwhile (as staff do in the request queue).
    await putOnDirectDebit(t, billed, `ECH-${billed.family.familyId}-1`);

    const refused = await pay(billed.agent, [billed.october], form);
    expect(refused.status).toBe(409);
    expect(html(refused.text)('.error-summary').text()).toContain('prélèvement automatique');
    expect(await paymentsOf(billed.family.familyId)).toEqual([]);
    const page = html((await billed.agent.get(`/${SLUG}/factures`).expect(200)).text);
    expect(page('main').text()).toContain('Vos factures sont réglées par prélèvement automatique');
    expect(page('main button').filter((_, button) => page(button).text().includes('Payer en ligne'))).toHaveLength(0);
  });

  it('shows no « Payer en ligne » and refuses the POST where the commune does not take payments online', async () => {
    const billed = await billedFamily();
    const form = await payForm(billed.agent);
    await withFeatureOff(t, SLUG, 'onlinePayment', async () => {
      const page = html((await billed.agent.get(`/${SLUG}/factures`).expect(200)).text);
      expect(page('form[data-pay-form]').length).toBe(0);
      expect((await pay(billed.agent, [billed.october], form)).status).toBe(404);
    });
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(0);
  });
});
