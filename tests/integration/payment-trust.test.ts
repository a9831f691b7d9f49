import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Commune } from '../../src/data/commune-repository.ts';
import { TEST_CARDS, type PayfipSimulator } from '../../src/integrations/payfip/payfip-simulator.ts';
import { staffAgent } from '../support/back-office-fixtures.ts';
import { communeOf } from '../support/fresh-family.ts';
import { billedFamily, notify, pay, payForm, payOnSimulator, putOnDirectDebit, startPaymentPortal, type Billed, type PaymentPortal } from '../support/online-payment-fixtures.ts';
import { html, type TestApp } from '../support/test-app.ts';

/**
 * Issue 18 points 1–3, against the local PayFiP simulator over real HTTP and SOAP and a real
 * PostgreSQL: a credit note never crosses a payment under way, money received for invoices that
 * changed is owed back (never silently counted), PayFiP is called with no transaction open, and a
 * payment the parent left is resumed or cancelled instead of blocking the invoices for 20 minutes.
 */

// Monday 23 November 2026: October (42,50 €) and November (8,50 €) to pay.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const SLUG = 'echirolles';

let t: TestApp;
let commune: Commune;
let simulator: PayfipSimulator;
let portalUrl: string;
let portal: PaymentPortal;
let staff: { agent: request.Agent; user: { id: number } };

beforeAll(async () => {
  portal = await startPaymentPortal(NOW);
  ({ t, simulator, portalUrl } = portal);
  commune = await communeOf(t, SLUG);
  staff = await staffAgent(t, SLUG);
});
afterAll(() => portal?.close());
beforeEach(() => {
  t.clock.set(NOW);
  simulator.setNotification({ kind: 'send' });
  simulator.setSoapDelay(0);
});

const db = () => t.runtime.db;
const words = (text: string) => text.replace(/[\s\u00a0\u202f]+/g, ' ').trim();
const paymentsOf = (familyId: number) => db()('payments').where({ commune_id: commune.id, family_id: familyId }).orderBy('id');
const creditNotesOf = (invoiceId: number) => db()('invoices').where({ commune_id: commune.id, credit_for_invoice_id: invoiceId });
const refundsOf = (familyId: number) => db()('payment_refunds').where({ commune_id: commune.id, family_id: familyId }).orderBy('id');
const settledAt = async (invoiceId: number) => ((await db()('invoices').where({ id: invoiceId }).first('settled_at')) as { settled_at: Date | null }).settled_at;
const mailsOf = (billed: Billed, kind: string) => db()('mail_outbox').where({ to_address: billed.family.parents[0]!.email, kind });

/** « Émettre un avoir » on the whole invoice, as staff post it from the invoice's page. */
async function creditNote(slug: string, agent: request.Agent, invoiceId: number, motif = 'Repas comptés en double') {
  const pagePath = `/${slug}/admin/facturation/factures/${invoiceId}`;
  const $ = html((await agent.get(pagePath).expect(200)).text);
  const form = $(`form[method="post"][action="${pagePath}/avoir"]`).first();
  const hidden = Object.fromEntries(form.find('input[type="hidden"]').map((_i, el) => [[$(el).attr('name')!, $(el).val() as string]]).get());
  return agent.post(`${pagePath}/avoir`).type('form').send({ ...hidden, motif });
}

/** A form of a portal page by its action, posted with its hidden fields (CSRF token, one-time key). */
async function postFormOf(agent: request.Agent, pagePath: string, action: string, fields: Record<string, string> = {}) {
  const $ = html((await agent.get(pagePath).expect(200)).text);
  const form = $(`form[method="post"][action="${action}"]`).first();
  expect(form.length, `a form to ${action} on ${pagePath}`).toBe(1);
  const hidden = Object.fromEntries(form.find('input[type="hidden"]').map((_i, el) => [[$(el).attr('name')!, $(el).val() as string]]).get());
  return agent.post(action).type('form').send({ ...hidden, ...fields });
}

