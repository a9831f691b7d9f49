import { randomInt, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { DateTime } from 'luxon';
import soap from 'soap';
import { formatAmount } from '../../i18n/format.ts';
import { centsOfMontant, isObjet, isRefdet, MAX_AMOUNT_CENTS, MIN_AMOUNT_CENTS } from './payfip-format.ts';
import {
  CODE_RESULT_NOT_KNOWN_YET,
  CODE_UNKNOWN_OPERATION,
  FUNCTIONAL_FAULT,
  PAYMENT_PAGE_PATH,
  PORT_NAME,
  SERVICE_NAME,
  SOAP_PATH,
  WSDL_PATH,
} from './payfip-protocol.ts';

/**
 * A local PayFiP for development, tests and demos (DESIGN §7). It serves the same SOAP operations
 * as www.payfip.gouv.fr, from the same WSDL and at the same path, through the `soap` library's
 * server side; and the payment site in PayFiP's three steps (reference, amount and e-mail; card
 * type and number; the ticket). Once the outcome is known it POSTs `idop=<id>` to urlnotif (no
 * signature: the portal must ask recupererDetailPaiementSecurise) and sends the browser back to
 * urlredirect, unchanged (GET). Nothing leaves this machine: no card is charged.
 */

/** What to do with the notification to urlnotif: send it, never send it, or send it late. */
export type NotificationMode = { kind: 'send' } | { kind: 'drop' } | { kind: 'delay'; ms: number };

/** Card numbers the simulator knows (shown on its card page). */
export const TEST_CARDS = {
  paid: '1111222233334444',
  refused: '1111222233335555',
  abandoned: '1111222233336666',
} as const;

const CARD_TYPES = [
  { code: 'CB', label: 'CB' },
  { code: 'VISA', label: 'Visa' },
  { code: 'MASTERCARD', label: 'Mastercard' },
] as const;

export interface PayfipSimulatorOptions {
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
  notification?: NotificationMode;
  /** The simulator's clock, for dattrans and heurtrans. */
  now?: () => Date;
  log?: (message: string) => void;
}

export interface PayfipSimulator {
  /** http://host:port, the origin of the SOAP endpoint and of the payment site. */
  url: string;
  /** The SOAP endpoint to give the adapter (PAYFIP_URL). */
  soapUrl: string;
  setNotification(mode: NotificationMode): void;
  /** Makes every SOAP answer wait this long (0: answer at once): a slow PayFiP, for tests. */
  setSoapDelay(ms: number): void;
  /** Resolves when every notification started so far has been delivered (or has failed). */
  notificationsSettled(): Promise<void>;
  close(): Promise<void>;
}

interface Operation {
  idOp: string;
  numcli: string;
  exer: string;
  refdet: string;
  montant: string;
  mel: string;
  objet: string;
  urlnotif: string;
  urlredirect: string;
  saisie: string;
  createdAt: number;
  emailConfirmed: boolean;
  outcome?: { resultrans: 'P' | 'R' | 'A'; dattrans: string; heurtrans: string; numauto?: string; cardType?: string };
}

type Fields = Record<string, string>;
type FieldErrors = Array<{ field: string; message: string }>;

/**
 * How long the payer has on the payment site: PayFiP's idOp is valid 15 minutes. Past it the site
 * refuses to go on, and recupererDetailPaiementSecurise keeps answering P5 (as PayFiP does until
 * its night purge, after which it answers P1): the portal must decide itself that such a payment
 * has expired.
 */
export const OPERATION_VALIDITY_MS = 15 * 60_000;

const CARD_PAGE_PATH = '/tpa/carte';
const TICKET_PAGE_PATH = '/tpa/ticket';
const RETURN_PATH = '/tpa/retour';

export async function startPayfipSimulator(options: PayfipSimulatorOptions = {}): Promise<PayfipSimulator> {
  const operations = new Map<string, Operation>();
  const pendingNotifications = new Set<Promise<void>>();
  const timers = new Set<NodeJS.Timeout>();
  const now = options.now ?? (() => new Date());
  const log = options.log ?? (() => {});
  let notification: NotificationMode = options.notification ?? { kind: 'send' };
  let soapDelayMs = 0;
  /** Answers `answer()` (its value or its fault) after the SOAP delay: node-soap takes a promise. */
  const slowed = <T>(answer: () => T): T | Promise<T> => {
    if (soapDelayMs <= 0) return answer();
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        try {
          resolve(answer());
        } catch (fault) {
          reject(fault);
        }
      }, soapDelayMs);
      timers.add(timer);
    });
  };

  const fault = (code: string, libelle: string) => ({
    Fault: {
      faultcode: 'soap:Server',
      faultstring: FUNCTIONAL_FAULT,
      detail: { FonctionnelleErreur: { code, descriptif: libelle, libelle, severite: 2 } },
      statusCode: 500,
    },
  });

  const services = {
    [SERVICE_NAME]: {
      [PORT_NAME]: {
        creerPaiementSecurise(args: { arg0?: Fields }) {
          return slowed(() => createOperation(args));
        },
        recupererDetailPaiementSecurise(args: { arg0?: Fields }) {
          return slowed(() => detailOf(args));
        },
      },
    },
  };

  function createOperation(args: { arg0?: Fields }) {
          const request = args.arg0 ?? {};
          const problem = creerPaiementProblem(request);
          // PayFiP's own codes for malformed requests are not published where we could read them:
          // the simulator answers « FORMAT » and names the field.
          if (problem) throw fault('FORMAT', problem);
          const idOp = randomUUID().replace(/-/g, '');
          operations.set(idOp, {
            idOp,
            numcli: request.numcli!,
            exer: request.exer!,
            refdet: request.refdet!,
            montant: request.montant!,
            mel: request.mel!,
            objet: request.objet ?? '',
            urlnotif: request.urlnotif!,
            urlredirect: request.urlredirect!,
            saisie: request.saisie!,
            createdAt: now().getTime(),
            emailConfirmed: false,
          });
          log(`payfip-simulator: operation ${idOp} created for refdet ${request.refdet}`);
          return { return: { idOp } };
  }

  function detailOf(args: { arg0?: Fields }) {
          const operation = operations.get(args.arg0?.idOp ?? '');
          if (!operation) throw fault(CODE_UNKNOWN_OPERATION, 'Opération inconnue');
          if (!operation.outcome) throw fault(CODE_RESULT_NOT_KNOWN_YET, 'Résultat de la transaction non connu');
          const { outcome } = operation;
          return {
            return: {
              dattrans: outcome.dattrans,
              exer: operation.exer,
              heurtrans: outcome.heurtrans,
              idOp: operation.idOp,
              mel: operation.mel,
              montant: operation.montant,
              ...(outcome.numauto ? { numauto: outcome.numauto } : {}),
              numcli: operation.numcli,
              objet: operation.objet,
              refdet: operation.refdet,
              resultrans: outcome.resultrans,
              saisie: operation.saisie,
            },
          };
  }

  const notify = (operation: Operation): void => {
    const mode = notification;
    if (mode.kind === 'drop') {
      log(`payfip-simulator: notification for ${operation.idOp} dropped`);
      return;
    }
    const send = (): void => {
      const delivery = fetch(operation.urlnotif, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ idop: operation.idOp }).toString(),
        redirect: 'manual',
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (response) => {
          await response.arrayBuffer();
          log(`payfip-simulator: notification for ${operation.idOp} answered ${response.status}`);
        })
        .catch((error: unknown) => log(`payfip-simulator: notification for ${operation.idOp} failed: ${String(error)}`))
        .finally(() => pendingNotifications.delete(delivery));
      pendingNotifications.add(delivery);
    };
    if (mode.kind === 'delay') {
      // The wait counts as pending, so `notificationsSettled` covers late notifications too.
      const waiting = new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          timers.delete(timer);
          pendingNotifications.delete(waiting);
          send();
          resolve();
        }, mode.ms);
        timers.add(timer);
      });
      pendingNotifications.add(waiting);
    } else {
      send();
    }
  };

  const finish = (operation: Operation, resultrans: 'P' | 'R' | 'A', cardType?: string): void => {
    const paris = DateTime.fromJSDate(now(), { zone: 'Europe/Paris' });
    operation.outcome = {
      resultrans,
      dattrans: paris.toFormat('ddLLyyyy'),
      heurtrans: paris.toFormat('HHmm'),
      ...(resultrans === 'P' ? { numauto: String(randomInt(100_000, 1_000_000)) } : {}),
      ...(cardType ? { cardType } : {}),
    };
    log(`payfip-simulator: operation ${operation.idOp} finished: ${resultrans}`);
    notify(operation);
  };

  const server = http.createServer((request, response) => {
    handlePage(request, response).catch((error: unknown) => {
      log(`payfip-simulator: ${String(error)}`);
      if (!response.headersSent) sendHtml(response, 500, page('Erreur du simulateur', '<h1>Erreur du simulateur</h1><p>Réessayez.</p>'));
      else response.end();
    });
  });

  async function handlePage(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://simulator.invalid');
    const fields = request.method === 'POST' ? await formFields(request) : Object.fromEntries(url.searchParams);
    const operation = operations.get(fields.idop ?? '');
    const route = `${request.method} ${url.pathname}`;
    if (!['GET', 'POST'].includes(request.method ?? '') || ![PAYMENT_PAGE_PATH, CARD_PAGE_PATH, TICKET_PAGE_PATH, RETURN_PATH].includes(url.pathname)) {
      return sendHtml(response, 404, page('Page introuvable', '<h1>Page introuvable</h1>'));
    }
    if (!operation) {
      return sendHtml(
        response,
        404,
        page('Opération inconnue', '<h1>Opération inconnue</h1><p>Ce lien de paiement ne correspond à aucune opération. Retournez sur le site de votre commune pour recommencer.</p>'),
      );
    }
    if (!operation.outcome && now().getTime() - operation.createdAt > OPERATION_VALIDITY_MS) {
      return sendHtml(
        response,
        410,
        page(
          'Délai de paiement dépassé',
          `<h1>Délai de paiement dépassé</h1><p>Ce paiement n’a pas été fait dans les 15 minutes : aucune somme n’a été débitée. Retournez sur le site de votre commune pour recommencer.</p><p><a class="button" href="${escapeHtml(operation.urlredirect)}">Retourner sur le site de la commune</a></p>`,
        ),
      );
    }
    if (operation.outcome && url.pathname !== TICKET_PAGE_PATH && url.pathname !== RETURN_PATH) {
      return redirect(response, operation.outcome.resultrans === 'A' ? operation.urlredirect : pathWithIdop(TICKET_PAGE_PATH, operation));
    }
    switch (route) {
      case `GET ${PAYMENT_PAGE_PATH}`:
        return sendHtml(response, 200, stepOnePage(operation, { mel: operation.mel }, []));
      case `POST ${PAYMENT_PAGE_PATH}`: {
        if (fields.action === 'abandonner') {
          finish(operation, 'A');
          return redirect(response, operation.urlredirect);
        }
        const mel = (fields.mel ?? '').trim();
        const errors: FieldErrors = [];
        if (!mel) errors.push({ field: 'mel', message: 'Saisissez votre adresse e-mail.' });
        else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(mel) || mel.length > 80) {
          errors.push({ field: 'mel', message: 'Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.' });
        }
        if (errors.length > 0) return sendHtml(response, 400, stepOnePage(operation, { mel }, errors));
        operation.mel = mel;
        operation.emailConfirmed = true;
        return redirect(response, pathWithIdop(CARD_PAGE_PATH, operation));
      }
      case `GET ${CARD_PAGE_PATH}`:
        if (!operation.emailConfirmed) return redirect(response, pathWithIdop(PAYMENT_PAGE_PATH, operation));
        return sendHtml(response, 200, cardPage(operation, {}, []));
      case `POST ${CARD_PAGE_PATH}`: {
        if (fields.action === 'abandonner') {
          finish(operation, 'A');
          return redirect(response, operation.urlredirect);
        }
        if (!operation.emailConfirmed) return redirect(response, pathWithIdop(PAYMENT_PAGE_PATH, operation));
        const cardType = fields.cardType ?? '';
        const cardNumber = (fields.cardNumber ?? '').replace(/[\s-]/g, '');
        const errors: FieldErrors = [];
        if (!CARD_TYPES.some((type) => type.code === cardType)) errors.push({ field: 'cardType', message: 'Choisissez le type de votre carte.' });
        if (!cardNumber) errors.push({ field: 'cardNumber', message: 'Saisissez le numéro de votre carte.' });
        else if (!/^\d{16}$/.test(cardNumber)) errors.push({ field: 'cardNumber', message: 'Le numéro de carte doit comporter 16 chiffres.' });
        else if (!Object.values(TEST_CARDS).includes(cardNumber as never)) {
          errors.push({ field: 'cardNumber', message: 'Ce numéro n’est pas une carte de test du simulateur : utilisez l’un des numéros indiqués.' });
        }
        if (errors.length > 0) return sendHtml(response, 400, cardPage(operation, { cardType, cardNumber: fields.cardNumber ?? '' }, errors));
        if (cardNumber === TEST_CARDS.abandoned) {
          finish(operation, 'A', cardType);
          return redirect(response, operation.urlredirect);
        }
        finish(operation, cardNumber === TEST_CARDS.paid ? 'P' : 'R', cardType);
        return redirect(response, pathWithIdop(TICKET_PAGE_PATH, operation));
      }
      case `GET ${TICKET_PAGE_PATH}`:
        if (!operation.outcome) return redirect(response, pathWithIdop(PAYMENT_PAGE_PATH, operation));
        return sendHtml(response, 200, ticketPage(operation));
      case `GET ${RETURN_PATH}`:
        if (!operation.outcome) return redirect(response, pathWithIdop(PAYMENT_PAGE_PATH, operation));
        return redirect(response, operation.urlredirect);
      default:
        return sendHtml(response, 405, page('Méthode non permise', '<h1>Méthode non permise</h1>'));
    }
  }

  const xml = readFileSync(WSDL_PATH, 'utf8');
  const soapServer = soap.listen(server, { path: SOAP_PATH, services, xml });
  soapServer.log = (type: string, data: unknown) => {
    if (type === 'error') log(`payfip-simulator: SOAP ${String(data)}`);
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${host}:${address.port}`;

  return {
    url: origin,
    soapUrl: `${origin}${SOAP_PATH}`,
    setNotification(mode) {
      notification = mode;
    },
    setSoapDelay(ms) {
      soapDelayMs = ms;
    },
    async notificationsSettled() {
      while (pendingNotifications.size > 0) await Promise.allSettled([...pendingNotifications]);
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      await Promise.allSettled([...pendingNotifications]);
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}

/** What PayFiP checks in creerPaiementSecurise, in words for the fault; undefined when the request is well-formed. */
function creerPaiementProblem(request: Fields): string | undefined {
  if (!/^\d{6}$/.test(request.numcli ?? '')) return 'numcli : 6 chiffres attendus';
  if (!/^\d{4}$/.test(request.exer ?? '')) return 'exer : une année sur 4 chiffres attendue';
  if (!isRefdet(request.refdet ?? '')) return 'refdet : 6 à 30 caractères A-Z 0-9 attendus';
  let cents = 0;
  try {
    cents = centsOfMontant(request.montant ?? '');
  } catch {
    return 'montant : un nombre de centimes attendu';
  }
  if (cents < MIN_AMOUNT_CENTS || cents > MAX_AMOUNT_CENTS) return 'montant : hors des bornes acceptées';
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(request.mel ?? '')) return 'mel : une adresse e-mail attendue';
  if (!isObjet(request.objet ?? '')) return 'objet : lettres, chiffres et espaces ASCII, 100 au plus';
  if (!['T', 'X', 'W'].includes(request.saisie ?? '')) return 'saisie : T, X ou W attendu';
  for (const key of ['urlnotif', 'urlredirect']) {
    if (!/^https?:\/\/\S+$/.test(request[key] ?? '')) return `${key} : une URL http(s) attendue`;
  }
  return undefined;
}

async function formFields(request: http.IncomingMessage): Promise<Fields> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > 16_384) throw new Error('form too large');
    chunks.push(chunk as Buffer);
  }
  return Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
}

function pathWithIdop(path: string, operation: Operation): string {
  return `${path}?idop=${encodeURIComponent(operation.idOp)}`;
}

function redirect(response: http.ServerResponse, location: string): void {
  response.writeHead(303, { location, 'content-length': '0' });
  response.end();
}

function sendHtml(response: http.ServerResponse, status: number, html: string): void {
  response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
  response.end(html);
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

function summary(operation: Operation): string {
  return `<dl class="summary">
  <div><dt>Référence</dt><dd>${escapeHtml(operation.refdet)}</dd></div>
  ${operation.objet ? `<div><dt>Objet</dt><dd>${escapeHtml(operation.objet)}</dd></div>` : ''}
  <div><dt>Montant</dt><dd>${escapeHtml(formatAmount(Number(operation.montant)))}</dd></div>
</dl>`;
}

function errorSummary(errors: FieldErrors): string {
  if (errors.length === 0) return '';
  const items = errors.map((error) => `<li><a href="#${error.field}">${escapeHtml(error.message)}</a></li>`).join('');
  return `<div class="error-summary" role="alert" tabindex="-1"><h2>Il y a un problème</h2><ul>${items}</ul></div>`;
}

function fieldError(errors: FieldErrors, field: string): string {
  const error = errors.find((candidate) => candidate.field === field);
  return error ? `<p class="field-error" id="${field}-error"><span class="visually-hidden">Erreur : </span>${escapeHtml(error.message)}</p>` : '';
}

function invalid(errors: FieldErrors, field: string, hintId?: string): string {
  const described = [hintId, errors.some((error) => error.field === field) ? `${field}-error` : undefined].filter(Boolean).join(' ');
  return `${described ? ` aria-describedby="${described}"` : ''}${errors.some((error) => error.field === field) ? ' aria-invalid="true"' : ''}`;
}

function steps(current: 1 | 2 | 3): string {
  const labels = ['Référence, montant et e-mail', 'Carte bancaire', 'Ticket de paiement'];
  const items = labels
    .map((label, index) => `<li${index + 1 === current ? ' aria-current="step"' : ''}>${index + 1}. ${label}</li>`)
    .join('');
  return `<ol class="steps" aria-label="Étapes du paiement">${items}</ol>`;
}

function abandonButton(operation: Operation, action: string): string {
  return `<form method="post" action="${action}">
  <input type="hidden" name="idop" value="${escapeHtml(operation.idOp)}">
  <button type="submit" name="action" value="abandonner" class="secondary">Abandonner le paiement</button>
</form>`;
}

function stepOnePage(operation: Operation, values: { mel: string }, errors: FieldErrors): string {
  const title = 'Étape 1 sur 3 : référence, montant et e-mail';
  return page(
    errors.length > 0 ? `Erreur : ${title}` : title,
    `${steps(1)}
<h1>Paiement de votre facture</h1>
${errorSummary(errors)}
${summary(operation)}
<form method="post" action="${PAYMENT_PAGE_PATH}" novalidate>
  <input type="hidden" name="idop" value="${escapeHtml(operation.idOp)}">
  <div class="field${errors.some((error) => error.field === 'mel') ? ' has-error' : ''}">
    <label for="mel">Adresse e-mail</label>
    <p class="hint" id="mel-hint">Le ticket de paiement y sera envoyé.</p>
    ${fieldError(errors, 'mel')}
    <input type="email" id="mel" name="mel" autocomplete="email" spellcheck="false" value="${escapeHtml(values.mel)}"${invalid(errors, 'mel', 'mel-hint')}>
  </div>
  <button type="submit">Continuer</button>
</form>
${abandonButton(operation, PAYMENT_PAGE_PATH)}`,
  );
}

function cardPage(operation: Operation, values: { cardType?: string; cardNumber?: string }, errors: FieldErrors): string {
  const title = 'Étape 2 sur 3 : carte bancaire';
  const radios = CARD_TYPES.map(
    (type, index) =>
      `<div class="radio"><input type="radio" id="${index === 0 ? 'cardType' : `cardType-${type.code}`}" name="cardType" value="${type.code}"${values.cardType === type.code ? ' checked' : ''}><label for="${index === 0 ? 'cardType' : `cardType-${type.code}`}">${type.label}</label></div>`,
  ).join('');
  const cardTypeError = errors.some((error) => error.field === 'cardType');
  return page(
    errors.length > 0 ? `Erreur : ${title}` : title,
    `${steps(2)}
<h1>Votre carte bancaire</h1>
${errorSummary(errors)}
${summary(operation)}
<form method="post" action="${CARD_PAGE_PATH}" novalidate>
  <input type="hidden" name="idop" value="${escapeHtml(operation.idOp)}">
  <div class="field${cardTypeError ? ' has-error' : ''}">
    <fieldset${cardTypeError ? ' aria-describedby="cardType-error"' : ''}>
      <legend>Type de carte</legend>
      ${fieldError(errors, 'cardType')}
      ${radios}
    </fieldset>
  </div>
  <div class="field${errors.some((error) => error.field === 'cardNumber') ? ' has-error' : ''}">
    <label for="cardNumber">Numéro de la carte</label>
    <p class="hint" id="cardNumber-hint">16 chiffres, sans espace ou par groupes de 4.</p>
    ${fieldError(errors, 'cardNumber')}
    <input type="text" id="cardNumber" name="cardNumber" inputmode="numeric" autocomplete="off" value="${escapeHtml(values.cardNumber ?? '')}"${invalid(errors, 'cardNumber', 'cardNumber-hint')}>
  </div>
  <button type="submit">Payer ${escapeHtml(formatAmount(Number(operation.montant)))}</button>
</form>
${abandonButton(operation, CARD_PAGE_PATH)}
<section class="test-cards" aria-labelledby="test-cards-title">
  <h2 id="test-cards-title">Cartes de test du simulateur</h2>
  <p>Aucun paiement réel n’a lieu. Utilisez l’un de ces numéros :</p>
  <ul>
    <li><strong>1111 2222 3333 4444</strong> : paiement accepté</li>
    <li><strong>1111 2222 3333 5555</strong> : paiement refusé par la banque</li>
    <li><strong>1111 2222 3333 6666</strong> : paiement abandonné (retour au site sans payer)</li>
  </ul>
</section>`,
  );
}

function ticketPage(operation: Operation): string {
  const outcome = operation.outcome!;
  const paid = outcome.resultrans === 'P';
  const date = `${outcome.dattrans.slice(0, 2)}/${outcome.dattrans.slice(2, 4)}/${outcome.dattrans.slice(4)}`;
  const time = `${outcome.heurtrans.slice(0, 2)} h ${outcome.heurtrans.slice(2)}`;
  return page(
    'Étape 3 sur 3 : ticket de paiement',
    `${steps(3)}
<h1>Ticket de paiement</h1>
<p class="${paid ? 'outcome-paid' : 'outcome-refused'}" role="status">${paid ? 'Votre paiement est accepté.' : 'Votre paiement est refusé par la banque : aucune somme n’a été débitée.'}</p>
<dl class="summary">
  <div><dt>Référence</dt><dd>${escapeHtml(operation.refdet)}</dd></div>
  <div><dt>Montant</dt><dd>${escapeHtml(formatAmount(Number(operation.montant)))}</dd></div>
  <div><dt>Date</dt><dd>${date} à ${time}</dd></div>
  ${outcome.numauto ? `<div><dt>Numéro d’autorisation</dt><dd>${escapeHtml(outcome.numauto)}</dd></div>` : ''}
  <div><dt>Numéro d’opération</dt><dd class="long">${escapeHtml(operation.idOp)}</dd></div>
  <div><dt>E-mail</dt><dd class="long">${escapeHtml(operation.mel)}</dd></div>
</dl>
<p><a class="button" href="${pathWithIdop(RETURN_PATH, operation)}">Retourner sur le site de la commune</a></p>`,
  );
}

const STYLE = `
*,*::before,*::after{box-sizing:border-box}
body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1e1e1e;background:#f6f6f6}
header{background:#000091;color:#fff;padding:.75rem 1rem}
header p{margin:0;font-weight:700}
header small{display:block;font-weight:400}
main{max-width:36rem;margin:0 auto;padding:1rem;background:#fff;min-height:100vh}
h1{font-size:1.5rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.125rem}
.steps{list-style:none;padding:0;margin:0 0 1rem;font-size:.875rem;color:#3a3a3a}
.steps li[aria-current]{font-weight:700;color:#000091}
.summary{margin:0 0 1.5rem;border:1px solid #ddd;padding:.5rem 1rem}
.summary div{display:flex;flex-wrap:wrap;gap:0 1rem;padding:.25rem 0}
.summary dt{font-weight:700;min-width:9rem}
.summary dd{margin:0}
.long{overflow-wrap:anywhere}
.field{margin-bottom:1.25rem}
.has-error{border-left:4px solid #ce0500;padding-left:.75rem}
label,legend{display:block;font-weight:700}
fieldset{border:0;margin:0;padding:0}
.radio{display:flex;align-items:center;gap:.5rem;margin:.5rem 0}
.radio label{font-weight:400}
.radio input{width:1.5rem;height:1.5rem;margin:0}
.hint{margin:.25rem 0;color:#3a3a3a;font-size:.875rem}
.field-error{margin:.25rem 0;color:#ce0500;font-weight:700}
input[type=email],input[type=text]{width:100%;font:inherit;padding:.5rem;border:2px solid #3a3a3a;border-radius:0}
input:focus,button:focus,a:focus{outline:3px solid #0a76f6;outline-offset:2px}
button,.button{display:inline-block;font:inherit;font-weight:700;padding:.625rem 1rem;margin:.5rem 0;border:2px solid #000091;background:#000091;color:#fff;text-decoration:none;cursor:pointer;min-height:2.75rem}
button.secondary{background:#fff;color:#000091}
.error-summary{border:3px solid #ce0500;padding:.5rem 1rem;margin-bottom:1.5rem}
.error-summary h2{margin:.25rem 0;color:#ce0500}
.error-summary a{color:#ce0500;font-weight:700}
.outcome-paid{border-left:4px solid #18753c;padding:.5rem .75rem;background:#b8fec9}
.outcome-refused{border-left:4px solid #ce0500;padding:.5rem .75rem;background:#ffe9e9}
.test-cards{margin-top:2rem;padding:.5rem 1rem;background:#eef;border:1px dashed #000091}
.visually-hidden{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`;

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} – PayFiP (simulateur)</title>
<style>${STYLE}</style>
</head>
<body>
<header><p>PayFiP <small>Simulateur local : aucun paiement réel</small></p></header>
<main>
${body}
</main>
</body>
</html>`;
}
