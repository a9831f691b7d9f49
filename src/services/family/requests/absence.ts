import { absenceAsked, requestDecisionMail } from '../request-mails.ts';
import { NOTHING_OVERRIDDEN, payloadOf, type RequestTypeDependencies, type RequestTypeModule } from './request-type.ts';

/** The justification of booked days a child missed (DESIGN §7 Absences): accepted, the days are not billed. */
export function absenceRequest({ repositories }: RequestTypeDependencies): RequestTypeModule {
  const { absences } = repositories;
  return {
    async accept({ trx, commune, request }) {
      await absences.markJustified(commune.id, request.id, trx);
      return NOTHING_OVERRIDDEN;
    },
    // Refused, the days stay unjustified: the refusal and its reason are on the request.
    refuse: async () => {},
    mail: (decision) => requestDecisionMail(decision, absenceAsked(payloadOf(decision.request, 'absence'))),
  };
}