describe('« Émettre un avoir » on an invoice a payment holds (issue 18 point 1)', () => {
  it('is refused while an online payment is under way, saying why and what to do; nothing is written; allowed once the payment is closed', async () => {
    const billed = await billedFamily(t, SLUG, 'Avoir');
    expect((await pay(billed.agent, SLUG, [billed.october])).status).toBe(303);
    const refused = await creditNote(SLUG, staff.agent, billed.october);
    expect(refused.status).toBe(409);
    const $ = html(refused.text);
    expect(words($('#error-motif').text())).toContain(`Un paiement en ligne de la facture ${billed.numbers.october} est en cours : attendez son résultat (au plus tard lundi 23 novembre 2026 à 09h20) avant d’émettre un avoir`);
    expect($('.error-summary a[href="#field-motif"]').length).toBe(1);
    expect(await creditNotesOf(billed.october)).toHaveLength(0);

    // The parent abandons on PayFiP: the invoice is free, the credit note goes through.
    const [payment] = await paymentsOf(billed.family.familyId);
    await payOnSimulator(simulator, portalUrl, `${simulator.url}/tpa/paiementws.web?idop=${payment.provider_operation_id}`, TEST_CARDS.abandoned);
    await simulator.notificationsSettled();
    expect((await creditNote(SLUG, staff.agent, billed.october)).status).toBe(303);
    expect(await creditNotesOf(billed.october)).toHaveLength(1);
  });

  it('races « Payer en ligne » with « Émettre un avoir » (real parallel requests): never a payment counted in full against a credited invoice', async () => {
    for (let round = 0; round < 4; round += 1) {
      const billed = await billedFamily(t, SLUG, 'Course');
      const form = await payForm(billed.agent, SLUG);
      const [paid, credited] = await Promise.all([pay(billed.agent, SLUG, [billed.october], form), creditNote(SLUG, staff.agent, billed.october)]);
      const payments = await paymentsOf(billed.family.familyId);
      const notes = await creditNotesOf(billed.october);
      if (credited.status === 303) {
        // The credit note took the invoice first: it is settled by it, the payment refused with nothing written.
        expect(notes).toHaveLength(1);
        expect(paid.status).toBe(409);
        expect(payments).toHaveLength(0);
      } else {
        // The payment took it first: the credit note is refused and says why.
        expect(credited.status).toBe(409);
        expect(notes).toHaveLength(0);
        expect(paid.status).toBe(303);
        expect(payments).toMatchObject([{ status: 'pending', amount_cents: 4250 }]);
      }
    }
  });

  it('is refused while the invoice waits in the month’s direct-debit file, until staff record the bank’s rejection', async () => {
    const slug = 'lemesnilsaintdenis';
    const lemesnil = await communeOf(t, slug);
    const lemesnilStaff = await staffAgent(t, slug);
    const billed = await billedFamily(t, slug, 'Prelevee');
    await putOnDirectDebit(t, billed, `LMSD-${billed.family.familyId}-1`);
    const file = await t.runtime.services.directDebits.exportMonth(lemesnil, lemesnilStaff.user, '2026-10');
    expect(file.xml).toContain(billed.numbers.october);

    const refused = await creditNote(slug, lemesnilStaff.agent, billed.october);
    expect(refused.status).toBe(409);
    expect(words(html(refused.text)('#error-motif').text())).toContain(
      `La facture ${billed.numbers.october} est dans le fichier de prélèvements envoyé à la banque (prélèvement du`,
    );
    expect(words(html(refused.text)('#error-motif').text())).toContain('Si la banque l’a rejeté, enregistrez d’abord le rejet');
    expect(await db()('invoices').where({ commune_id: lemesnil.id, credit_for_invoice_id: billed.october })).toHaveLength(0);
    // Downloaded again, the file is the same: the invoice in it is still owed in full.
    expect((await t.runtime.services.directDebits.exportMonth(lemesnil, lemesnilStaff.user, '2026-10')).xml).toBe(file.xml);

    const line = await db()('debit_lines').where({ commune_id: lemesnil.id, invoice_id: billed.october }).first('id');
    await t.runtime.services.directDebits.recordRejection(lemesnil, lemesnilStaff.user, line.id as number, 'AM04');
    expect((await creditNote(slug, lemesnilStaff.agent, billed.october)).status).toBe(303);
  });
});

