import { NotFoundError } from '../../../domain/errors.ts';
import { refused } from '../../../domain/refusals.ts';
import { conflictsOf } from '../../../domain/family-fields.ts';
import { memberValues } from '../family-members.ts';
import { changesAsked, requestDecisionMail } from '../request-mails.ts';
import { payloadOf, type Accepted, type DecisionStep, type RequestTypeDependencies, type RequestTypeModule } from './request-type.ts';

/**
 * Writes the changes of an accepted change request on its member; answers the changes it overrode
 * and the new sign-in address a confirmation link went to. Shared by the member and contact changes.
 */
export function memberChangesApplier({ repositories, clock, emailChanges }: RequestTypeDependencies) {
  const { families, users } = repositories;
  return async function applyChanges({ trx, commune, request }: DecisionStep): Promise<Accepted> {
    const payload = payloadOf(request, 'changes');
    const member = request.memberId === null ? undefined : await families.lockMember(commune.id, request.familyId, request.memberId, trx);
    if (!member) throw new NotFoundError(`member ${request.memberId} of request ${request.id} is gone`);
    const conflicts = conflictsOf(payload.changes, memberValues(member));
    const values = Object.fromEntries(payload.changes.map((change) => [change.field, change.after]));
    let confirmationSentTo: string | undefined;
    if (typeof values.email === 'string') {
      const holder = await users.findByMember(commune.id, member.id, trx);
      // A request sent before this rule, or forged: only the holder may move their sign-in address.
      if (holder && holder.id !== request.submittedBy) {
        throw refused([
          { field: 'demandes', refusal: { code: 'request_email_not_from_holder', requestId: request.id, firstName: holder.firstName, lastName: holder.lastName } },
        ]);
      }
      const taken = await users.findByEmail(commune.id, values.email, trx);
      if (taken && taken.memberId !== member.id) {
        throw refused([{ field: 'demandes', refusal: { code: 'request_email_taken', email: values.email } }]);
      }
      if (holder) {
        confirmationSentTo = values.email;
        delete values.email;
        await emailChanges.start(trx, commune, holder, confirmationSentTo, 'self');
      }
    }
    await families.updateMemberFields(commune.id, request.familyId, member.id, values, clock.now(), trx);
    return { conflicts, confirmationSentTo };
  };
}

/** A parent's change to a member of the family that the commune sends to staff. */
export function memberChangeRequest(dependencies: RequestTypeDependencies): RequestTypeModule {
  return {
    accept: memberChangesApplier(dependencies),
    // Nothing was written before the decision: refusing leaves the file as it is.
    refuse: async () => {},
    mail: (decision) => requestDecisionMail(decision, changesAsked(payloadOf(decision.request, 'changes'))),
  };
}
