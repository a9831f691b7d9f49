import type { Commune } from '../../model/commune.ts';
import type { FamilyRequest, RequestPayload } from '../../model/request.ts';
import type { User } from '../../model/user.ts';
import type { MailContent } from '../../integrations/mail/mail-renderer.ts';
import { formatDate, formatDateTime } from '../../i18n/format.ts';
import { formatWholeEuros } from '../../i18n/quotient-words.ts';
import { absenceDaysInWords, REQUEST_STATUS_LABELS, REQUEST_TYPE_LABELS } from '../../i18n/request-words.ts';
import { theService } from '../../i18n/service-name.ts';

/** The content of the e-mails about family requests: the request types pick one, the queue sends it. */

export type DecisionWords = { accepted: true; confirmationSentTo?: string } | { accepted: false; reason: string };

/** Everything a decision e-mail may say, for one guardian. */
export interface DecisionMail {
  commune: Commune;
  guardian: Pick<User, 'email' | 'firstName' | 'lastName'>;
  request: FamilyRequest;
  decision: DecisionWords;
  /** An absolute link into the commune's portal. */
  link(path: string): string;
}

/** « Votre demande du … (ajout d'un enfant : Tom Martin) a été acceptée par l'Accueil Éducation. » */
export function requestDecisionMail({ commune, guardian, request, decision, link }: DecisionMail, asked: string): MailContent {
  const status = REQUEST_STATUS_LABELS[decision.accepted ? 'accepted' : 'refused'].toLowerCase();
  return {
    kind: decision.accepted ? 'request_accepted' : 'request_refused',
    to: guardian.email,
    subject: `Votre demande est ${status}`,
    greeting: `Bonjour ${guardian.firstName} ${guardian.lastName},`,
    paragraphs: [
      `Votre demande du ${formatDateTime(request.submittedAt)} (${REQUEST_TYPE_LABELS[request.type].toLowerCase()} : ${asked}) a été ${status} par ${theService(commune.settings.contacts.service)}.`,
      decision.accepted ? 'Votre dossier famille est à jour.' : `Motif : ${decision.reason}`,
      ...(decision.accepted && decision.confirmationSentTo
        ? [`La nouvelle adresse e-mail, ${decision.confirmationSentTo}, ne servira à se connecter qu'après sa confirmation par le lien qui vient d'y être envoyé.`]
        : []),
    ],
    action: { label: 'Voir mes démarches', url: link('/historique?vue=demarches&periode=mois') },
  };
}

type Payload<K extends RequestPayload['kind']> = Extract<RequestPayload, { kind: K }>;

/** What each kind of request asked, in the words of its decision e-mail. */
export const changesAsked = (payload: Payload<'changes'>) =>
  `${payload.memberName} – ${payload.changes.map((change) => change.label.toLowerCase()).join(', ')}`;

export const newChildAsked = (payload: Payload<'new_child'>) => `${payload.child.firstName} ${payload.child.lastName}`;

export const registrationAsked = (payload: Payload<'registration'>) =>
  `${payload.childName} – ${payload.activityName}, année ${payload.schoolYear}`;

export const absenceAsked = (payload: Payload<'absence'>) => `${payload.childName} – absence ${absenceDaysInWords(payload.days)}`;

export const quotientAsked = (payload: Payload<'quotient_familial'>) =>
  `${formatWholeEuros(payload.value)}, attestation valable à partir du ${formatDate(payload.attestedFrom)}`;

/**
 * The decision on a quotient declaration: accepted, from which day the value prices (it never
 * changes a month already invoiced).
 */
export function quotientDecisionMail(decision: DecisionMail, payload: Payload<'quotient_familial'>, appliesFrom: string | undefined): MailContent {
  const content = requestDecisionMail(decision, quotientAsked(payload));
  if (!decision.decision.accepted || !appliesFrom) return content;
  // In place of « Votre dossier famille est à jour. »: when the new value starts to count.
  const [first, , ...rest] = content.paragraphs;
  return {
    ...content,
    paragraphs: [
      first!,
      `Ce quotient familial s'applique à partir du ${formatDate(appliesFrom)} : les mois déjà facturés ne changent pas.`,
      ...rest,
    ],
  };
}
