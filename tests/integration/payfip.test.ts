import http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as cheerio from 'cheerio';
import soap from 'soap';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createPayfipProvider } from '../../src/integrations/payfip/payfip-provider.ts';
import { fixedClock } from '../../src/integrations/clock.ts';
import { startPayfipSimulator, TEST_CARDS, type PayfipSimulator } from '../../src/integrations/payfip/payfip-simulator.ts';
import { WSDL_PATH } from '../../src/integrations/payfip/payfip-protocol.ts';
import {
  PaymentProviderError,
  UnknownPaymentError,
  type CreatePaymentRequest,
  type PaymentProvider,
} from '../../src/integrations/payfip/payment-provider.ts';

/**
 * The PayFiP adapter against the local simulator, over real HTTP and SOAP: the adapter is the code
 * under test, the simulator plays PayFiP, and a small HTTP server plays the portal's urlnotif.
 */

interface Notification {
  contentType: string | undefined;
  body: string;
}

let simulator: PayfipSimulator;
let provider: PaymentProvider;
let portal: http.Server;
let portalUrl: string;
let notifications: Notification[] = [];
let refdetCounter = 0;
const clock = fixedClock(new Date('2026-12-01T11:05:00Z'));

beforeAll(async () => {
  portal = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      if (request.method === 'POST' && request.url === '/echirolles/paiement/notification') {
        notifications.push({ contentType: request.headers['content-type'], body: Buffer.concat(chunks).toString('utf8') });
      }
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => portal.listen(0, '127.0.0.1', resolve));
  portalUrl = `http://127.0.0.1:${(portal.address() as AddressInfo).port}`;
  simulator = await startPayfipSimulator({ now: clock.now });
  provider = createPayfipProvider({ soapUrl: simulator.soapUrl });
});

afterEach(() => {
  clock.set(new Date('2026-12-01T11:05:00Z'));
  simulator.setNotification({ kind: 'send' });
  notifications = [];
});

afterAll(async () => {
  await simulator.close();
  await new Promise<void>((resolve) => portal.close(() => resolve()));
});

function paymentRequest(overrides: Partial<CreatePaymentRequest> = {}): CreatePaymentRequest {
  refdetCounter += 1;
  return {
    numcli: '123456',
    exer: 2026,
    refdet: `PAI2026${String(refdetCounter).padStart(6, '0')}`,
    montantCents: 4_250,
    mel: 'parent@echirolles.example.org',
    objet: 'Factures FA2026000012 FA2026000013',
    urlnotif: `${portalUrl}/echirolles/paiement/notification`,
    urlredirect: `${portalUrl}/echirolles/paiement/retour?paiement=42`,
    saisie: 'T',
    ...overrides,
  };
}

/** A browser without JavaScript: follows nothing by itself, so each redirect is checked. */
async function get(url: string): Promise<{ status: number; location: string | null; $: cheerio.CheerioAPI }> {
  const response = await fetch(url, { redirect: 'manual' });
  return { status: response.status, location: response.headers.get('location'), $: cheerio.load(await response.text()) };
}

