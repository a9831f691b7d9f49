import type { PendingActivation } from '../../data/user-repository.ts';
import { formatDateTime } from '../../i18n/format.ts';

export interface PendingActivationView {
  userId: number;
  fullName: string;
  email: string;
  familyReference: string;
  requestedAt: string;
  deadline: string;
  overdue: boolean;
  /** « dans 5 h », « en retard de 2 h » — the state in words, not only by colour. */
  remaining: string;
}

function hoursAndMinutes(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days} j` : '', hours ? `${hours} h` : '', !days && rest ? `${rest} min` : ''].filter(Boolean);
  return parts.join(' ') || 'moins d’une minute';
}

export function presentPendingActivations(pending: PendingActivation[], now: Date): PendingActivationView[] {
  return pending.map((item) => {
    const left = item.deadline.getTime() - now.getTime();
    return {
      userId: item.userId,
      fullName: `${item.firstName} ${item.lastName}`,
      email: item.email,
      familyReference: item.familyReference,
      requestedAt: formatDateTime(item.requestedAt),
      deadline: formatDateTime(item.deadline),
      overdue: left < 0,
      remaining: left < 0 ? `En retard de ${hoursAndMinutes(left)}` : `Reste ${hoursAndMinutes(left)}`,
    };
  });
}

/** The answer to a request for mail refused by the throttle: the same words whatever the address. */
export function mailThrottledMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Vous avez fait trop de demandes en peu de temps. Par sécurité, aucun e-mail n'est envoyé pour l'instant : réessayez dans ${minutes} ${minutes > 1 ? 'minutes' : 'minute'}.`;
}
