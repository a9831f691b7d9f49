import type { FamilyPage } from '../../services/family/family-service.ts';
import { pageLinks } from '../paging.ts';
import { fieldsFor } from '../../domain/family-fields.ts';
import type { FamilyAccount, Member } from '../../model/family.ts';
import { memberValues } from '../../services/family/family-members.ts';
import { displayValue, presentMembers } from './family-presenter.ts';

const ACCOUNT_STATUS_LABELS: Record<FamilyAccount['status'], string> = {
  pending_activation: 'En attente d’activation',
  active: 'Actif',
  disabled: 'Désactivé',
  refused: 'Refusé',
};

export interface MemberFileView {
  id: number;
  fullName: string;
  roleLabel: string;
  age?: string;
  /** Every field of the member's role, in words (« Non renseigné » when empty). */
  fields: { label: string; value: string }[];
}

/** The members as staff read them in the family file: all their fields, in words. */
export function presentMemberFiles(members: Member[], now: Date): MemberFileView[] {
  const summaries = presentMembers(members, now);
  return members.map((member, index) => {
    const values = memberValues(member);
    const fields = fieldsFor(member.role).map((field) => ({ label: field.label, value: displayValue(field.kind, values[field.key]) }));
    if (member.role === 'guardian') {
      const birthPlace = [member.birthCity, member.birthDepartment, member.birthCountry].filter(Boolean).join(', ');
      fields.push(
        { label: 'Lieu de naissance', value: birthPlace || 'Non renseigné' },
        { label: 'Moyen de contact préféré', value: displayValue('contactWay', member.preferredContact ?? null) },
      );
    }
    const summary = summaries[index]!;
    return { id: member.id, fullName: summary.fullName, roleLabel: summary.roleLabel, age: summary.age, fields };
  });
}

export interface AccountView {
  fullName: string;
  email: string;
  identifier: string;
  status: FamilyAccount['status'];
  statusLabel: string;
  lastSignInAt: Date | null;
}

export function presentAccounts(accounts: FamilyAccount[]): AccountView[] {
  return accounts.map((account) => ({
    fullName: `${account.firstName} ${account.lastName}`,
    email: account.email,
    identifier: account.identifier,
    status: account.status,
    statusLabel: ACCOUNT_STATUS_LABELS[account.status],
    lastSignInAt: account.lastSignInAt,
  }));
}

/** The staff home's list of families, a page at a time. */
export function presentFamilyPage({ families, total, page, pageCount }: FamilyPage) {
  return {
    families,
    total,
    ...pageLinks(page, pageCount),
    totalWords: total > 1 ? `${total.toLocaleString('fr-FR')} familles` : `${total} famille`,
  };
}

/** « 3 familles trouvées pour « zoé » » */
export function searchResultsTitle(count: number, query: string): string {
  return count > 1 ? `${count} familles trouvées pour « ${query} »` : `${count} famille trouvée pour « ${query} »`;
}
