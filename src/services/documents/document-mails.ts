import type { Commune } from '../../model/commune.ts';
import type { User } from '../../model/user.ts';
import type { MailContent } from '../../integrations/mail/mail-renderer.ts';
import { formatDate, formatDateTime } from '../../i18n/format.ts';
import { greeting, serviceOf, type PortalLinks } from '../mail.ts';

/** The e-mails about requested documents (issue 13): the staff decision on a document sent. */

export interface DocumentDecisionMail {
  commune: Commune;
  guardian: Pick<User, 'email' | 'firstName' | 'lastName'>;
  /** « Attestation d'assurance extrascolaire de Léa », « Justificatif de domicile ». */
  documentLabel: string;
  submittedAt: Date;
  decision: { accepted: true; validUntil: string } | { accepted: false; reason: string };
  links: PortalLinks;
}

export function documentDecisionMail({ commune, guardian, documentLabel, submittedAt, decision, links }: DocumentDecisionMail): MailContent {
  const sent = `Le document « ${documentLabel} » que vous avez envoyé le ${formatDateTime(submittedAt)}`;
  return {
    kind: decision.accepted ? 'document_accepted' : 'document_refused',
    to: guardian.email,
    subject: decision.accepted ? 'Votre document est validé' : 'Votre document est refusé',
    greeting: greeting(guardian),
    paragraphs: decision.accepted
      ? [`${sent} a été validé par ${serviceOf(commune)}.`, `Il est valable jusqu'au ${formatDate(decision.validUntil)} inclus : vous n'aurez pas à le fournir de nouveau d'ici là.`]
      : [
          `${sent} a été refusé par ${serviceOf(commune)}.`,
          `Motif : ${decision.reason}`,
          'Vous pouvez en envoyer un nouveau depuis « Mes documents ».',
        ],
    action: { label: 'Voir mes documents', url: links.link(commune, '/documents') },
  };
}
