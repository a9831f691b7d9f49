import { parisDay } from '../../../domain/calendar/paris-time.ts';
import { refused } from '../../../domain/refusals.ts';
import { mandateReference } from '../../../domain/sepa.ts';
import { mandateAsked } from '../../../i18n/mandate-words.ts';
import { requestDecisionMail } from '../request-mails.ts';
import { NOTHING_OVERRIDDEN, payloadOf, type RequestTypeDependencies, type RequestTypeModule } from './request-type.ts';

/**
 * A parent's SEPA direct-debit mandate (DESIGN §7 Direct debit, issue 12 item 6). Accepted, the
 * mandate becomes active with its unique mandate reference (RUM: the commune's prefix, the family's
 * reference, the count of the family's mandates) and its signature date, the day of acceptance in
 * Paris; its first debit will be FRST. Refused, the mandate is kept as refused, never debited.
 */
export function sepaMandateRequest({ repositories, clock }: RequestTypeDependencies): RequestTypeModule {
  const { mandates, families } = repositories;
  return {
    async accept({ trx, commune, request }) {
      const creditor = commune.settings.directDebit;
      const mandate = await mandates.lockForRequest(commune.id, request.id, trx);
      const family = await families.findById(commune.id, request.familyId, trx);
      if (!creditor || !mandate || !family || mandate.status !== 'pending') {
        throw refused([{ field: 'demandes', refusal: { code: 'request_mandate_not_pending', requestId: request.id } }]);
      }
      const sequence = (await mandates.countReferenced(commune.id, request.familyId, trx)) + 1;
      const reference = mandateReference(creditor.mandatePrefix, family.reference, sequence);
      await mandates.activate(commune.id, mandate.id, reference, parisDay(clock.now()), trx);
      return NOTHING_OVERRIDDEN;
    },
    async refuse({ trx, commune, request }) {
      const mandate = await mandates.lockForRequest(commune.id, request.id, trx);
      if (mandate) await mandates.refuse(commune.id, mandate.id, trx);
    },
    mail: (decision) => requestDecisionMail(decision, mandateAsked(payloadOf(decision.request, 'sepa_mandate'))),
  };
}