describe('money received for invoices that changed is owed back, never silently counted (issue 18 point 1)', () => {
  /** A payment of October that expired unfinished, then paid late on PayFiP with its notification held back: its operation id. */
  async function paidAfterExpiry(billed: Billed): Promise<{ paymentId: number; idop: string }> {
    t.clock.set(NOW);
    const started = await pay(billed.agent, SLUG, [billed.october]);
    expect(started.status).toBe(303);
    t.clock.set(new Date(NOW.getTime() + 21 * 60_000));
    await t.runtime.paymentReconciliation.runOnce();
    const [expired] = await paymentsOf(billed.family.familyId);
    expect(expired.status).toBe('expired');
    simulator.setNotification({ kind: 'drop' });
    await payOnSimulator(simulator, portalUrl, started.headers.location!, TEST_CARDS.paid);
    return { paymentId: expired.id as number, idop: expired.provider_operation_id as string };
  }

  it('races the late notification with a credit note (real parallel requests): either way the credit note’s amount is owed back once, and the family told', async () => {
    for (let round = 0; round < 3; round += 1) {
      const billed = await billedFamily(t, SLUG, 'Rembourse');
      const { paymentId, idop } = await paidAfterExpiry(billed);
      const [notified, credited] = await Promise.all([notify(portalUrl, SLUG, idop), creditNote(SLUG, staff.agent, billed.october)]);
      expect(notified.status).toBe(200);
      expect(credited.status).toBe(303);
      const [payment] = await paymentsOf(billed.family.familyId);
      expect(payment).toMatchObject({ id: paymentId, status: 'paid', amount_cents: 4250 });
      expect(payment.receipt_number).toMatch(/^REC-2026-\d{6}$/);
      expect(await settledAt(billed.october)).not.toBeNull();
      const refunds = await refundsOf(billed.family.familyId);
      expect(refunds).toHaveLength(1);
      expect(refunds[0]).toMatchObject({ payment_id: paymentId, amount_cents: 4250, refunded_at: null });
      expect(['invoice_changed', 'credit_after_payment']).toContain(refunds[0].reason);
      const mails = await mailsOf(billed, 'refund_owed');
      expect(mails).toHaveLength(1);
      expect(words(mails[0].text_body as string)).toContain('42,50 € vous sont dus');
    }
  });

  it('owes back all of a late payment whose invoice another payment took since; the payment stays closed', async () => {
    const billed = await billedFamily(t, SLUG, 'Double');
    const { paymentId, idop } = await paidAfterExpiry(billed);
    await t.runtime.services.payments.recordCounterPayment(commune, staff.user as never, billed.family.familyId, [billed.october], 'cash');
    expect((await notify(portalUrl, SLUG, idop)).status).toBe(200);
    expect((await notify(portalUrl, SLUG, idop)).status).toBe(200);
    const online = (await paymentsOf(billed.family.familyId)).find((payment) => payment.id === paymentId);
    expect(online).toMatchObject({ status: 'expired', receipt_number: null });
    expect(await refundsOf(billed.family.familyId)).toMatchObject([{ payment_id: paymentId, amount_cents: 4250, reason: 'paid_after_close' }]);
    expect(await mailsOf(billed, 'refund_owed')).toHaveLength(1);
  });

  it('lists what is owed on staff’s « À rembourser » (family, amount, means), records the refund done once, and tells the family', async () => {
    const billed = await billedFamily(t, SLUG, 'Liste');
    const { idop } = await paidAfterExpiry(billed);
    expect((await creditNote(SLUG, staff.agent, billed.october)).status).toBe(303);
    await notify(portalUrl, SLUG, idop);
    const [refund] = await refundsOf(billed.family.familyId);

    const listPath = `/${SLUG}/admin/paiements/a-rembourser`;
    const $ = html((await staff.agent.get(listPath).expect(200)).text);
    expect($('h1').text()).toBe('À rembourser');
    const row = $(`tr[data-refund="${refund.id}"]`);
    expect(words(row.text())).toContain(billed.family.name);
    expect(words(row.text())).toContain('42,50 €');
    expect(words(row.text())).toContain('Paiement en ligne');
    expect(words(row.text())).toContain(billed.numbers.october);
    expect($('nav a[href$="/admin/paiements/a-rembourser"]').length).toBe(1);

    // The payment's own page says it too.
    const paymentPage = html((await staff.agent.get(`/${SLUG}/admin/paiements/${refund.payment_id}`).expect(200)).text);
    expect(words(paymentPage('[aria-labelledby="payment-refunds-title"]').text())).toContain('42,50 € à rembourser à la famille : factures modifiées (avoir ou autre paiement) après le début du paiement');

    const action = `${listPath}/${refund.id}`;
    const empty = await postFormOf(staff.agent, listPath, action, { note: ' ' });
    expect(empty.status).toBe(400);
    expect(html(empty.text)('#error-note').text()).toContain('Indiquez comment la famille a été remboursée');
    const done = await postFormOf(staff.agent, listPath, action, { note: 'virement du 24 novembre' });
    expect(done.status).toBe(303);
    expect(await refundsOf(billed.family.familyId)).toMatchObject([{ refund_note: 'virement du 24 novembre', refunded_by: staff.user.id }]);
    expect(await mailsOf(billed, 'refund_done')).toHaveLength(1);
    expect(await db()('audit_log').where({ commune_id: commune.id, action: 'refund_done', family_id: billed.family.familyId })).toMatchObject([
      { staff_id: staff.user.id, entity: 'payment', entity_id: refund.payment_id },
    ]);
    const after = html((await staff.agent.get(listPath).expect(200)).text);
    expect(after(`tr[data-refund="${refund.id}"]`).length).toBe(0);
    expect(words(after('main').text())).toContain('virement du 24 novembre');

    // Recorded already: refused with its sentence, nothing changes; another commune's staff do not see it.
    const again = await staff.agent.post(action).type('form').send({ _csrf: (await payForm(billed.agent, SLUG))._csrf, note: 'encore' });
    expect([403, 409]).toContain(again.status);
    await expect(t.runtime.services.payments.recordRefundDone(commune, staff.user as never, refund.id as number, 'encore')).rejects.toMatchObject({ refusal: { code: 'refund_done_already' } });
    const villennesStaff = await staffAgent(t, 'villennes');
    const foreign = await villennesStaff.agent.get(`/villennes/admin/paiements/a-rembourser`).expect(200);
    expect(html(foreign.text)(`tr[data-refund="${refund.id}"]`).length).toBe(0);
    expect(await mailsOf(billed, 'refund_done')).toHaveLength(1);
  });
});

