import { messageReceivedMail, answerWaitingMail, familyWroteMail } from './message-mails.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import { checkUpload, fieldErrorOf, type CheckedUpload, type UploadInput } from '../files/file-checks.ts';
import { familyFiles, familyPdfLimits, limitsOf } from '../files/family-files.ts';
import { messageFormWords, type MessageFormProblem } from '../../i18n/message-words.ts';
import type { SendThrottle } from '../../integrations/send-throttle.ts';
import type { FamilyStorage } from '../../model/stored-file.ts';
import { DEFAULT_CONTACT_SUBJECTS } from '../../config/commune-file.ts';
import type { Clock } from '../../domain/clock.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Executor, Transaction } from '../../data/database.ts';
import type { Family, Member } from '../../data/family-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { FamilyThread, MessageThread, StaffMember, StaffThread, ThreadMessage } from '../../data/message-repository.ts';
import type { User } from '../../data/user-repository.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import type { StoredFile } from '../../model/stored-file.ts';

/** A message's text: long enough for a real question, short enough to stay a message. */
export const MESSAGE_MAX_LENGTH = 5000;

type FieldError = { field: string; message: string };

const refusal = (field: string, problem: MessageFormProblem): FieldError => ({ field, message: messageFormWords(problem) });

export interface MessageInput {
  familyId: number;
  subject: string;
  body: string;
}

/** What staff's « nouveau message » did, the same to a repeated form: plain data, kept with the form's key. */
export interface SendOutcome {
  threadId: number;
  familyName: string;
  /** The addresses of the guardians told by e-mail (those whose account is active). */
  notified: string[];
}

/** « Écrire au service » as the form sent it: the service checks every field at once. */
export interface ContactInput {
  subject: string;
  body: string;
  /** A child's id as sent, '' for the whole family. */
  memberId: string;
  file?: UploadInput;
}

/** A message in an existing thread: the text and, optionally, a file. */
export interface ReplyInput {
  body: string;
  file?: UploadInput;
}

/** The contact form's choices: the commune's subjects and the family's children. */
export interface ContactForm {
  subjects: string[];
  children: Member[];
  /** The family's space, said where it may attach a file. */
  storage: FamilyStorage;
}

/** A thread as the family opens it: its messages as they were before this reading (the new ones still unread). */
export interface FamilyThreadPage {
  thread: MessageThread;
  memberName: string | null;
  messages: ThreadMessage[];
  /** The family's space, said where it may attach a file. */
  storage: FamilyStorage;
}

export interface StaffThreadPage {
  thread: StaffThread;
  messages: ThreadMessage[];
  staff: StaffMember[];
}

/** The commune's subjects for « Écrire au service » (a commune file of before the list offers the default ones). */
export function contactSubjectsOf(commune: Commune): string[] {
  return commune.settings.contactSubjects?.length ? commune.settings.contactSubjects : DEFAULT_CONTACT_SUBJECTS;
}

/** Whether the e-mails about messages leave their text out (the default). */
const privateMails = (commune: Commune) => commune.settings.messages?.privateMails ?? true;

/**
 * Conversations between a family and the service (DESIGN §6, §8; issue 13 item 6). A thread is the
 * family's: both guardians see it, either may answer, and a message of the service is « lu » once
 * either guardian opened it (the family reads as one; the first reader is kept). Staff see every
 * thread of the commune in one inbox, waiting ones first; reading is recorded per thread for staff.
 * E-mails only say that a message waits, with a link (unless the commune file sets
 * `messages.privateMails` to false): the text stays behind the sign-in.
 */
