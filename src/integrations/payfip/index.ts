/**
 * Online payment through PayFiP (DESIGN §7 Payment). The local simulator is not exported here on
 * purpose: it is imported from `./payfip-simulator.ts` by what runs outside production only.
 */
export {
  PaymentProviderError,
  UnknownPaymentError,
  type CreatePaymentRequest,
  type FinishedPayment,
  type PaymentDetails,
  type PaymentProvider,
  type PaymentResult,
  type PendingPayment,
  type Saisie,
} from './payment-provider.ts';
export { createPayfipProvider, type PayfipProviderOptions } from './payfip-provider.ts';
export { MAX_AMOUNT_CENTS, MIN_AMOUNT_CENTS, montantFor, objetFor, refdetFor, resultOfResultrans } from './payfip-format.ts';
