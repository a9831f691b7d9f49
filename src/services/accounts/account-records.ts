import { refused, type FieldCheck } from '../../domain/refusals.ts';
import { baseIdentifier, uniqueIdentifier } from '../../domain/identifier.ts';
import { passwordProblems } from '../../domain/password-policy.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Member, NewFamily } from '../../data/family-repository.ts';
import type { Repositories } from '../../data/index.ts';

/*
 * What opening a family and its guardians' accounts writes, the same whether staff, an import or
 * the person themself (self-registration) opens it.
 */

type Records = Pick<Repositories, 'families' | 'users'>;

/** A guardian and their sign-in account, written together. */
export interface GuardianAccount {
  civility: 'madame' | 'monsieur';
  lastName: string;
  birthName?: string | null;
  firstName: string;
  birthDate?: string | null;
  birthCountry?: string | null;
  birthDepartment?: string | null;
  birthCity?: string | null;
  email: string;
  phone?: string | null;
  preferredContact?: Member['preferredContact'];
  /** Null when staff open the account: the person chooses the password through the activation link. */
  passwordHash: string | null;
  /** A self-registration: when it was asked, and by when staff promise to decide. */
  activationRequest?: { requestedAt: Date; deadline: Date };
}

export interface CreatedAccount {
  userId: number;
  memberId: number;
  identifier: string;
  email: string;
}

/** The family file, under the reference given (an older portal's file number) or the next one of the commune. */
export async function insertFamily(
  { families }: Records,
  trx: Transaction,
  commune: Commune,
  family: Omit<NewFamily, 'reference'> & { reference?: string },
): Promise<{ familyId: number; reference: string }> {
  const reference = family.reference ?? (await families.nextReference(commune.id, commune.slug.slice(0, 3).toUpperCase(), trx));
  const familyId = await families.insertFamily(commune.id, { ...family, reference }, trx);
  return { familyId, reference };
}

/** The guardian in the family file and their account, which waits for activation; the identifier is made unique in the commune. */
export async function insertGuardianAccount(
  { families, users }: Records,
  trx: Transaction,
  commune: Commune,
  familyId: number,
  guardian: GuardianAccount,
): Promise<CreatedAccount> {
  const email = guardian.email.trim();
  const memberId = await families.insertMember(
    commune.id,
    familyId,
    {
      role: 'guardian',
      civility: guardian.civility,
      lastName: guardian.lastName,
      birthName: guardian.birthName ?? null,
      firstName: guardian.firstName,
      birthDate: guardian.birthDate ?? null,
      email,
      phone: guardian.phone ?? null,
      school: null,
      schoolLevel: null,
      birthCountry: guardian.birthCountry,
      birthDepartment: guardian.birthDepartment,
      birthCity: guardian.birthCity,
      preferredContact: guardian.preferredContact ?? 'email',
    },
    trx,
  );
  const base = baseIdentifier(guardian.lastName, guardian.firstName);
  const identifier = uniqueIdentifier(base, await users.identifiersLike(commune.id, base, trx));
  const userId = await users.insert(
    commune.id,
    {
      role: 'parent',
      email,
      identifier,
      firstName: guardian.firstName,
      lastName: guardian.lastName,
      status: 'pending_activation',
      passwordHash: guardian.passwordHash,
      familyId,
      memberId,
      activationRequestedAt: guardian.activationRequest?.requestedAt ?? null,
      activationDeadline: guardian.activationRequest?.deadline ?? null,
    },
    trx,
  );
  return { userId, memberId, identifier, email };
}

/** A new password and its confirmation, checked against the rules and the person's own e-mail and identifier. */
export function requireAcceptablePassword(password: string, confirmation: string, person: { email: string; identifier: string }): void {
  const errors: FieldCheck[] = passwordProblems(password, person).map((problem) => ({ field: 'motDePasse', refusal: { code: 'password_weak', problem } }));
  if (password !== confirmation) errors.push({ field: 'confirmation', refusal: { code: 'passwords_differ' } });
  if (errors.length) throw refused(errors.filter((e, i, all) => all.findIndex((o) => o.field === e.field) === i));
}
