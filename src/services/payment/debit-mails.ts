import type { Commune } from '../../model/commune.ts';
import { formatAmount, formatDate } from '../../i18n/format.ts';
import { DEBIT_REJECT_REASON_LABELS } from '../../i18n/mandate-words.ts';
import type { MailContent } from '../../integrations/mail/mail-renderer.ts';
import type { DebitRejectReason } from '../../model/mandate.ts';
import { greeting, serviceOfCapitalised, type PortalLinks } from '../mail.ts';

/** To each guardian with an active account, when staff record that the bank sent a debit back. */
export function debitRejectedMail(
  links: PortalLinks,
  commune: Commune,
  guardian: { email: string; firstName: string; lastName: string },
  debit: { invoiceNumber: string; amountCents: number; collectionDate: string; reason: DebitRejectReason },
): MailContent {
  return {
    kind: 'debit_rejected',
    to: guardian.email,
    subject: `Prélèvement rejeté : facture ${debit.invoiceNumber} à régler`,
    greeting: greeting(guardian),
    paragraphs: [
      `Le prélèvement de ${formatAmount(debit.amountCents)} prévu le ${formatDate(debit.collectionDate)} pour la facture ${debit.invoiceNumber} a été rejeté par votre banque (motif : ${DEBIT_REJECT_REASON_LABELS[debit.reason]}).`,
      'Cette facture est de nouveau à payer : vous pouvez la régler en ligne depuis votre espace, rubrique « Factures », ou au guichet.',
      `${serviceOfCapitalised(commune)} reste à votre disposition si vous avez une question, notamment si votre compte a changé.`,
    ],
    action: { label: 'Voir mes factures', url: links.link(commune, '/factures') },
  };
}
