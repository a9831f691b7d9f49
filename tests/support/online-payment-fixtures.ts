import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as cheerio from 'cheerio';
import type request from 'supertest';
import { expect } from 'vitest';
import { startPayfipSimulator, type PayfipSimulator } from '../../src/integrations/payfip/payfip-simulator.ts';
import { addChild, freshFamily, type FreshFamily } from './fresh-family.ts';
import { insertInvoice } from './invoice-rows.ts';
import { buildTestApp, html, unique, type TestApp } from './test-app.ts';

/** Paying online against the local PayFiP simulator: the families, forms and steps the payment suites share. */

/** The real app listening on a real port, so the simulator's notifications reach it as PayFiP's would, and the simulator it pays on. */
export interface PaymentPortal {
  t: TestApp;
  simulator: PayfipSimulator;
  portalUrl: string;
  close(): Promise<void>;
}

export async function startPaymentPortal(now: Date): Promise<PaymentPortal> {
  const portal = http.createServer();
  await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', () => resolve()));
  const portalUrl = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  const simulator = await startPayfipSimulator();
  const t = buildTestApp(now, { PAYFIP_URL: simulator.soapUrl, PUBLIC_URL: portalUrl });
  portal.on('request', t.app);
  return {
    t,
    simulator,
    portalUrl,
    async close() {
      await simulator.close();
      portal.closeAllConnections();
      await new Promise<void>((resolve) => portal.close(() => resolve()));
      await t.close();
    },
  };
}

export interface Billed {
  family: FreshFamily;
  agent: request.Agent;
  childId: number;
  october: number;
  november: number;
  numbers: { october: string; november: string };
}

/** A fresh family with two unpaid invoices: October 2026 (42,50 €, ten days at 4,25 €, late) and November (8,50 €, due). */
export async function billedFamily(t: TestApp, slug: string, prefix = 'EnLigne'): Promise<Billed> {
  const family = await freshFamily(t, slug, { prefix });
  const childId = await addChild(t, family, 'Jade');
  const childName = `Jade ${family.name}`;
  const tag = unique('L').slice(2);
  const numbers = { october: `FAC-2026-O${tag}`, november: `FAC-2026-N${tag}` };
  const october = await insertInvoice(t, family, {
    month: '2026-10',
    number: numbers.october,
    issuedAt: new Date('2026-11-02T08:00:00Z'),
    dueOn: '2026-11-15',
    lines: [{ memberId: childId, childName, days: ['01', '02', '05', '06', '08', '09', '12', '13', '15', '16'].map((day) => `2026-10-${day}`), unitPriceCents: 425 }],
  });
  const november = await insertInvoice(t, family, {
    month: '2026-11',
    number: numbers.november,
    issuedAt: new Date('2026-11-20T08:00:00Z'),
    dueOn: '2026-12-15',
    lines: [{ memberId: childId, childName, days: ['2026-11-02', '2026-11-03'], unitPriceCents: 425 }],
  });
  return { family, agent: family.parents[0]!.agent, childId, october, november, numbers };
}

/** The « Payer en ligne » form of `/factures` as the parent sees it: its CSRF token and one-time key. */
export async function payForm(agent: request.Agent, slug: string) {
  const page = await agent.get(`/${slug}/factures`).expect(200);
  const $ = html(page.text);
  const form = $('form[data-pay-form]');
  return {
    $,
    _csrf: form.find('input[name="_csrf"]').val() as string,
    idempotency_key: form.find('input[name="idempotency_key"]').val() as string,
  };
}

export async function pay(agent: request.Agent, slug: string, invoiceIds: number[], keys?: { _csrf: string; idempotency_key: string }) {
  const form = keys ?? (await payForm(agent, slug));
  return agent
    .post(`/${slug}/paiement`)
    .type('form')
    .send({ _csrf: form._csrf, idempotency_key: form.idempotency_key, factures: invoiceIds.map(String) });
}

function post(url: string, fields: Record<string, string>) {
  return fetch(url, { method: 'POST', body: new URLSearchParams(fields), redirect: 'manual' });
}

/** PayFiP's three steps, with plain HTTP as a browser would: e-mail, card, ticket. The portal page the browser is sent back to. */
export async function payOnSimulator(simulator: PayfipSimulator, portalUrl: string, paymentPage: string, card: string): Promise<string> {
  expect(paymentPage.startsWith(simulator.url)).toBe(true);
  const idop = new URL(paymentPage).searchParams.get('idop')!;
  const first = await fetch(paymentPage);
  expect(first.status).toBe(200);
  const stepOne = cheerio.load(await first.text());
  expect(stepOne('#mel').val()).toContain('@example.org');
  expect(stepOne('body').text().replace(/[\u00a0\u202f]/g, ' ')).toMatch(/Montant\s*\d+,\d{2} €/);
  const afterMail = await post(`${simulator.url}/tpa/paiementws.web`, { idop, mel: stepOne('#mel').val() as string });
  expect(afterMail.status).toBe(303);
  const cardPage = await fetch(new URL(afterMail.headers.get('location')!, simulator.url));
  expect(cardPage.status).toBe(200);
  const afterCard = await post(`${simulator.url}/tpa/carte`, { idop, cardType: 'CB', cardNumber: card });
  expect(afterCard.status).toBe(303);
  const next = new URL(afterCard.headers.get('location')!, simulator.url);
  if (next.origin === portalUrl) return next.pathname + next.search;
  // The ticket, then « Retourner sur le site »: back to the portal.
  const ticket = await fetch(next);
  expect(ticket.status).toBe(200);
  const back = await fetch(new URL(`/tpa/retour?idop=${idop}`, simulator.url), { redirect: 'manual' });
  const home = new URL(back.headers.get('location')!);
  expect(home.origin).toBe(portalUrl);
  return home.pathname + home.search;
}

/** PayFiP's notification: a server-to-server POST of the operation id, to the portal's real port. */
export function notify(portalUrl: string, slug: string, idop: string) {
  return fetch(`${portalUrl}/${slug}/paiement/notification`, { method: 'POST', body: new URLSearchParams({ idop }) });
}

/** The family's SEPA mandate accepted and active, as staff do in the request queue (the other guardian's address kept simple). */
export async function putOnDirectDebit(t: TestApp, billed: Billed, reference: string): Promise<number> {
  const { commune, familyId, name, parents } = billed.family;
  const [request] = await t.runtime
    .db('requests')
    .insert({
      commune_id: commune.id,
      family_id: familyId,
      type: 'sepa_mandate',
      member_id: null,
      submitted_by: parents[0]!.user.id,
      submitted_at: new Date('2026-11-20T08:00:00Z'),
      payload: JSON.stringify({ kind: 'sepa_mandate' }),
    })
    .returning<{ id: number }[]>('id');
  const mandateId = await t.runtime.repositories.mandates.insert(commune.id, {
    familyId,
    requestId: request!.id,
    holderName: `Anne ${name}`,
    ...t.runtime.services.bankDetails.seal(commune.id, billed.family.familyId, 'FR7630001000640000001234559'),
    bic: 'BDFEFRPPCCT',
    address: '1 rue des Écoles',
    postcode: '38130',
    city: 'Échirolles',
    createdAt: new Date('2026-11-20T08:00:00Z'),
  });
  await t.runtime.db.transaction((trx) => t.runtime.repositories.mandates.activate(commune.id, mandateId, reference, '2026-11-20', trx));
  return mandateId;
}
