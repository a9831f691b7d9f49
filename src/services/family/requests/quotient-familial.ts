import { parisDay } from '../../../domain/calendar/paris-time.ts';
import { refused } from '../../../domain/refusals.ts';
import { declaredPeriod } from '../../../domain/quotient.ts';
import { quotientDecisionMail } from '../request-mails.ts';
import { NOTHING_OVERRIDDEN, payloadOf, type RequestTypeDependencies, type RequestTypeModule } from './request-type.ts';

/**
 * A parent's declaration of a new quotient familial with its attestation (DESIGN §7 Tariffs, issue
 * 11 item 2). Accepted, the value joins the family's history from the first day of the next month,
 * never retroactively, until the end of the attestation's civil year. Refused, nothing is written
 * besides the request's status and reason.
 *
 * « The next invoiced month »: the invoicing run does not exist yet, so the value starts on the
 * first day of the month after the decision (`declaredPeriod` without a last invoiced month). Once
 * invoices exist, pass the commune's last invoiced month to `declaredPeriod` here.
 */
export function quotientFamilialRequest({ repositories, clock }: RequestTypeDependencies): RequestTypeModule {
  const { quotients } = repositories;
  const periodOf = (attestedFrom: string) => declaredPeriod(attestedFrom, parisDay(clock.now()));

  return {
    async accept({ trx, commune, staff, request }) {
      const payload = payloadOf(request, 'quotient_familial');
      const period = periodOf(payload.attestedFrom);
      if (!period.applies) {
        throw refused([{ field: 'demandes', refusal: { code: 'request_quotient_expired', requestId: request.id, validUntil: period.validUntil } }]);
      }
      await quotients.insert(
        commune.id,
        {
          familyId: request.familyId,
          value: payload.value,
          validFrom: period.validFrom,
          validUntil: period.validUntil,
          source: 'declaration',
          annualIncome: payload.annualIncome,
          requestId: request.id,
          proofFileId: payload.fileId,
          setBy: staff.id,
          setAt: clock.now(),
        },
        trx,
      );
      return NOTHING_OVERRIDDEN;
    },
    // Refused, the family's quotient stays as it was: the refusal and its reason are on the request.
    refuse: async () => {},
    mail(decision) {
      const payload = payloadOf(decision.request, 'quotient_familial');
      const period = periodOf(payload.attestedFrom);
      return quotientDecisionMail(decision, payload, period.applies ? period.validFrom : undefined);
    },
  };
}