describe('PayFiP is called with no transaction open (issue 18 point 2)', () => {
  it('keeps serving other pages while twelve payments wait on a slow PayFiP; each payment then goes to its page', async () => {
    const families = await Promise.all(Array.from({ length: 12 }, () => billedFamily(t, SLUG, 'Lent')));
    const reader = await billedFamily(t, SLUG, 'Lecteur');
    const forms = await Promise.all(families.map((billed) => payForm(billed.agent, SLUG)));
    simulator.setSoapDelay(2_500);
    const started = Date.now();
    const payments = Promise.all(families.map((billed, index) => pay(billed.agent, SLUG, [billed.october], forms[index])));
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Twelve payments wait on PayFiP, more than the pool's ten connections: pages that need the database still answer at once.
    const pageStarted = Date.now();
    const pages = await Promise.all([reader.agent.get(`/${SLUG}/factures`), reader.agent.get(`/${SLUG}/tableau-de-bord`), staff.agent.get(`/${SLUG}/admin`)]);
    const pageTook = Date.now() - pageStarted;
    expect(pages.map((page) => page.status)).toEqual([200, 200, 200]);
    expect(pageTook).toBeLessThan(1_500);
    const answers = await payments;
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_500);
    for (const [index, answer] of answers.entries()) {
      expect(answer.status).toBe(303);
      const [payment] = await paymentsOf(families[index]!.family.familyId);
      expect(answer.headers.location).toBe(`${simulator.url}/tpa/paiementws.web?idop=${payment.provider_operation_id}`);
    }
  });

  it('holds the invoices while PayFiP answers', async () => {
    const billed = await billedFamily(t, SLUG, 'Echec');
    const form = await payForm(billed.agent, SLUG);
    simulator.setSoapDelay(1_500);
    const first = pay(billed.agent, SLUG, [billed.october], form);
    await new Promise((resolve) => setTimeout(resolve, 300));
    // Meanwhile the invoice is held: a second payment of it is refused.
    const second = await pay(billed.agent, SLUG, [billed.october]);
    expect(second.status).toBe(409);
    expect((await first).status).toBe(303);

    // (A call that fails discards the payment at once: « tells the parent to retry when PayFiP is out of reach » in online-payment.test.ts.)
  });
});

