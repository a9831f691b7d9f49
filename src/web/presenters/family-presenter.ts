import type { Member, MemberRole } from '../../data/family-repository.ts';
import { formatDate } from '../../i18n/format.ts';

const ROLE_LABELS: Record<MemberRole, string> = {
  guardian: 'Responsable légal',
  child: 'Enfant',
  contact: 'Personne autorisée',
};

export interface MemberView {
  id: number;
  fullName: string;
  roleLabel: string;
  birthDate?: string;
  age?: string;
  school?: string;
  email?: string;
  phone?: string;
}

/** Age in whole years on the Paris calendar day of `now`. */
export function ageOn(birthDate: string, now: Date): number {
  const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Paris' }).format(now);
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

export function presentMembers(members: Member[], now: Date): MemberView[] {
  return members.map((member) => {
    const age = member.birthDate ? ageOn(member.birthDate, now) : undefined;
    return {
      id: member.id,
      fullName: `${member.firstName} ${member.lastName}`,
      roleLabel: member.role === 'guardian' && member.civility === 'madame' ? 'Responsable légale' : ROLE_LABELS[member.role],
      birthDate: member.birthDate ? formatDate(member.birthDate) : undefined,
      age: age === undefined ? undefined : `${age} an${age > 1 ? 's' : ''}`,
      school: [member.school, member.schoolLevel].filter(Boolean).join(', ') || undefined,
      email: member.email ?? undefined,
      phone: member.phone ?? undefined,
    };
  });
}
