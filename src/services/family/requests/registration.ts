import { NotFoundError } from '../../../domain/errors.ts';
import { registrationAsked, requestDecisionMail } from '../request-mails.ts';
import { NOTHING_OVERRIDDEN, payloadOf, type DecisionStep, type RequestTypeDependencies, type RequestTypeModule } from './request-type.ts';

/**
 * A registration of a child to an activity for a school year (DESIGN §7 Registrations). The pending
 * registration was written with the request; the decision validates or refuses it, and a validated
 * one gets its reference from the commune's gap-free counter.
 */
export function registrationRequest({ repositories, clock }: RequestTypeDependencies): RequestTypeModule {
  const { registrations, counters } = repositories;

  async function record({ trx, commune, staff, request }: DecisionStep, decision: { accept: boolean; reason: string | null }) {
    const registration = await registrations.findByRequest(commune.id, request.id, trx);
    if (!registration) throw new NotFoundError(`no registration for request ${request.id}`);
    let reference: string | null = null;
    if (decision.accept) {
      const year = Number(registration.schoolYear.slice(0, 4));
      const number = await counters.next(commune.id, 'registration', year, trx);
      reference = `INS-${year}-${String(number).padStart(5, '0')}`;
    }
    await registrations.recordDecision(
      commune.id,
      registration.id,
      { status: decision.accept ? 'validated' : 'refused', reference, decidedBy: staff.id, decidedAt: clock.now(), reason: decision.reason },
      trx,
    );
  }

  return {
    async accept(step) {
      await record(step, { accept: true, reason: null });
      return NOTHING_OVERRIDDEN;
    },
    refuse: (step, reason) => record(step, { accept: false, reason }),
    mail: (decision) => requestDecisionMail(decision, registrationAsked(payloadOf(decision.request, 'registration'))),
  };
}
