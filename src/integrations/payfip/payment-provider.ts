/**
 * What the portal needs from an online payment provider, in its own words. The PayFiP adapter
 * (payfip-provider.ts) implements it; the local simulator (payfip-simulator.ts) stands in for the
 * real service behind the same protocol, so the adapter is the code under test.
 */

/** PayFiP's mode: T test, X activation (first real payments), W production. */
export type Saisie = 'T' | 'X' | 'W';

export interface CreatePaymentRequest {
  /** The commune's PayFiP client number (6 digits, from its commune file). */
  numcli: string;
  /** The budget year the payment belongs to, e.g. 2026. */
  exer: number;
  /** The payment's own reference: 6–30 characters A–Z 0–9 (see `refdetFor`). */
  refdet: string;
  /** Integer cents, at least 1,00 € (see `montantFor`). */
  montantCents: number;
  /** The payer's e-mail: PayFiP sends its ticket there. */
  mel: string;
  /** Plain ASCII words shown on the payment page (see `objetFor`). */
  objet: string;
  /** Called by the provider, server to server, with the operation id only, once the result is known. */
  urlnotif: string;
  /** Where the payer's browser goes back at the end. */
  urlredirect: string;
  saisie: Saisie;
}

export type PaymentResult = 'paid' | 'refused' | 'cancelled';

/** The outcome of a finished operation, as the provider states it (the only thing to trust). */
export interface FinishedPayment {
  result: PaymentResult;
  /** PayFiP's own code: P or V paid (card, direct debit), R or Z refused, A abandoned. */
  resultrans: string;
  amountCents: number;
  refdet: string;
  /** As PayFiP writes them: day DDMMYYYY and time HHMM, Paris time. */
  dattrans: string;
  heurtrans: string;
  /** The bank's authorisation number, when the payment went through. */
  numauto?: string;
}

/** The provider does not know the outcome yet: the payer is still on the payment site (PayFiP « P5 »). */
export interface PendingPayment {
  result: 'unknown_yet';
}

export type PaymentDetails = FinishedPayment | PendingPayment;

export interface PaymentProvider {
  createPayment(request: CreatePaymentRequest): Promise<{ idOp: string }>;
  /** The page the payer's browser is sent to for this operation. */
  paymentPageUrl(idOp: string): string;
  /** Asks the provider for the operation's outcome; throws `UnknownPaymentError` if it has no such operation. */
  paymentDetails(idOp: string): Promise<PaymentDetails>;
}

/** The provider answered with an error of its own (PayFiP: a FonctionnelleErreur and its code). */
export class PaymentProviderError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentProviderError';
  }
}

/** The provider has no operation with this id (never created, or purged: PayFiP « P1 »). */
export class UnknownPaymentError extends PaymentProviderError {
  constructor(readonly idOp: string) {
    super('P1', `unknown payment operation ${idOp}`);
    this.name = 'UnknownPaymentError';
  }
}
