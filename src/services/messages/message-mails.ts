import type { Commune } from '../../model/commune.ts';
import type { MailContent } from '../../integrations/mail/mail-renderer.ts';
import { greeting, serviceOfCapitalised, type PortalLinks } from '../mail.ts';

const paragraphsOf = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

/**
 * To each guardian with an active account, when the service starts a thread with the family. The
 * subject is said (staff write it knowing it is e-mailed); the text only where the commune's
 * mails are not private.
 */
export function messageReceivedMail(
  links: PortalLinks,
  commune: Commune,
  guardian: { email: string; firstName: string; lastName: string },
  message: { threadId: number; subject: string; body: string },
  privateMails: boolean,
): MailContent {
  return {
    kind: 'message_received',
    to: guardian.email,
    subject: 'Vous avez un nouveau message',
    greeting: greeting(guardian),
    paragraphs: privateMails
      ? [`${serviceOfCapitalised(commune)} vous a écrit : « ${message.subject} ».`, 'Pour le lire et y répondre, connectez-vous à votre espace.']
      : [`${serviceOfCapitalised(commune)} vous a écrit : « ${message.subject} ».`, ...paragraphsOf(message.body), 'Vous pouvez y répondre depuis votre espace.'],
    action: { label: 'Lire le message', url: links.link(commune, `/messages/${message.threadId}`) },
  };
}

/**
 * To each guardian with an active account, when the service answers in a thread. Private mails
 * (the default) say only that an answer waits, with the link: neither the subject nor the text.
 */
export function answerWaitingMail(
  links: PortalLinks,
  commune: Commune,
  guardian: { email: string; firstName: string; lastName: string },
  message: { threadId: number; subject: string; body: string },
  privateMails: boolean,
): MailContent {
  return {
    kind: 'message_answered',
    to: guardian.email,
    subject: 'Une réponse vous attend',
    greeting: greeting(guardian),
    paragraphs: privateMails
      ? [`${serviceOfCapitalised(commune)} a répondu à un message de votre famille.`, 'Pour lire la réponse, connectez-vous à votre espace.']
      : [`${serviceOfCapitalised(commune)} a répondu à votre message « ${message.subject} » :`, ...paragraphsOf(message.body)],
    action: { label: 'Lire la réponse', url: links.link(commune, `/messages/${message.threadId}`) },
  };
}

/**
 * To the service's address (the commune file's contacts), when a family's thread starts waiting
 * for an answer: who wrote and about what, never the text (the mailbox is shared and mail is not
 * the place for it). The inbox count in the back-office says the same to staff without an address.
 */
export function familyWroteMail(
  links: PortalLinks,
  commune: Commune,
  serviceAddress: string,
  thread: { threadId: number; familyName: string; subject: string },
): MailContent {
  return {
    kind: 'message_from_family',
    to: serviceAddress,
    subject: `Message de la famille ${thread.familyName}`,
    greeting: 'Bonjour,',
    paragraphs: [`La famille ${thread.familyName} a écrit au service : « ${thread.subject} ».`, 'Le message attend une réponse dans la boîte de réception du portail.'],
    action: { label: 'Ouvrir la conversation', url: links.link(commune, `/admin/messages/${thread.threadId}`) },
  };
}
