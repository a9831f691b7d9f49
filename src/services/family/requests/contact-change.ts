import { memberChangesApplier } from './member-change.ts';
import { changesAsked, requestDecisionMail } from '../request-mails.ts';
import { payloadOf, type RequestTypeDependencies, type RequestTypeModule } from './request-type.ts';

/** A parent's change to their own contact details (« Mes coordonnées ») that goes to staff. */
export function contactChangeRequest(dependencies: RequestTypeDependencies): RequestTypeModule {
  return {
    accept: memberChangesApplier(dependencies),
    refuse: async () => {},
    mail: (decision) => requestDecisionMail(decision, changesAsked(payloadOf(decision.request, 'changes'))),
  };
}
