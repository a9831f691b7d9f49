import type { StoredFileType } from './stored-file.ts';

/** Who wrote a message: the service (any staff member) or the family (either guardian). */
export type MessageAuthorRole = 'staff' | 'parent';

/** A file sent with a message, without its bytes. */
export interface MessageAttachment {
  fileId: number;
  originalName: string;
  size: number;
  detectedType: StoredFileType;
}

/**
 * One message of a thread. `readAt`/`readBy`: the family's first reading of a message from the
 * service (read for the family, by whichever guardian opened it first); always null for the
 * family's own messages.
 */
export interface Message {
  id: number;
  communeId: number;
  familyId: number;
  threadId: number;
  authorRole: MessageAuthorRole;
  body: string;
  sentBy: number;
  sentAt: Date;
  readAt: Date | null;
  readBy: number | null;
  attachment: MessageAttachment | null;
}

/** A message with its author's name, as a thread shows it. */
export interface ThreadMessage extends Message {
  authorName: string;
}

/**
 * A conversation between one family and the service about one subject (issue 13 item 6). It is
 * the family's: both guardians read and answer it. It waits for the service when its last message
 * is the family's and it is not closed.
 */
export interface MessageThread {
  id: number;
  communeId: number;
  familyId: number;
  subject: string;
  /** The child the family wrote about, if any. */
  memberId: number | null;
  openedBy: number;
  openedAt: Date;
  lastMessageAt: Date;
  lastAuthorRole: MessageAuthorRole;
  assignedTo: number | null;
  /** When staff last opened it: a family message after that is new to staff. */
  staffReadAt: Date | null;
  closedAt: Date | null;
  closedBy: number | null;
}

/** A thread in the family's list: how many of the service's messages no guardian has read yet. */
export interface FamilyThread extends MessageThread {
  unreadCount: number;
  messageCount: number;
}

/** A thread as staff list and open it: with the family, the child and the people named. */
export interface StaffThread extends MessageThread {
  familyName: string;
  familyReference: string;
  memberName: string | null;
  assignedToName: string | null;
  /** Unread by the family: some message of the service no guardian has opened yet. */
  unreadByFamily: boolean;
}

/** A staff member a thread can be assigned to. */
export interface StaffMember {
  id: number;
  name: string;
}
