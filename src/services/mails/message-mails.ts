import type { Commune } from '../../data/commune-repository.ts';
import type { MailContent } from '../../integrations/mail/mail-renderer.ts';
import { greeting, serviceOfCapitalised, type PortalLinks } from './index.ts';

/** To each guardian with an active account, when the service writes to the family. */
export function messageReceivedMail(
  links: PortalLinks,
  commune: Commune,
  guardian: { email: string; firstName: string; lastName: string },
  message: { id: number; subject: string },
): MailContent {
  return {
    kind: 'message_received',
    to: guardian.email,
    subject: 'Vous avez un nouveau message',
    greeting: greeting(guardian),
    paragraphs: [`${serviceOfCapitalised(commune)} vous a écrit : « ${message.subject} ».`, 'Pour le lire, connectez-vous à votre espace.'],
    action: { label: 'Lire le message', url: links.link(commune, `/messages/${message.id}`) },
  };
}
