import type { Clock } from '../domain/clock.ts';
import type { Commune } from '../model/commune.ts';
import type { Executor } from '../data/database.ts';
import type { MailOutboxRepository } from '../data/mail-outbox-repository.ts';
import type { MailContent, MailRenderer } from '../integrations/mail/mail-renderer.ts';
import { capitalise, theService } from '../i18n/service-name.ts';

/*
 * The e-mails' content lives in one module per area (account-mails, …): a use case says which
 * mail and with what data, never its sentences. What those modules share is here.
 */

/** Absolute links into the commune's portal, for the buttons of the mails. */
export type PortalLinks = Pick<MailRenderer, 'link'>;

/** A mail's content, written to the outbox in the caller's transaction: sent with the change that causes it, or not at all. */
export type QueueMail = (executor: Executor, commune: Commune, content: MailContent) => Promise<unknown>;

export function mailQueue(outbox: Pick<MailOutboxRepository, 'enqueue'>, renderer: MailRenderer, clock: Clock): QueueMail {
  return (executor, commune, content) => outbox.enqueue(commune.id, renderer.render(commune, content), clock.now(), executor);
}

/** « Bonjour Marie Dupont, » */
export const greeting = (person: { firstName: string; lastName: string }) => `Bonjour ${person.firstName} ${person.lastName},`;

/** « l'Accueil Éducation », « le Service Enfance », inside a sentence. */
export const serviceOf = (commune: Commune) => theService(commune.settings.contacts.service);

/** The same at the start of a sentence: « L'Accueil Éducation ». */
export const serviceOfCapitalised = (commune: Commune) => capitalise(serviceOf(commune));