async function post(url: string, fields: Record<string, string>) {
  const response = await fetch(url, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
  return { status: response.status, location: response.headers.get('location'), $: cheerio.load(await response.text()) };
}

function absolute(location: string | null): string {
  expect(location).toBeTruthy();
  return new URL(location!, simulator.url).toString();
}

/** Steps 1 and 2 of the payment site with the given card; answers the card step's response. */
async function payWithCard(idOp: string, cardNumber: string) {
  const stepOne = await get(provider.paymentPageUrl(idOp));
  expect(stepOne.status).toBe(200);
  const form = stepOne.$('form').first();
  const afterEmail = await post(new URL(form.attr('action')!, simulator.url).toString(), {
    idop: String(form.find('input[name=idop]').val()),
    mel: String(form.find('input[name=mel]').val()),
  });
  expect(afterEmail.status).toBe(303);
  const stepTwo = await get(absolute(afterEmail.location));
  expect(stepTwo.status).toBe(200);
  const cardForm = stepTwo.$('form').first();
  return post(new URL(cardForm.attr('action')!, simulator.url).toString(), {
    idop: String(cardForm.find('input[name=idop]').val()),
    cardType: 'CB',
    cardNumber,
  });
}

describe('PayFiP adapter against the local simulator', () => {
  describe('a parent who pays with the accepted test card', () => {
    it('goes through the three steps, is notified with the idop only, and paymentDetails answers paid', async () => {
      const request = paymentRequest();
      const { idOp } = await provider.createPayment(request);
      expect(idOp).toMatch(/^[0-9a-f]{32}$/);
      expect(provider.paymentPageUrl(idOp)).toBe(`${simulator.url}/tpa/paiementws.web?idop=${idOp}`);

      const stepOne = await get(provider.paymentPageUrl(idOp));
      expect(stepOne.$('title').text()).toContain('Étape 1 sur 3');
      expect(stepOne.$('.summary').text()).toContain(request.refdet);
      expect(stepOne.$('.summary').text()).toContain('42,50');
      expect(stepOne.$('label[for=mel]').text()).toBe('Adresse e-mail');
      expect(stepOne.$('#mel').val()).toBe(request.mel);

      const cardStep = await payWithCard(idOp, '1111 2222 3333 4444');
      expect(cardStep.status).toBe(303);
      await simulator.notificationsSettled();
      expect(notifications).toEqual([{ contentType: 'application/x-www-form-urlencoded', body: `idop=${idOp}` }]);

      const ticket = await get(absolute(cardStep.location));
      expect(ticket.status).toBe(200);
      expect(ticket.$('title').text()).toContain('Étape 3 sur 3');
      expect(ticket.$('[role=status]').text()).toContain('accepté');
      const back = await get(absolute(ticket.$('a.button').attr('href')!));
      expect(back.status).toBe(303);
      expect(back.location).toBe(request.urlredirect);

      const details = await provider.paymentDetails(idOp);
      expect(details).toEqual({
        result: 'paid',
        resultrans: 'P',
        amountCents: 4_250,
        refdet: request.refdet,
        dattrans: '01122026',
        heurtrans: '1205',
        numauto: expect.stringMatching(/^\d{6}$/),
      });
    });
  });

  it('answers unknown_yet while the parent is still on the payment site (PayFiP P5)', async () => {
    const { idOp } = await provider.createPayment(paymentRequest());
    await get(provider.paymentPageUrl(idOp));
    expect(await provider.paymentDetails(idOp)).toEqual({ result: 'unknown_yet' });
  });

  it('answers refused for the refused test card, with its ticket and its notification', async () => {
    const { idOp } = await provider.createPayment(paymentRequest());
    const cardStep = await payWithCard(idOp, TEST_CARDS.refused);
    const ticket = await get(absolute(cardStep.location));
    expect(ticket.$('[role=status]').text()).toContain('refusé');
    await simulator.notificationsSettled();
    expect(notifications.map((notification) => notification.body)).toEqual([`idop=${idOp}`]);
    expect(await provider.paymentDetails(idOp)).toMatchObject({ result: 'refused', resultrans: 'R', amountCents: 4_250 });
    expect(await provider.paymentDetails(idOp)).not.toHaveProperty('numauto');
  });

  it('answers cancelled for the abandon test card, and sends the browser straight back', async () => {
    const request = paymentRequest();
    const { idOp } = await provider.createPayment(request);
    const cardStep = await payWithCard(idOp, TEST_CARDS.abandoned);
    expect(cardStep.status).toBe(303);
    expect(cardStep.location).toBe(request.urlredirect);
    await simulator.notificationsSettled();
    expect(notifications.map((notification) => notification.body)).toEqual([`idop=${idOp}`]);
    expect(await provider.paymentDetails(idOp)).toMatchObject({ result: 'cancelled', resultrans: 'A' });
  });

  it('answers cancelled when the parent presses « Abandonner le paiement » at the first step', async () => {
    const request = paymentRequest();
    const { idOp } = await provider.createPayment(request);
    const back = await post(`${simulator.url}/tpa/paiementws.web`, { idop: idOp, action: 'abandonner' });
    expect(back.location).toBe(request.urlredirect);
    expect(await provider.paymentDetails(idOp)).toMatchObject({ result: 'cancelled' });
  });

  it('refuses to go on after the 15 minutes an idOp is valid, and still answers unknown_yet (P5) as PayFiP does', async () => {
    const request = paymentRequest();
    const { idOp } = await provider.createPayment(request);
    expect((await get(provider.paymentPageUrl(idOp))).status).toBe(200);
    clock.set(new Date('2026-12-01T11:20:01Z'));
    const late = await get(provider.paymentPageUrl(idOp));
    expect(late.status).toBe(410);
    expect(late.$('h1').text()).toBe('Délai de paiement dépassé');
    expect(late.$('a.button').attr('href')).toBe(request.urlredirect);
    const card = await post(`${simulator.url}/tpa/carte`, { idop: idOp, cardType: 'CB', cardNumber: TEST_CARDS.paid });
    expect(card.status).toBe(410);
    expect(await provider.paymentDetails(idOp)).toEqual({ result: 'unknown_yet' });
    expect(notifications).toEqual([]);
  });

  it('throws UnknownPaymentError for an idOp PayFiP never issued (P1)', async () => {
    const error = await provider.paymentDetails('0123456789abcdef0123456789abcdef').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UnknownPaymentError);
    expect(error).toMatchObject({ code: 'P1', idOp: '0123456789abcdef0123456789abcdef' });
  });

  it('still answers paid when the notification is dropped', async () => {
    simulator.setNotification({ kind: 'drop' });
    const { idOp } = await provider.createPayment(paymentRequest());
    await payWithCard(idOp, TEST_CARDS.paid);
    await simulator.notificationsSettled();
    expect(notifications).toEqual([]);
    expect(await provider.paymentDetails(idOp)).toMatchObject({ result: 'paid', resultrans: 'P' });
  });

  it('sends a delayed notification after the payment is already readable', async () => {
    simulator.setNotification({ kind: 'delay', ms: 300 });
    const { idOp } = await provider.createPayment(paymentRequest());
    await payWithCard(idOp, TEST_CARDS.paid);
    expect(notifications).toEqual([]);
    expect(await provider.paymentDetails(idOp)).toMatchObject({ result: 'paid' });
    await simulator.notificationsSettled();
    expect(notifications.map((notification) => notification.body)).toEqual([`idop=${idOp}`]);
  });

  describe('a card number the simulator does not know', () => {
    it('answers 400 with the error summary and the message next to the field, and keeps what was typed', async () => {
      const { idOp } = await provider.createPayment(paymentRequest());
      const answer = await payWithCard(idOp, '1234 5678');
      expect(answer.status).toBe(400);
      expect(answer.$('title').text()).toMatch(/^Erreur : Étape 2 sur 3/);
      expect(answer.$('.error-summary a').attr('href')).toBe('#cardNumber');
      expect(answer.$('#cardNumber-error').text()).toContain('16 chiffres');
      expect(answer.$('#cardNumber').attr('aria-invalid')).toBe('true');
      expect(answer.$('#cardNumber').attr('aria-describedby')).toContain('cardNumber-error');
      expect(answer.$('#cardNumber').val()).toBe('1234 5678');
      expect(answer.$('input[name=cardType][value=CB]').attr('checked')).toBeDefined();
      expect(await provider.paymentDetails(idOp)).toEqual({ result: 'unknown_yet' });
      expect(notifications).toEqual([]);
    });
  });

  it('refuses a malformed request before calling PayFiP', async () => {
    await expect(provider.createPayment(paymentRequest({ refdet: 'fa-12' }))).rejects.toThrow(/refdet/);
    await expect(provider.createPayment(paymentRequest({ montantCents: 99 }))).rejects.toThrow(/montant/);
    await expect(provider.createPayment(paymentRequest({ objet: 'Crèche' }))).rejects.toThrow(/objet/);
  });

  it('serves its WSDL like PayFiP does, at the endpoint with ?wsdl', async () => {
    const response = await fetch(`${simulator.soapUrl}?wsdl`);
    const wsdl = await response.text();
    expect(wsdl).toContain('creerPaiementSecurise');
    expect(wsdl).toContain('recupererDetailPaiementSecurise');
  });

  it('notifies once when the card form is sent twice (a double click)', async () => {
    const { idOp } = await provider.createPayment(paymentRequest());
    const first = await payWithCard(idOp, TEST_CARDS.paid);
    const again = await post(`${simulator.url}/tpa/carte`, { idop: idOp, cardType: 'CB', cardNumber: TEST_CARDS.refused });
    expect(again.status).toBe(303);
    expect(again.location).toBe(first.location);
    await simulator.notificationsSettled();
    expect(notifications.map((notification) => notification.body)).toEqual([`idop=${idOp}`]);
    expect(await provider.paymentDetails(idOp)).toMatchObject({ result: 'paid' });
  });

  it('answers a malformed creerPaiementSecurise with a FonctionnelleErreur fault, as PayFiP does', async () => {
    const client = await soap.createClientAsync(WSDL_PATH, { endpoint: simulator.soapUrl });
    const arg0 = { exer: '2026', mel: 'parent@echirolles.example.org', montant: '4250', numcli: '123456', objet: 'Factures', refdet: 'AB', saisie: 'T', urlnotif: `${portalUrl}/n`, urlredirect: `${portalUrl}/r` };
    const fault = await client.creerPaiementSecuriseAsync({ arg0 }).catch((caught: { root?: unknown; response?: { status: number } }) => caught);
    expect(fault.response?.status).toBe(500);
    expect(fault.root).toMatchObject({
      Envelope: { Body: { Fault: { faultstring: 'fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur', detail: { FonctionnelleErreur: { code: 'FORMAT' } } } } },
    });
  });
});

