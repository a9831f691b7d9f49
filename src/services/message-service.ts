import { messageReceivedMail } from './mails/message-mails.ts';
import type { Clock } from '../domain/clock.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Commune } from '../data/commune-repository.ts';
import type { Executor } from '../data/database.ts';
import type { Family } from '../data/family-repository.ts';
import type { Repositories } from '../data/index.ts';
import type { Message, SentMessage } from '../data/message-repository.ts';
import type { User } from '../data/user-repository.ts';
import type { MailRenderer } from '../integrations/mail/mail-renderer.ts';

export interface MessageInput {
  familyId: number;
  subject: string;
  body: string;
  /** The form's one-time token: the same form posted twice sends one message. */
  formToken: string;
}

export interface SendOutcome {
  /** Undefined when this form had already been sent. */
  messageId?: number;
  family: Family;
  /** The guardians told by e-mail (those whose account is active). */
  notified: User[];
}

/**
 * Messages from the service to one family (DESIGN §6, §8). Both guardians read the same message;
 * the e-mail only says a message is waiting, so its content stays behind the sign-in.
 */
export function messageService(repositories: Repositories, clock: Clock, mail: MailRenderer) {
  const { db, messages, families, users, outbox, audit } = repositories;

  function requireFeature(commune: Commune) {
    if (!commune.settings.features.messages) throw new NotFoundError(`messages are off in ${commune.slug}`);
  }

  async function requireFamily(commune: Commune, familyId: number, executor: Executor = db): Promise<Family> {
    const family = await families.findById(commune.id, familyId, executor);
    if (!family) throw new NotFoundError(`family ${familyId} not in commune ${commune.id}`);
    return family;
  }

  return {
    /** The family a staff member writes to, with the guardians who will be told. */
    async recipient(commune: Commune, familyId: number): Promise<{ family: Family; guardians: User[] }> {
      requireFeature(commune);
      const family = await requireFamily(commune, familyId);
      return { family, guardians: await users.listActiveParentsOfFamily(commune.id, familyId) };
    },

    async send(commune: Commune, staff: User, input: MessageInput): Promise<SendOutcome> {
      requireFeature(commune);
      return db.transaction(async (trx) => {
        const family = await requireFamily(commune, input.familyId, trx);
        const messageId = await messages.insert(
          commune.id,
          { familyId: family.id, subject: input.subject, body: input.body, sentBy: staff.id, sentAt: clock.now(), formToken: input.formToken },
          trx,
        );
        if (messageId === undefined) return { family, notified: [] };
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: clock.now(),
            action: 'message_sent',
            entity: 'message',
            entityId: messageId,
            familyId: family.id,
            before: null,
            after: { subject: input.subject, body: input.body },
          },
          trx,
        );
        const guardians = await users.listActiveParentsOfFamily(commune.id, family.id, trx);
        for (const guardian of guardians) {
          await outbox.enqueue(
            commune.id,
            mail.render(commune, messageReceivedMail(mail, commune, guardian, { id: messageId, subject: input.subject })),
            clock.now(),
            trx,
          );
        }
        return { messageId, family, notified: guardians };
      });
    },

    async listForFamily(commune: Commune, familyId: number): Promise<Message[]> {
      requireFeature(commune);
      return messages.listForFamily(commune.id, familyId);
    },

    /**
     * A guardian opens a message of their family: the first opening marks it read for the family.
     * Another family's (or commune's) message answers 404.
     */
    async read(commune: Commune, reader: User, messageId: number): Promise<Message> {
      requireFeature(commune);
      const message = await messages.findForFamily(commune.id, reader.familyId!, messageId);
      if (!message) throw new NotFoundError(`message ${messageId} not for family ${reader.familyId}`);
      if (!message.readAt) await messages.markRead(commune.id, message.familyId, message.id, clock.now(), reader.id);
      return message;
    },

    async unreadCount(commune: Commune, familyId: number): Promise<number> {
      if (!commune.settings.features.messages) return 0;
      return messages.countUnread(commune.id, familyId);
    },

    async listSent(commune: Commune, options: { familyId?: number } = {}): Promise<SentMessage[]> {
      requireFeature(commune);
      return messages.listSent(commune.id, options);
    },
  };
}

export type MessageService = ReturnType<typeof messageService>;
