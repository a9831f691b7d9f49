import type { RequestStatus, RequestType } from '../model/request.ts';
import { formatDate } from './format.ts';

/**
 * The words of family requests (démarches), the one place pages and e-mails take them from. A new
 * request type gets its label here: the record is typed by `RequestType`, so the compiler asks for it.
 */
export const REQUEST_TYPE_LABELS: Record<RequestType, string> = {
  member_change: "Modification d'un membre de la famille",
  contact_change: 'Modification des coordonnées',
  new_child: "Ajout d'un enfant",
  registration: 'Inscription à une activité',
  absence: "Justification d'une absence",
  quotient_familial: 'Déclaration du quotient familial',
  sepa_mandate: 'Adhésion au prélèvement automatique',
};

/** A request's status, as a badge and a sentence say it (« Acceptée », « … a été acceptée »). */
export const REQUEST_STATUS_LABELS: Record<RequestStatus, string> = {
  pending: 'En attente',
  accepted: 'Acceptée',
  refused: 'Refusée',
};

/** « le lundi 30 novembre 2026 (Restauration scolaire), le mardi 1 décembre 2026 (Restauration scolaire) » */
export function absenceDaysInWords(days: { day: string; activityName: string }[]): string {
  return days.map((entry) => `le ${formatDate(entry.day)} (${entry.activityName})`).join(', ');
}
