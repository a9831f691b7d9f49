import type { Clock } from '../../domain/clock.ts';
import { refused, type FieldCheck } from '../../domain/refusals.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import { insertFamily, insertGuardianAccount } from '../accounts/account-records.ts';
import type { ActivationLinks } from '../accounts/activation-service.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';

export interface GuardianInput {
  civility: 'madame' | 'monsieur';
  lastName: string;
  firstName: string;
  email: string;
  phone?: string | null;
  birthDate?: string | null;
}

export interface NewFamilyInput {
  /** The older portal's file number when importing; generated otherwise. */
  reference?: string;
  name: string;
  addressLine?: string | null;
  postcode?: string | null;
  city?: string | null;
  guardians: GuardianInput[];
}

export interface CreatedFamily {
  familyId: number;
  reference: string;
  guardians: { userId: number; identifier: string; email: string }[];
}

/** Staff (or an import of an older portal's families) open a family file and one account per guardian. */
export function familyCreationService(repositories: Repositories, clock: Clock, activation: ActivationLinks) {
  const { users, families, audit } = repositories;
  const forms = formSubmissions(repositories, clock);

  return {
    /**
     * The family, its guardians and their accounts, each sent its activation link, in one
     * transaction. `formKey`: the staff form's one-time key; the same form posted twice creates one
     * family.
     */
    async createFamilyWithGuardians(commune: Commune, input: NewFamilyInput, staff?: User, formKey?: string): Promise<CreatedFamily> {
      return forms.transaction(staff && submissionOf(commune, staff, 'new_family', formKey), async (trx) => {
        const emails = input.guardians.map((guardian) => guardian.email.trim().toLowerCase());
        const errors: FieldCheck[] = [];
        if (new Set(emails).size !== emails.length) {
          errors.push({ field: 'courriel2', refusal: { code: 'guardians_share_email' } });
        }
        for (const [index, email] of emails.entries()) {
          if (await users.findByEmail(commune.id, email, trx)) {
            errors.push({ field: `courriel${index + 1}`, refusal: { code: 'account_exists', email } });
          }
        }
        if (input.reference && (await families.findByReference(commune.id, input.reference, trx))) {
          errors.push({ field: 'reference', refusal: { code: 'file_reference_exists', reference: input.reference } });
        }
        if (errors.length) throw refused(errors);

        const { familyId, reference } = await insertFamily(repositories, trx, commune, {
          reference: input.reference,
          name: input.name,
          addressLine: input.addressLine,
          postcode: input.postcode,
          city: input.city,
        });
        const created: CreatedFamily['guardians'] = [];
        for (const guardian of input.guardians) {
          const account = await insertGuardianAccount(repositories, trx, commune, familyId, { ...guardian, passwordHash: null });
          await activation.queueLink(trx, commune, { id: account.userId, email: account.email, identifier: account.identifier, firstName: guardian.firstName, lastName: guardian.lastName });
          created.push({ userId: account.userId, identifier: account.identifier, email: account.email });
        }
        if (staff) {
          await audit.record(
            commune.id,
            {
              staffId: staff.id,
              occurredAt: clock.now(),
              action: 'family_created',
              entity: 'family',
              entityId: familyId,
              familyId,
              after: { reference, name: input.name, guardians: created.map((guardian) => guardian.email) },
            },
            trx,
          );
        }
        return { familyId, reference, guardians: created };
      });
    },
  };
}

export type FamilyCreationService = ReturnType<typeof familyCreationService>;