/**
 * The simulator's `soap` server writes the answer's fields without a namespace prefix; PayFiP's
 * own service qualifies them in its …/reponse namespace and puts the FonctionnelleErreur of a
 * fault in that namespace too (the shape public integrations parse). This bare HTTP stand-in
 * answers in that shape, written by hand, so the adapter is proven on it as well.
 */
describe('PayFiP adapter reading the real service\'s messages', () => {
  const NS_SERVICE = 'http://securite.service.tpa.cp.finances.gouv.fr/services/mas_securite/contrat_paiement_securise/PaiementSecuriseService';
  const NS_REPONSE = 'http://securite.service.tpa.cp.finances.gouv.fr/reponse';
  let payfip: http.Server;
  let payfipUrl: string;
  const received: string[] = [];

  const envelope = (body: string) =>
    `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/"><soapenv:Body>${body}</soapenv:Body></soapenv:Envelope>`;

  beforeAll(async () => {
    payfip = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        received.push(body);
        const idOp = /<(?:\w+:)?idOp[^>]*>([^<]*)</.exec(body)?.[1];
        let status = 200;
        let answer: string;
        if (body.includes('creerPaiementSecurise')) {
          answer = `<ns:creerPaiementSecuriseResponse xmlns:ns="${NS_SERVICE}"><return><idOp xmlns="${NS_REPONSE}">cc0cb210-1cd4-11ea-8cca-0213ad91a103</idOp></return></ns:creerPaiementSecuriseResponse>`;
        } else if (idOp === 'en-cours') {
          status = 500;
          answer = `<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring><detail><ns1:FonctionnelleErreur xmlns:ns1="${NS_REPONSE}"><code>P5</code><descriptif/><libelle>Résultat de la transaction non connu</libelle><message/><severite>2</severite></ns1:FonctionnelleErreur></detail></soapenv:Fault>`;
        } else if (idOp === 'purgee') {
          status = 500;
          answer = `<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring><detail><ns1:FonctionnelleErreur xmlns:ns1="${NS_REPONSE}"><code>P1</code><descriptif>IdOp incorrect.</descriptif><libelle>IdOp incorrect.</libelle><severite>2</severite></ns1:FonctionnelleErreur></detail></soapenv:Fault>`;
        } else if (idOp === 'autre-erreur') {
          status = 500;
          answer = `<soapenv:Fault><faultcode>soapenv:Server</faultcode><faultstring>fr.gouv.finances.cp.tpa.webservice.exceptions.FonctionnelleErreur</faultstring><detail><ns1:FonctionnelleErreur xmlns:ns1="${NS_REPONSE}"><code>XX</code><libelle>Une erreur que le portail ne connait pas</libelle></ns1:FonctionnelleErreur></detail></soapenv:Fault>`;
        } else {
          answer = `<ns:recupererDetailPaiementSecuriseResponse xmlns:ns="${NS_SERVICE}"><return xmlns:r="${NS_REPONSE}"><r:dattrans>01122026</r:dattrans><r:exer>2026</r:exer><r:heurtrans>1205</r:heurtrans><r:idOp>${idOp}</r:idOp><r:mel>parent@echirolles.example.org</r:mel><r:montant>4250</r:montant><r:numauto>112233</r:numauto><r:numcli>123456</r:numcli><r:objet>Factures</r:objet><r:refdet>PAI2026000001</r:refdet><r:resultrans>V</r:resultrans><r:saisie>W</r:saisie></return></ns:recupererDetailPaiementSecuriseResponse>`;
        }
        response.writeHead(status, { 'content-type': 'text/xml; charset=utf-8' });
        response.end(envelope(answer));
      });
    });
    await new Promise<void>((resolve) => payfip.listen(0, '127.0.0.1', resolve));
    payfipUrl = `http://127.0.0.1:${(payfip.address() as AddressInfo).port}/tpa/services/securite`;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => payfip.close(() => resolve()));
  });

  it('sends creerPaiementSecurise wrapped in arg0 and reads the idOp qualified in …/reponse', async () => {
    const real = createPayfipProvider({ soapUrl: payfipUrl });
    const { idOp } = await real.createPayment(paymentRequest({ refdet: 'PAI2026000001' }));
    expect(idOp).toBe('cc0cb210-1cd4-11ea-8cca-0213ad91a103');
    const sent = received.at(-1)!;
    expect(sent).toMatch(/<\w+:creerPaiementSecurise[\s>]/);
    expect(sent).toMatch(/<arg0>.*<\w+:refdet[^>]*>PAI2026000001<\/\w+:refdet>.*<\/arg0>/s);
    expect(sent).toMatch(/<\w+:montant[^>]*>4250</);
    expect(real.paymentPageUrl(idOp)).toBe('http://127.0.0.1:' + new URL(payfipUrl).port + '/tpa/paiementws.web?idop=cc0cb210-1cd4-11ea-8cca-0213ad91a103');
  });

  it('reads a qualified detail (a direct-debit payment, V) as paid', async () => {
    const real = createPayfipProvider({ soapUrl: payfipUrl });
    expect(await real.paymentDetails('cc0cb210-1cd4-11ea-8cca-0213ad91a103')).toEqual({
      result: 'paid',
      resultrans: 'V',
      amountCents: 4250,
      refdet: 'PAI2026000001',
      dattrans: '01122026',
      heurtrans: '1205',
      numauto: '112233',
    });
  });

  it('reads the P5 fault as unknown_yet, P1 as an unknown operation, and any other code as a provider error', async () => {
    const real = createPayfipProvider({ soapUrl: payfipUrl });
    expect(await real.paymentDetails('en-cours')).toEqual({ result: 'unknown_yet' });
    await expect(real.paymentDetails('purgee')).rejects.toBeInstanceOf(UnknownPaymentError);
    const other = await real.paymentDetails('autre-erreur').catch((caught: unknown) => caught);
    expect(other).toBeInstanceOf(PaymentProviderError);
    expect(other).not.toBeInstanceOf(UnknownPaymentError);
    expect(other).toMatchObject({ code: 'XX' });
  });
});
