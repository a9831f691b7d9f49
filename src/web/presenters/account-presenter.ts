import { formatDateTime } from '../../i18n/format.ts';
import { theService } from '../../i18n/service-name.ts';
import type { AuthenticationFailure } from '../../services/accounts/auth-service.ts';
import type { PendingActivations } from '../../services/accounts/self-registration-service.ts';

export interface PendingActivationView {
  userId: number;
  fullName: string;
  email: string;
  familyReference: string;
  requestedAt: string;
  deadline: string;
  overdue: boolean;
  /** « Reste 5 h », « ⚠ En retard de 2 h » — the state in words, not only by colour. */
  remaining: string;
  /** The tag's colour class for that state. */
  stateClass: 'tag--late' | 'tag--ok';
}

function hoursAndMinutes(ms: number): string {
  const minutes = Math.round(Math.abs(ms) / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  const parts = [days ? `${days} j` : '', hours ? `${hours} h` : '', !days && rest ? `${rest} min` : ''].filter(Boolean);
  return parts.join(' ') || 'moins d’une minute';
}

/** The queue as of its `asOf` instant: how long is left before each deadline, or how late it is. */
export function presentPendingActivations({ asOf, pending }: PendingActivations): PendingActivationView[] {
  return pending.map((item) => {
    const left = item.deadline.getTime() - asOf.getTime();
    return {
      userId: item.userId,
      fullName: `${item.firstName} ${item.lastName}`,
      email: item.email,
      familyReference: item.familyReference,
      requestedAt: formatDateTime(item.requestedAt),
      deadline: formatDateTime(item.deadline),
      overdue: left < 0,
      remaining: left < 0 ? `⚠ En retard de ${hoursAndMinutes(left)}` : `Reste ${hoursAndMinutes(left)}`,
      stateClass: left < 0 ? 'tag--late' : 'tag--ok',
    };
  });
}

/** The answer to a request for mail refused by the throttle: the same words whatever the address. */
export function mailThrottledMessage(retryAfterSeconds: number): string {
  const minutes = Math.max(1, Math.ceil(retryAfterSeconds / 60));
  return `Vous avez fait trop de demandes en peu de temps. Par sécurité, aucun e-mail n'est envoyé pour l'instant : réessayez dans ${minutes} ${minutes > 1 ? 'minutes' : 'minute'}.`;
}

/** What staff are told after activating or refusing requests, some perhaps decided by a colleague meanwhile. */
export function activationDecisionMessage(
  accepted: boolean,
  decided: { firstName: string; lastName: string }[],
  alreadyDecided: number,
): string {
  const names = decided.map((person) => `${person.firstName} ${person.lastName}`).join(', ');
  const done = decided.length ? `${accepted ? 'Activé' : 'Refusé'}${decided.length > 1 ? 's' : ''} : ${names}. Un e-mail a été envoyé.` : '';
  const skipped = alreadyDecided ? ` ${alreadyDecided} demande(s) avaient déjà été traitées par un autre agent.` : '';
  return `${done}${skipped}`.trim();
}

/**
 * Why a sign-in was refused, and the answer's status. A wrong login and a wrong password get the
 * same words, and a lock the same words whichever counter locked, so the page never tells whether
 * an account exists.
 */
export function signInRefusal(failure: AuthenticationFailure, serviceName: string): { status: number; message: string } {
  const service = theService(serviceName);
  switch (failure.reason) {
    case 'locked':
      return {
        status: 429,
        message:
          'Trop de tentatives de connexion. Par sécurité, la connexion à ce compte est suspendue pendant 15 minutes. Réessayez plus tard, ou utilisez « Mot de passe oublié ».',
      };
    case 'pending_activation':
      return {
        status: 403,
        message: `Votre espace n'est pas encore activé : ${service} traite votre demande au plus tard le ${formatDateTime(failure.deadline)}. Vous recevrez un e-mail.`,
      };
    case 'refused': {
      const why = failure.refusalReason ? ` Motif : ${failure.refusalReason}` : '';
      return { status: 403, message: `Votre demande de création d'espace a été refusée par ${service}.${why}` };
    }
    case 'invalid_credentials':
      return { status: 401, message: 'Identifiant ou mot de passe incorrect.' };
  }
}
