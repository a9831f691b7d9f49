import { NotFoundError } from '../../domain/errors.ts';
import { fieldDefinition, type FieldValue } from '../../domain/family-fields.ts';
import type { Member } from '../../data/family-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import type { EmailChangeService, PendingEmailChange } from '../accounts/email-change-service.ts';
import { CONTACT_FIELD_LABELS } from '../../i18n/family-words.ts';

/** What parents' edits, staff edits and the request types share about a member of a family. */

/** A member's values by field key, as forms and requests name them. */
export function memberValues(member: Member): Record<string, FieldValue> {
  const { id: _id, familyId: _familyId, role: _role, ...values } = member;
  return values as Record<string, FieldValue>;
}

/** The label a change carries in a request and in the journal. */
export const fieldLabelOf = (key: string) => fieldDefinition(key)?.label ?? CONTACT_FIELD_LABELS[key] ?? key;

/** A member's address that an account signs in with, and its change waiting for confirmation. */
export interface SignInAddress {
  holder: User;
  pending?: PendingEmailChange;
}

export function familyMembers(repositories: Repositories, emailChanges: EmailChangeService) {
  const { families, users } = repositories;
  return {
    /** One member of a family; a member of another family answers 404. */
    async require(communeId: number, familyId: number, memberId: number): Promise<Member> {
      const member = await families.findMember(communeId, familyId, memberId);
      if (!member) throw new NotFoundError(`member ${memberId} not in family ${familyId}`);
      return member;
    },

    /** The account that signs in with a member's address, with its change waiting for confirmation. */
    async signInAddressOf(communeId: number, memberId: number): Promise<SignInAddress | undefined> {
      const holder = await users.findByMember(communeId, memberId);
      if (!holder) return undefined;
      return { holder, pending: await emailChanges.pendingFor(communeId, holder.id) };
    },
  };
}

export type FamilyMembers = ReturnType<typeof familyMembers>;
