import { formatAmount } from '../../i18n/format.ts';
import { paymentMeansWords } from '../../i18n/payment-words.ts';
import type { MailContent } from '../../integrations/mail/mail-renderer.ts';
import type { Commune } from '../../model/commune.ts';
import type { Payment } from '../../model/payment.ts';
import { greeting, serviceOfCapitalised, type PortalLinks } from '../mail.ts';

type Guardian = { email: string; firstName: string; lastName: string };

/** To each guardian with an active account, when a payment received money its invoices no longer owe (issue 18). */
export function refundOwedMail(links: PortalLinks, commune: Commune, guardian: Guardian, owed: { payment: Payment; amountCents: number }): MailContent {
  const numbers = owed.payment.invoices.map((invoice) => invoice.number).join(', ');
  return {
    kind: 'refund_owed',
    to: guardian.email,
    subject: `Remboursement de ${formatAmount(owed.amountCents)} à venir`,
    greeting: greeting(guardian),
    paragraphs: [
      `Votre paiement de ${formatAmount(owed.payment.amountCents)} (${paymentMeansWords(owed.payment).toLocaleLowerCase('fr')}, factures ${numbers}) a bien été reçu, mais ces factures ont changé entre-temps (un avoir ou un autre paiement) : ${formatAmount(owed.amountCents)} vous ${owed.amountCents > 1 ? 'sont' : 'est'} dus.`,
      `${serviceOfCapitalised(commune)} va vous rembourser cette somme et vous écrira quand ce sera fait. Vous n’avez rien à faire.`,
    ],
    action: { label: 'Voir mes factures', url: links.link(commune, '/factures') },
  };
}

/** To each guardian with an active account, when staff record the refund done. */
export function refundDoneMail(links: PortalLinks, commune: Commune, guardian: Guardian, done: { amountCents: number; note: string | null }): MailContent {
  return {
    kind: 'refund_done',
    to: guardian.email,
    subject: `Remboursement de ${formatAmount(done.amountCents)} effectué`,
    greeting: greeting(guardian),
    paragraphs: [
      `${serviceOfCapitalised(commune)} vous a remboursé ${formatAmount(done.amountCents)}${done.note ? ` (${done.note})` : ''}.`,
      'Si vous ne le voyez pas sur votre compte d’ici quelques jours, répondez depuis la rubrique « Messages » de votre espace.',
    ],
    action: { label: 'Voir mes factures', url: links.link(commune, '/factures') },
  };
}
