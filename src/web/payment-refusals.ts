import { ValidationError } from '../domain/errors.ts';
import { PaymentRefusedError } from '../domain/payment-rules.ts';
import { paymentRefusalSentence } from '../i18n/payment-words.ts';

/**
 * A payment service's refusal is a code (`PaymentRefusedError`); a form shows it as a field's
 * message: this wraps a form's action so the refusal reaches `formPost` said in French.
 */
export function sayingPaymentRefusals<A extends unknown[]>(act: (...args: A) => Promise<void>, now?: () => Date): (...args: A) => Promise<void> {
  return async (...args: A) => {
    try {
      await act(...args);
    } catch (error) {
      if (!(error instanceof PaymentRefusedError)) throw error;
      throw Object.assign(new ValidationError([{ field: error.field, message: paymentRefusalSentence(error.refusal, now?.()) }], error.status), { cause: error });
    }
  };
}