describe('a payment the parent left unfinished (issue 18 point 3)', () => {
  /** The parent starts paying October, then presses Back on PayFiP's page: the operation's page. */
  async function leftPayment(billed: Billed) {
    const started = await pay(billed.agent, SLUG, [billed.october]);
    expect(started.status).toBe(303);
    const [payment] = await paymentsOf(billed.family.familyId);
    return { page: started.headers.location!, paymentId: payment.id as number };
  }

  it('says what is happening on « Factures » and resumes the same PayFiP operation, never a second one', async () => {
    const billed = await billedFamily(t, SLUG, 'Reprise');
    const left = await leftPayment(billed);
    t.clock.set(new Date(NOW.getTime() + 4 * 60_000));
    const $ = html((await billed.agent.get(`/${SLUG}/factures`).expect(200)).text);
    const notice = $(`[data-pending-payment="${left.paymentId}"]`);
    expect(words(notice.text())).toContain(`Vous avez commencé le lundi 23 novembre 2026 à 09h00 un paiement en ligne de 42,50 € de la facture ${billed.numbers.october}, sans le terminer`);
    expect(words(notice.text())).toContain('jusqu’à 09h15');
    expect(notice.find('button').map((_i, el) => $(el).text()).get()).toEqual(['Reprendre le paiement']);
    // The invoice's own page says the same, with the same way on.
    const detail = html((await billed.agent.get(`/${SLUG}/factures/${billed.october}`).expect(200)).text);
    expect(detail(`[data-pending-payment="${left.paymentId}"] form[action="/${SLUG}/paiement/${left.paymentId}/reprendre"]`).length).toBe(1);
    expect(html((await billed.agent.get(`/${SLUG}/factures/${billed.november}`).expect(200)).text)('[data-pending-payment]').length).toBe(0);

    const resumed = await postFormOf(billed.agent, `/${SLUG}/factures`, `/${SLUG}/paiement/${left.paymentId}/reprendre`);
    expect(resumed.status).toBe(303);
    expect(resumed.headers.location).toBe(left.page);
    expect(await paymentsOf(billed.family.familyId)).toHaveLength(1);

    // Not cancellable while PayFiP can still take it: refused with when it can be, nothing changes.
    const early = await postFormOf(billed.agent, `/${SLUG}/paiement/retour?paiement=${left.paymentId}`, `/${SLUG}/paiement/${left.paymentId}/reprendre`);
    expect(early.status).toBe(303);
    const csrf = (await payForm(billed.agent, SLUG))._csrf;
    const refused = await billed.agent.post(`/${SLUG}/paiement/${left.paymentId}/annuler`).type('form').send({ _csrf: csrf });
    expect(refused.status).toBe(409);
    expect(words(html(refused.text)('.error-summary').text())).toContain('Ce paiement peut encore être terminé sur le site de paiement, jusqu’à 09h15 : il ne peut donc pas être annulé avant 09h16');
    expect((await paymentsOf(billed.family.familyId))[0].status).toBe('pending');

    // Resumed, then paid: the same operation, one payment, the invoice settled.
    const back = await payOnSimulator(simulator, portalUrl, resumed.headers.location!, TEST_CARDS.paid);
    await simulator.notificationsSettled();
    expect(back).toBe(`/${SLUG}/paiement/retour?paiement=${left.paymentId}`);
    expect(await paymentsOf(billed.family.familyId)).toMatchObject([{ id: left.paymentId, status: 'paid' }]);
    expect(await settledAt(billed.october)).not.toBeNull();
  });

  it('offers « Annuler ce paiement » once PayFiP can no longer take it: the invoices are payable again at once', async () => {
    const billed = await billedFamily(t, SLUG, 'Annule');
    const left = await leftPayment(billed);
    t.clock.set(new Date(NOW.getTime() + 16 * 60_000));
    const $ = html((await billed.agent.get(`/${SLUG}/factures`).expect(200)).text);
    const notice = $(`[data-pending-payment="${left.paymentId}"]`);
    expect(notice.find('button').map((_i, el) => $(el).text()).get()).toEqual(['Annuler ce paiement']);
    expect(words(notice.text())).toContain('annulez-le pour payer à nouveau cette facture');
    // « Reprendre » posted anyway: not the PayFiP page any more, the payment's own page.
    const csrf = (await payForm(billed.agent, SLUG))._csrf;
    const resumed = await billed.agent.post(`/${SLUG}/paiement/${left.paymentId}/reprendre`).type('form').send({ _csrf: csrf });
    expect(resumed.headers.location).toBe(`/${SLUG}/paiement/retour?paiement=${left.paymentId}`);

    const cancelled = await postFormOf(billed.agent, `/${SLUG}/factures`, `/${SLUG}/paiement/${left.paymentId}/annuler`);
    expect(cancelled.status).toBe(303);
    expect(cancelled.headers.location).toBe(`/${SLUG}/factures`);
    expect((await paymentsOf(billed.family.familyId))[0]).toMatchObject({ status: 'cancelled' });
    const after = html((await billed.agent.get(`/${SLUG}/factures`).expect(200)).text);
    expect(words(after('[role="status"]').text())).toContain(`Paiement de 42,50 € annulé : aucune somme n’a été débitée, la facture ${billed.numbers.october} est de nouveau à payer.`);
    expect(after(`#field-factures-${billed.october}`).length).toBe(1);
    expect(after('[data-pending-payment]').length).toBe(0);
    expect((await pay(billed.agent, SLUG, [billed.october])).status).toBe(303);
  });

  it('cancels at once a payment PayFiP never took, and refuses another family’s payment with 404', async () => {
    const billed = await billedFamily(t, SLUG, 'SansOp');
    const other = await billedFamily(t, SLUG, 'Autre');
    // Opened, then the process stopped before PayFiP answered: no operation, nothing can be paid.
    const opened = await t.runtime.services.payments.openOnline(commune, billed.family.parents[0]!.user, billed.family.familyId, [billed.october], new Date(NOW.getTime() + 20 * 60_000));
    const $ = html((await billed.agent.get(`/${SLUG}/factures`).expect(200)).text);
    expect($(`[data-pending-payment="${opened.paymentId}"] button`).map((_i, el) => $(el).text()).get()).toEqual(['Annuler ce paiement']);

    const csrf = (await payForm(other.agent, SLUG))._csrf;
    await other.agent.post(`/${SLUG}/paiement/${opened.paymentId}/annuler`).type('form').send({ _csrf: csrf }).expect(404);
    await other.agent.post(`/${SLUG}/paiement/${opened.paymentId}/reprendre`).type('form').send({ _csrf: csrf }).expect(404);
    await other.agent.get(`/${SLUG}/paiement/retour?paiement=${opened.paymentId}`).expect(404);
    expect((await paymentsOf(billed.family.familyId))[0].status).toBe('pending');
    // Without the CSRF token: refused.
    await billed.agent.post(`/${SLUG}/paiement/${opened.paymentId}/annuler`).type('form').send({}).expect(403);

    expect((await postFormOf(billed.agent, `/${SLUG}/factures`, `/${SLUG}/paiement/${opened.paymentId}/annuler`)).status).toBe(303);
    expect((await paymentsOf(billed.family.familyId))[0].status).toBe('cancelled');
    // The operation recorded after the cancel (a call that was still under way) is not sent to the payer.
    expect(await t.runtime.services.payments.recordProviderOperation(commune, opened.paymentId, 'late-operation', 'REF')).toBe(false);
  });

  it('owes back the money if a cancelled payment’s old operation is paid after all and its invoice paid again', async () => {
    const billed = await billedFamily(t, SLUG, 'Filet');
    const left = await leftPayment(billed);
    t.clock.set(new Date(NOW.getTime() + 16 * 60_000));
    expect((await postFormOf(billed.agent, `/${SLUG}/factures`, `/${SLUG}/paiement/${left.paymentId}/annuler`)).status).toBe(303);
    const again = await pay(billed.agent, SLUG, [billed.october]);
    expect(again.status).toBe(303);
    // The simulator's own clock is real time: its old operation can still be paid here, as PayFiP would not.
    await payOnSimulator(simulator, portalUrl, left.page, TEST_CARDS.paid);
    await simulator.notificationsSettled();
    expect(await refundsOf(billed.family.familyId)).toMatchObject([{ payment_id: left.paymentId, amount_cents: 4250, reason: 'paid_after_close' }]);
    expect((await paymentsOf(billed.family.familyId)).map((payment) => payment.status)).toEqual(['cancelled', 'pending']);
  });
});
