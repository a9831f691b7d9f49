import type { FamilyThread, MessageThread, StaffMember, StaffThread, ThreadMessage } from '../../model/message.ts';
import { formatMessageTime, fileInWords, unansweredInWords, unreadInWords } from '../../i18n/message-words.ts';
import { capitalise, theService } from '../../i18n/service-name.ts';

export { unansweredInWords, unreadInWords };

export interface ThreadSummaryView {
  id: number;
  subject: string;
  lastActivity: string;
  unread: boolean;
  /** « 2 messages non lus » / « Lu »: said in words, the style only repeats it. */
  readLabel: string;
  /** Where the conversation stands: « En attente de la réponse du service », « Clôturée »… */
  stateLabel: string;
}

export interface MessageBubbleView {
  id: number;
  /** Written by the person reading (or their side): shown on the right, « Vous ». */
  mine: boolean;
  author: string;
  sentAt: string;
  /** ISO 8601, for the `<time>` element. */
  sentAtIso: string;
  paragraphs: string[];
  /** A message of the service the family had not read before this page. */
  isNew: boolean;
  attachment?: { url: string; name: string; description: string };
}

export interface ThreadView {
  id: number;
  subject: string;
  /** « Au sujet de Jade Martin » */
  about?: string;
  closed: boolean;
  messages: MessageBubbleView[];
}

export interface InboxRowView {
  id: number;
  family: string;
  familyId: number;
  subject: string;
  about?: string;
  lastActivity: string;
  waiting: boolean;
  stateLabel: string;
  stateClass: string;
  /** A message of the family no staff member has opened yet. */
  newForStaff: boolean;
  assignedTo: string;
  readLabel: string;
}

const paragraphsOf = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

const waitsForService = (thread: MessageThread) => thread.closedAt === null && thread.lastAuthorRole === 'parent';

function familyStateOf(thread: MessageThread): string {
  if (thread.closedAt) return 'Conversation close';
  return thread.lastAuthorRole === 'parent' ? 'En attente de la réponse du service' : 'Dernier message du service';
}

export function presentFamilyThreads(threads: FamilyThread[]): ThreadSummaryView[] {
  return threads.map((thread) => ({
    id: thread.id,
    subject: thread.subject,
    lastActivity: formatMessageTime(thread.lastMessageAt),
    unread: thread.unreadCount > 0,
    readLabel: thread.unreadCount > 0 ? (thread.unreadCount === 1 ? 'Non lu' : `${thread.unreadCount} non lus`) : 'Lu',
    stateLabel: familyStateOf(thread),
  }));
}

function bubble(message: ThreadMessage, mine: boolean, author: string, attachmentBase: string, isNew: boolean): MessageBubbleView {
  return {
    id: message.id,
    mine,
    author,
    sentAt: formatMessageTime(message.sentAt),
    sentAtIso: message.sentAt.toISOString(),
    paragraphs: paragraphsOf(message.body),
    isNew,
    attachment: message.attachment
      ? {
          url: `${attachmentBase}/${message.id}`,
          name: message.attachment.originalName,
          description: fileInWords(message.attachment.detectedType, message.attachment.size),
        }
      : undefined,
  };
}

/**
 * A thread as a guardian reads it: « Vous » for their own messages, the other guardian by name,
 * the service by its name (never the agent's). `attachmentBase`: the thread's URL + '/pieces-jointes'.
 */
export function presentFamilyThread(
  page: { thread: MessageThread; memberName: string | null; messages: ThreadMessage[] },
  readerId: number,
  serviceName: string,
  attachmentBase: string,
): ThreadView {
  const service = capitalise(theService(serviceName));
  return {
    id: page.thread.id,
    subject: page.thread.subject,
    about: page.memberName ? `Au sujet de ${page.memberName}` : undefined,
    closed: page.thread.closedAt !== null,
    messages: page.messages.map((message) =>
      message.authorRole === 'staff'
        ? bubble(message, false, service, attachmentBase, message.readAt === null)
        : bubble(message, message.sentBy === readerId, message.sentBy === readerId ? 'Vous' : message.authorName, attachmentBase, false),
    ),
  };
}

/** A thread as staff read it: the guardian by name, « Vous » for the reader's own answers, colleagues by name. */
export function presentStaffThread(page: { thread: StaffThread; messages: ThreadMessage[] }, viewerId: number, attachmentBase: string): ThreadView {
  return {
    id: page.thread.id,
    subject: page.thread.subject,
    about: page.thread.memberName ? `Au sujet de ${page.thread.memberName}` : undefined,
    closed: page.thread.closedAt !== null,
    messages: page.messages.map((message) =>
      message.authorRole === 'staff'
        ? bubble(message, true, message.sentBy === viewerId ? 'Vous' : `${message.authorName} (service)`, attachmentBase, false)
        : bubble(message, false, message.authorName, attachmentBase, page.thread.staffReadAt === null || message.sentAt > page.thread.staffReadAt),
    ),
  };
}

export function presentInbox(threads: StaffThread[]): InboxRowView[] {
  return threads.map((thread) => {
    const waiting = waitsForService(thread);
    return {
      id: thread.id,
      family: `${thread.familyName} (dossier n° ${thread.familyReference})`,
      familyId: thread.familyId,
      subject: thread.subject,
      about: thread.memberName ? `Au sujet de ${thread.memberName}` : undefined,
      lastActivity: formatMessageTime(thread.lastMessageAt),
      waiting,
      stateLabel: thread.closedAt ? 'Close' : waiting ? 'À répondre' : 'Répondu',
      stateClass: thread.closedAt ? 'tag--ended' : waiting ? 'tag--pending' : 'tag--ok',
      newForStaff: waiting && (thread.staffReadAt === null || thread.lastMessageAt > thread.staffReadAt),
      assignedTo: thread.assignedToName ?? 'Personne',
      readLabel: thread.lastAuthorRole === 'staff' ? (thread.unreadByFamily ? 'Non lu' : 'Lu par la famille') : '',
    };
  });
}

/** The assignment select: nobody, then each staff member (the viewer first, as « Moi »). */
export function assigneeOptions(staff: StaffMember[], viewerId: number, assignedTo: number | null) {
  return [
    { value: '', label: 'Personne', selected: assignedTo === null },
    ...staff.map((member) => ({
      value: String(member.id),
      label: member.id === viewerId ? `${member.name} (vous)` : member.name,
      selected: member.id === assignedTo,
    })),
  ];
}