export function messageService(repositories: Repositories, clock: Clock, mail: MailRenderer, sendThrottle: SendThrottle) {
  const { db, messages, families, users, outbox, audit } = repositories;
  const forms = formSubmissions(repositories, clock);
  const files = familyFiles(repositories);

  function requireFeature(commune: Commune) {
    if (!commune.settings.features.messages) throw new NotFoundError(`messages are off in ${commune.slug}`);
  }

  async function requireFamily(commune: Commune, familyId: number, executor: Executor = db): Promise<Family> {
    const family = await families.findById(commune.id, familyId, executor);
    if (!family) throw new NotFoundError(`family ${familyId} not in commune ${commune.id}`);
    return family;
  }

  function familyOf(user: User): number {
    if (!user.familyId) throw new NotFoundError('only a guardian writes as a family');
    return user.familyId;
  }

  const childrenOf = async (commune: Commune, familyId: number) =>
    (await families.listMembers(commune.id, familyId)).filter((member) => member.role === 'child');

  /** The text and the file of a message, every problem at once. */
  function checkBody(body: string, errors: FieldError[]): string {
    const text = body.trim();
    if (!text) errors.push(refusal('message', { code: 'body_missing' }));
    else if (text.length > MESSAGE_MAX_LENGTH) errors.push(refusal('message', { code: 'body_too_long', length: text.length, max: MESSAGE_MAX_LENGTH }));
    return text;
  }

  async function checkFile(commune: Commune, file: UploadInput | undefined, errors: FieldError[]): Promise<CheckedUpload | undefined> {
    if (!file) return undefined;
    if ('content' in file && file.content.length === 0) {
      errors.push(refusal('piece_jointe', { code: 'attachment_empty' }));
      return undefined;
    }
    const checked = await checkUpload(file, 'piece_jointe', undefined, familyPdfLimits(commune));
    if ('error' in checked) {
      errors.push(fieldErrorOf(checked.error));
      return undefined;
    }
    return checked.file;
  }

  /** A family's attachment counts against its budget (checked in `trx`); a staff one does not. */
  async function storeAttachment(commune: Commune, familyId: number, file: CheckedUpload | undefined, trx: Transaction, fromStaff = false): Promise<number | null> {
    if (!file) return null;
    if (fromStaff) return files.storeFromStaff(commune, familyId, file, 'piece-jointe', clock.now(), trx);
    const [id] = await files.store(commune, familyId, [file], { defaultName: 'piece-jointe', createdAt: clock.now(), field: 'piece_jointe' }, trx);
    return id!;
  }

  /**
   * Counts a family's send against its account's hourly limits; over one, a ValidationError (429)
   * on the message field: nothing is written and the form shows the text again.
   */
  async function throttle(commune: Commune, user: User, kind: 'thread' | 'message') {
    const verdict = await sendThrottle.consume({ communeId: commune.id, userId: user.id, kind, limits: limitsOf(commune) });
    if (verdict.allowed) return;
    const problem = { code: verdict.over === 'thread' ? ('too_many_threads' as const) : ('too_many_messages' as const), limit: verdict.limit, retryAfterSeconds: verdict.retryAfterSeconds };
    throw new ValidationError([refusal('message', problem)], 429);
  }

  /** The service's mailbox hears of a family's message when the thread starts waiting for it (not at each message). */
  async function tellTheService(commune: Commune, family: Family, thread: { id: number; subject: string }, trx: Transaction) {
    const address = commune.settings.contacts.email;
    if (!address) return;
    await outbox.enqueue(commune.id, mail.render(commune, familyWroteMail(mail, commune, address, { familyName: family.name, threadId: thread.id, subject: thread.subject })), clock.now(), trx);
  }

  /** Each guardian with an active account hears that the service wrote. */
  async function tellTheFamily(commune: Commune, familyId: number, compose: (guardian: User) => Parameters<MailRenderer['render']>[1], trx: Transaction) {
    const guardians = await users.listActiveParentsOfFamily(commune.id, familyId, trx);
    for (const guardian of guardians) await outbox.enqueue(commune.id, mail.render(commune, compose(guardian)), clock.now(), trx);
    return guardians;
  }

  async function requireFamilyThread(commune: Commune, familyId: number, threadId: number): Promise<MessageThread> {
    const thread = await messages.findFamilyThread(commune.id, familyId, threadId);
    if (!thread) throw new NotFoundError(`thread ${threadId} not for family ${familyId}`);
    return thread;
  }

  async function requireStaffThread(commune: Commune, threadId: number): Promise<StaffThread> {
    const thread = await messages.findStaffThread(commune.id, threadId);
    if (!thread) throw new NotFoundError(`thread ${threadId} not in commune ${commune.id}`);
    return thread;
  }

  return {
    /** The family a staff member writes to, with the guardians who will be told. */
    async recipient(commune: Commune, familyId: number): Promise<{ family: Family; guardians: User[] }> {
      requireFeature(commune);
      const family = await requireFamily(commune, familyId);
      return { family, guardians: await users.listActiveParentsOfFamily(commune.id, familyId) };
    },

    /**
     * Staff start a thread with a family; the guardians are told by e-mail, and may answer in the
     * thread. The same form posted twice (`formKey`) sends one message.
     */
    async send(commune: Commune, staff: User, input: MessageInput, formKey?: string): Promise<SendOutcome> {
      requireFeature(commune);
      const family = await requireFamily(commune, input.familyId);
      return forms.transaction(submissionOf(commune, staff, 'message_send', formKey), async (trx) => {
        const now = clock.now();
        const threadId = await messages.insertThread(
          commune.id,
          { familyId: family.id, subject: input.subject, memberId: null, openedBy: staff.id, openedAt: now, authorRole: 'staff' },
          trx,
        );
        const messageId = await messages.insertMessage(
          commune.id,
          { threadId, familyId: family.id, authorRole: 'staff', body: input.body, sentBy: staff.id, sentAt: now, attachmentFileId: null },
          trx,
        );
        await audit.record(
          commune.id,
          { staffId: staff.id, occurredAt: now, action: 'message_sent', entity: 'message', entityId: messageId, familyId: family.id, before: null, after: { subject: input.subject, body: input.body } },
          trx,
        );
        const notified = await tellTheFamily(
          commune,
          family.id,
          (guardian) => messageReceivedMail(mail, commune, guardian, { threadId, subject: input.subject, body: input.body }, privateMails(commune)),
          trx,
        );
        return { threadId, familyName: family.name, notified: notified.map((guardian) => guardian.email) };
      });
    },

    /** « Écrire au service »: the commune's subjects and the family's children. */
    async contactForm(commune: Commune, user: User): Promise<ContactForm> {
      requireFeature(commune);
      const familyId = familyOf(user);
      const [children, storage] = await Promise.all([childrenOf(commune, familyId), files.storage(commune, familyId)]);
      return { subjects: contactSubjectsOf(commune), children, storage };
    },

    /**
     * A guardian writes to the service: a new thread of the family, waiting for an answer. Every
     * field is checked at once; nothing is written unless all pass. The same form posted twice
     * (`formKey`) opens one thread. Answers the thread's id.
     */
    async contact(commune: Commune, user: User, input: ContactInput, formKey?: string): Promise<number> {
      requireFeature(commune);
      const familyId = familyOf(user);
      const submission = submissionOf(commune, user, 'message_contact', formKey);
      const earlier = await forms.replay<number>(submission);
      if (earlier) return earlier.outcome;
      const errors: FieldError[] = [];
      const subject = contactSubjectsOf(commune).find((candidate) => candidate === input.subject.trim());
      if (!subject) errors.push(refusal('objet', { code: 'subject_unknown' }));
      let memberId: number | null = null;
      if (input.memberId.trim()) {
        const child = (await childrenOf(commune, familyId)).find((member) => String(member.id) === input.memberId.trim());
        if (!child) errors.push(refusal('enfant', { code: 'child_unknown' }));
        else memberId = child.id;
      }
      const body = checkBody(input.body, errors);
      const file = await checkFile(commune, input.file, errors);
      if (errors.length) throw new ValidationError(errors);
      await throttle(commune, user, 'thread');
      return forms.transaction(submission, async (trx) => {
        const family = await requireFamily(commune, familyId, trx);
        const now = clock.now();
        const threadId = await messages.insertThread(commune.id, { familyId, subject: subject!, memberId, openedBy: user.id, openedAt: now, authorRole: 'parent' }, trx);
        const attachmentFileId = await storeAttachment(commune, familyId, file, trx);
        await messages.insertMessage(
          commune.id,
          { threadId, familyId, authorRole: 'parent', body, sentBy: user.id, sentAt: now, attachmentFileId },
          trx,
        );
        await tellTheService(commune, family, { id: threadId, subject: subject! }, trx);
        return threadId;
      });
    },

    /** A guardian answers in a thread of the family (reopening it if it was closed); another family's answers 404. */
    async reply(commune: Commune, user: User, threadId: number, input: ReplyInput, formKey?: string): Promise<number> {
      requireFeature(commune);
      const familyId = familyOf(user);
      await requireFamilyThread(commune, familyId, threadId);
      const submission = submissionOf(commune, user, 'message_reply', formKey);
      const earlier = await forms.replay<number>(submission);
      if (earlier) return earlier.outcome;
      const errors: FieldError[] = [];
      const body = checkBody(input.body, errors);
      const file = await checkFile(commune, input.file, errors);
      if (errors.length) throw new ValidationError(errors);
      await throttle(commune, user, 'message');
      return forms.transaction(submission, async (trx) => {
        const thread = await messages.lockFamilyThread(commune.id, familyId, threadId, trx);
        if (!thread) throw new NotFoundError(`thread ${threadId} not for family ${familyId}`);
        const now = clock.now();
        const attachmentFileId = await storeAttachment(commune, familyId, file, trx);
        const messageId = await messages.insertMessage(
          commune.id,
          { threadId, familyId, authorRole: 'parent', body, sentBy: user.id, sentAt: now, attachmentFileId },
          trx,
        );
        await messages.recordActivity(commune.id, threadId, now, 'parent', trx);
        const wasWaiting = thread.lastAuthorRole === 'parent' && thread.closedAt === null;
        if (!wasWaiting) await tellTheService(commune, await requireFamily(commune, familyId, trx), thread, trx);
        return messageId;
      });
    },

    async listForFamily(commune: Commune, familyId: number): Promise<FamilyThread[]> {
      requireFeature(commune);
      return messages.listForFamily(commune.id, familyId);
    },

    /**
     * A guardian opens a thread of the family: the service's messages in it become read for the
     * family (the first reader is kept). Another family's (or commune's) thread answers 404.
     */
    async read(commune: Commune, reader: User, threadId: number): Promise<FamilyThreadPage> {
      requireFeature(commune);
      const familyId = familyOf(reader);
      const thread = await requireFamilyThread(commune, familyId, threadId);
      const [list, member, storage] = await Promise.all([
        messages.listMessages(commune.id, threadId),
        thread.memberId ? families.findMember(commune.id, familyId, thread.memberId) : undefined,
        files.storage(commune, familyId),
      ]);
      if (list.some((message) => message.authorRole === 'staff' && message.readAt === null)) {
        await messages.markReadByFamily(commune.id, familyId, threadId, clock.now(), reader.id);
      }
      return { thread, memberName: member ? `${member.firstName} ${member.lastName}` : null, messages: list, storage };
    },

    /** The file of a message in a thread of the family; anything else answers 404. */
    async familyAttachment(commune: Commune, familyId: number, threadId: number, messageId: number): Promise<StoredFile> {
      requireFeature(commune);
      const file = await messages.findAttachment(commune.id, threadId, messageId, familyId);
      if (!file) throw new NotFoundError(`no attachment ${threadId}/${messageId} for family ${familyId}`);
      return file;
    },

    /** The service's messages no guardian of the family has read yet (dashboard, navigation). */
    async unreadCount(commune: Commune, familyId: number): Promise<number> {
      if (!commune.settings.features.messages) return 0;
      return messages.countUnread(commune.id, familyId);
    },

    /** The staff inbox: waiting threads first (the longest wait on top), then the latest activity. */
    async inbox(commune: Commune, options: { familyId?: number } = {}): Promise<StaffThread[]> {
      requireFeature(commune);
      return messages.inbox(commune.id, options);
    },

    /** Threads waiting for the service's answer (back-office navigation). */
    async unansweredCount(commune: Commune): Promise<number> {
      if (!commune.settings.features.messages) return 0;
      return messages.countUnanswered(commune.id);
    },

    /** Staff open a thread of the commune: read for staff from now on. Another commune's answers 404. */
    async staffThread(commune: Commune, threadId: number): Promise<StaffThreadPage> {
      requireFeature(commune);
      const thread = await requireStaffThread(commune, threadId);
      const [list, staff] = await Promise.all([messages.listMessages(commune.id, threadId), messages.listStaff(commune.id)]);
      await messages.markReadByStaff(commune.id, threadId, clock.now());
      return { thread, messages: list, staff };
    },

    async staffAttachment(commune: Commune, threadId: number, messageId: number): Promise<StoredFile> {
      requireFeature(commune);
      const file = await messages.findAttachment(commune.id, threadId, messageId);
      if (!file) throw new NotFoundError(`no attachment ${threadId}/${messageId} in commune ${commune.id}`);
      return file;
    },

    /**
     * Staff answer in a thread: the family is told by e-mail that an answer waits (its text only if
     * the commune's mails are not private). Audited. The same form posted twice answers once.
     */
    async answer(commune: Commune, staff: User, threadId: number, input: ReplyInput, formKey?: string): Promise<number> {
      requireFeature(commune);
      const thread = await requireStaffThread(commune, threadId);
      const submission = submissionOf(commune, staff, 'message_answer', formKey);
      const earlier = await forms.replay<number>(submission);
      if (earlier) return earlier.outcome;
      const errors: FieldError[] = [];
      const body = checkBody(input.body, errors);
      const file = await checkFile(commune, input.file, errors);
      if (errors.length) throw new ValidationError(errors);
      return forms.transaction(submission, async (trx) => {
        const now = clock.now();
        await messages.lockThread(commune.id, threadId, trx);
        const attachmentFileId = await storeAttachment(commune, thread.familyId, file, trx, true);
        const messageId = await messages.insertMessage(
          commune.id,
          { threadId, familyId: thread.familyId, authorRole: 'staff', body, sentBy: staff.id, sentAt: now, attachmentFileId },
          trx,
        );
        await messages.recordActivity(commune.id, threadId, now, 'staff', trx);
        await audit.record(
          commune.id,
          { staffId: staff.id, occurredAt: now, action: 'message_answered', entity: 'message', entityId: messageId, familyId: thread.familyId, before: null, after: { subject: thread.subject, body } },
          trx,
        );
        await tellTheFamily(commune, thread.familyId, (guardian) => answerWaitingMail(mail, commune, guardian, { threadId, subject: thread.subject, body }, privateMails(commune)), trx);
        return messageId;
      });
    },

    /** Gives the thread to a staff member of the commune (or to nobody). Audited. */
    async assign(commune: Commune, staff: User, threadId: number, assigneeId: number | null): Promise<void> {
      requireFeature(commune);
      const thread = await requireStaffThread(commune, threadId);
      const colleagues = await messages.listStaff(commune.id);
      const assignee = assigneeId === null ? null : colleagues.find((member) => member.id === assigneeId);
      if (assignee === undefined) throw new ValidationError([refusal('agent', { code: 'agent_unknown' })]);
      if ((assignee?.id ?? null) === thread.assignedTo) return;
      await db.transaction(async (trx) => {
        await messages.assign(commune.id, threadId, assignee?.id ?? null, trx);
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: clock.now(),
            action: 'message_thread_assigned',
            entity: 'message_thread',
            entityId: threadId,
            familyId: thread.familyId,
            before: { assignedTo: thread.assignedToName },
            after: { assignedTo: assignee?.name ?? null },
          },
          trx,
        );
      });
    },

    /** Closes a thread (it leaves the waiting ones) or opens it again. A family's new message reopens it too. Audited. */
    async setClosed(commune: Commune, staff: User, threadId: number, closed: boolean): Promise<void> {
      requireFeature(commune);
      const thread = await requireStaffThread(commune, threadId);
      if ((thread.closedAt !== null) === closed) return;
      await db.transaction(async (trx) => {
        const now = clock.now();
        await messages.setClosed(commune.id, threadId, closed ? { at: now, by: staff.id } : null, trx);
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: now,
            action: closed ? 'message_thread_closed' : 'message_thread_reopened',
            entity: 'message_thread',
            entityId: threadId,
            familyId: thread.familyId,
            before: { closed: !closed },
            after: { closed },
          },
          trx,
        );
      });
    },
  };
}

export type MessageService = ReturnType<typeof messageService>;
