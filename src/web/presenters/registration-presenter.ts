import type { Registration, RegistrationStatus } from '../../model/registration.ts';
import { formatDate } from '../../i18n/format.ts';

/** The status symbols of DESIGN §6, always with their words beside them. */
export const REGISTRATION_STATUS: Record<RegistrationStatus, { symbol: string; label: string }> = {
  validated: { symbol: 'V', label: 'Validée' },
  pending: { symbol: '?', label: 'En attente' },
  refused: { symbol: '✗', label: 'Refusée' },
};

export interface RegistrationView {
  id: number;
  activityName: string;
  schoolYear: string;
  period: string;
  status: RegistrationStatus;
  symbol: string;
  statusLabel: string;
  reason: string | null;
  reference: string | null;
  attestation: boolean;
}

export function presentRegistrations(registrations: Registration[]): { childName: string; memberId: number; items: RegistrationView[] }[] {
  const groups = new Map<number, { childName: string; memberId: number; items: RegistrationView[] }>();
  for (const registration of registrations) {
    const group = groups.get(registration.memberId) ?? { childName: registration.childName, memberId: registration.memberId, items: [] };
    const status = REGISTRATION_STATUS[registration.status];
    group.items.push({
      id: registration.id,
      activityName: registration.activityName,
      schoolYear: registration.schoolYear,
      period: `du ${formatDate(registration.startsOn)} au ${formatDate(registration.endsOn)}`,
      status: registration.status,
      symbol: status.symbol,
      statusLabel: status.label,
      reason: registration.reason,
      reference: registration.reference,
      attestation: registration.status === 'validated',
    });
    groups.set(registration.memberId, group);
  }
  return [...groups.values()];
}
