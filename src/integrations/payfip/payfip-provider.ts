import soap from 'soap';
import { centsOfMontant, isObjet, isRefdet, montantFor, resultOfResultrans } from './payfip-format.ts';
import {
  CODE_RESULT_NOT_KNOWN_YET,
  CODE_UNKNOWN_OPERATION,
  PAYMENT_PAGE_PATH,
  WSDL_PATH,
} from './payfip-protocol.ts';
import {
  PaymentProviderError,
  UnknownPaymentError,
  type CreatePaymentRequest,
  type PaymentDetails,
  type PaymentProvider,
} from './payment-provider.ts';

export interface PayfipProviderOptions {
  /** The SOAP endpoint: https://www.payfip.gouv.fr/tpa/services/securite, or the simulator's. */
  soapUrl: string;
  /** The payment site's entry page; default: the same origin as `soapUrl`, /tpa/paiementws.web. */
  paymentPageUrl?: string;
  /** Per SOAP call; the payer is waiting on the other side. */
  timeoutMs?: number;
}

interface PayfipSoapClient {
  creerPaiementSecuriseAsync(args: unknown, options?: object): Promise<[unknown, string]>;
  recupererDetailPaiementSecuriseAsync(args: unknown, options?: object): Promise<[unknown, string]>;
}

/** PayFiP's Régie Web-Service behind `PaymentProvider`, through the `soap` library and our WSDL. */
export function createPayfipProvider(options: PayfipProviderOptions): PaymentProvider {
  const pageUrl = options.paymentPageUrl ?? new URL(PAYMENT_PAGE_PATH, options.soapUrl).toString();
  const callOptions = { timeout: options.timeoutMs ?? 15_000 };
  let client: Promise<PayfipSoapClient> | undefined;
  const soapClient = (): Promise<PayfipSoapClient> => {
    // The WSDL is read once; a failure is not cached, so the next call tries again.
    client ??= (soap.createClientAsync(WSDL_PATH, { endpoint: options.soapUrl }) as Promise<unknown> as Promise<PayfipSoapClient>).catch(
      (error: unknown) => {
        client = undefined;
        throw error;
      },
    );
    return client;
  };

  return {
    async createPayment(request) {
      const arg0 = creerPaiementArguments(request);
      const [answer] = await callPayfip(() => soapClient().then((c) => c.creerPaiementSecuriseAsync({ arg0 }, callOptions)));
      const idOp = field(returnOf(answer), 'idOp');
      if (!idOp) throw new PaymentProviderError('reponse', 'PayFiP answered creerPaiementSecurise without an idOp');
      return { idOp };
    },

    paymentPageUrl(idOp) {
      const url = new URL(pageUrl);
      url.searchParams.set('idop', idOp);
      return url.toString();
    },

    async paymentDetails(idOp): Promise<PaymentDetails> {
      let answer: unknown;
      try {
        [answer] = await callPayfip(() => soapClient().then((c) => c.recupererDetailPaiementSecuriseAsync({ arg0: { idOp } }, callOptions)));
      } catch (error) {
        if (error instanceof PaymentProviderError && error.code === CODE_RESULT_NOT_KNOWN_YET) return { result: 'unknown_yet' };
        if (error instanceof PaymentProviderError && error.code === CODE_UNKNOWN_OPERATION) throw new UnknownPaymentError(idOp);
        throw error;
      }
      const detail = returnOf(answer);
      if (field(detail, 'idOp') !== idOp) throw new PaymentProviderError('reponse', `PayFiP answered about another operation than ${idOp}`);
      const resultrans = field(detail, 'resultrans') ?? '';
      const numauto = field(detail, 'numauto');
      return {
        result: resultOfResultrans(resultrans),
        resultrans,
        amountCents: centsOfMontant(field(detail, 'montant') ?? ''),
        refdet: field(detail, 'refdet') ?? '',
        dattrans: field(detail, 'dattrans') ?? '',
        heurtrans: field(detail, 'heurtrans') ?? '',
        ...(numauto ? { numauto } : {}),
      };
    },
  };
}

/** The request as PayFiP wants it; a malformed one is a programming error, refused before any call. */
export function creerPaiementArguments(request: CreatePaymentRequest): Record<string, string> {
  const problems: string[] = [];
  if (!/^\d{6}$/.test(request.numcli)) problems.push('numcli: 6 digits');
  if (!Number.isInteger(request.exer) || request.exer < 2000 || request.exer > 2999) problems.push('exer: a year');
  if (!isRefdet(request.refdet)) problems.push('refdet: 6–30 A–Z 0–9');
  if (!isObjet(request.objet)) problems.push('objet: plain ASCII letters, digits and spaces, 100 at most');
  if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(request.mel) || request.mel.length > 80) problems.push('mel: an e-mail address');
  if (!['T', 'X', 'W'].includes(request.saisie)) problems.push('saisie: T, X or W');
  for (const key of ['urlnotif', 'urlredirect'] as const) {
    if (!/^https?:\/\//.test(request[key])) problems.push(`${key}: an http(s) URL`);
  }
  let montant = '';
  try {
    montant = montantFor(request.montantCents);
  } catch (error) {
    problems.push((error as Error).message);
  }
  if (problems.length > 0) throw new RangeError(`PayFiP payment request refused: ${problems.join('; ')}`);
  return {
    exer: String(request.exer),
    mel: request.mel,
    montant,
    numcli: request.numcli,
    objet: request.objet,
    refdet: request.refdet,
    saisie: request.saisie,
    urlnotif: request.urlnotif,
    urlredirect: request.urlredirect,
  };
}

/** Turns a SOAP fault carrying a FonctionnelleErreur into a `PaymentProviderError` with its code. */
async function callPayfip<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    const functional = functionalErrorOf(error);
    if (functional) throw new PaymentProviderError(functional.code, `PayFiP ${functional.code}: ${functional.text}`);
    throw error;
  }
}

function functionalErrorOf(error: unknown): { code: string; text: string } | undefined {
  const fault = (error as { root?: { Envelope?: { Body?: { Fault?: { detail?: unknown } } } } } | undefined)?.root?.Envelope?.Body?.Fault;
  const detail = fault?.detail as Record<string, unknown> | undefined;
  if (!detail) return undefined;
  const erreur = Object.entries(detail).find(([name]) => name.replace(/^.*:/, '') === 'FonctionnelleErreur')?.[1];
  const code = field(erreur, 'code');
  if (!code) return undefined;
  return { code, text: field(erreur, 'descriptif') ?? field(erreur, 'libelle') ?? '' };
}

function returnOf(answer: unknown): unknown {
  return (answer as { return?: unknown } | undefined)?.return;
}

/** A text field of a parsed SOAP element, whatever its namespace prefix. */
function field(element: unknown, name: string): string | undefined {
  if (!element || typeof element !== 'object') return undefined;
  for (const [key, value] of Object.entries(element)) {
    if (key.replace(/^.*:/, '') !== name) continue;
    if (typeof value === 'string' || typeof value === 'number') return String(value).trim();
    if (value && typeof value === 'object' && '$value' in value) return String((value as { $value: unknown }).$value).trim();
  }
  return undefined;
}
