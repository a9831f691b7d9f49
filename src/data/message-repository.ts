import type { Executor } from './database.ts';
import type { StoredFile, StoredFileType } from '../model/stored-file.ts';
import { toStoredFile, type StoredFileRow } from './stored-file-repository.ts';
import type {
  FamilyThread,
  Message,
  MessageAuthorRole,
  MessageThread,
  StaffMember,
  StaffThread,
  ThreadMessage,
} from '../model/message.ts';
export type { FamilyThread, Message, MessageAuthorRole, MessageThread, StaffMember, StaffThread, ThreadMessage } from '../model/message.ts';

interface MessageRow {
  id: number;
  commune_id: number;
  family_id: number;
  thread_id: number;
  author_role: MessageAuthorRole;
  body: string;
  sent_by: number;
  sent_at: Date;
  read_at: Date | null;
  read_by: number | null;
  attachment_file_id: number | null;
  attachment_name: string | null;
  attachment_size: number | null;
  attachment_type: StoredFileType | null;
  author_name: string;
}

interface ThreadRow {
  id: number;
  commune_id: number;
  family_id: number;
  subject: string;
  member_id: number | null;
  opened_by: number;
  opened_at: Date;
  last_message_at: Date;
  last_author_role: MessageAuthorRole;
  assigned_to: number | null;
  staff_read_at: Date | null;
  closed_at: Date | null;
  closed_by: number | null;
}

const toMessage = (row: MessageRow): ThreadMessage => ({
  id: row.id,
  communeId: row.commune_id,
  familyId: row.family_id,
  threadId: row.thread_id,
  authorRole: row.author_role,
  body: row.body,
  sentBy: row.sent_by,
  sentAt: row.sent_at,
  readAt: row.read_at,
  readBy: row.read_by,
  attachment:
    row.attachment_file_id === null
      ? null
      : { fileId: row.attachment_file_id, originalName: row.attachment_name!, size: row.attachment_size!, detectedType: row.attachment_type! },
  authorName: row.author_name,
});

const toThread = (row: ThreadRow): MessageThread => ({
  id: row.id,
  communeId: row.commune_id,
  familyId: row.family_id,
  subject: row.subject,
  memberId: row.member_id,
  openedBy: row.opened_by,
  openedAt: row.opened_at,
  lastMessageAt: row.last_message_at,
  lastAuthorRole: row.last_author_role,
  assignedTo: row.assigned_to,
  staffReadAt: row.staff_read_at,
  closedAt: row.closed_at,
  closedBy: row.closed_by,
});

/** Waiting for the service: the family wrote last and nobody closed the thread. */
const UNANSWERED = `t.closed_at IS NULL AND t.last_author_role = 'parent'`;

/**
 * Threads between a family and the service, and their messages (DESIGN §6, issue 13 item 6).
 * Every read is scoped by commune, and the family's reads by family too.
 */
export function messageRepository(db: Executor) {
  /** A thread with what staff see of it; `familyId` narrows to one family. */
  function staffThreads(executor: Executor, communeId: number) {
    return executor('message_threads as t')
      .join('families as f', function joinFamily() {
        this.on('f.commune_id', 't.commune_id').andOn('f.id', 't.family_id');
      })
      .leftJoin('members as mb', function joinMember() {
        this.on('mb.commune_id', 't.commune_id').andOn('mb.id', 't.member_id');
      })
      .leftJoin('users as a', function joinAssignee() {
        this.on('a.commune_id', 't.commune_id').andOn('a.id', 't.assigned_to');
      })
      .where('t.commune_id', communeId)
      .select(
        't.*',
        'f.name as family_name',
        'f.reference as family_reference',
        executor.raw(`mb.first_name || ' ' || mb.last_name AS member_name`),
        executor.raw(`a.first_name || ' ' || a.last_name AS assigned_to_name`),
        executor.raw(
          `EXISTS (SELECT 1 FROM messages m WHERE m.commune_id = t.commune_id AND m.thread_id = t.id AND m.author_role = 'staff' AND m.read_at IS NULL) AS unread_by_family`,
        ),
      );
  }

  type StaffThreadRow = ThreadRow & {
    family_name: string;
    family_reference: string;
    member_name: string | null;
    assigned_to_name: string | null;
    unread_by_family: boolean;
  };
  const toStaffThread = (row: StaffThreadRow): StaffThread => ({
    ...toThread(row),
    familyName: row.family_name,
    familyReference: row.family_reference,
    memberName: row.member_name,
    assignedToName: row.assigned_to_name,
    unreadByFamily: row.unread_by_family,
  });

  return {
    async insertThread(
      communeId: number,
      thread: { familyId: number; subject: string; memberId: number | null; openedBy: number; openedAt: Date; authorRole: MessageAuthorRole },
      executor: Executor,
    ): Promise<number> {
      const [row] = await executor('message_threads')
        .insert({
          commune_id: communeId,
          family_id: thread.familyId,
          subject: thread.subject,
          member_id: thread.memberId,
          opened_by: thread.openedBy,
          opened_at: thread.openedAt,
          last_message_at: thread.openedAt,
          last_author_role: thread.authorRole,
          // Staff who open a thread have read it.
          staff_read_at: thread.authorRole === 'staff' ? thread.openedAt : null,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    /** Inserts a message; answers its id. (A repeated form never gets here: `form_submissions` answers it.) */
    async insertMessage(
      communeId: number,
      message: {
        threadId: number;
        familyId: number;
        authorRole: MessageAuthorRole;
        body: string;
        sentBy: number;
        sentAt: Date;
        attachmentFileId: number | null;
      },
      executor: Executor,
    ): Promise<number> {
      const [row] = await executor('messages')
        .insert({
          commune_id: communeId,
          thread_id: message.threadId,
          family_id: message.familyId,
          author_role: message.authorRole,
          body: message.body,
          sent_by: message.sentBy,
          sent_at: message.sentAt,
          attachment_file_id: message.attachmentFileId,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    /**
     * A new message in a thread: its last activity and who wrote last. The family writing reopens a
     * closed thread (it waits for the service again); staff writing have read it.
     */
    async recordActivity(communeId: number, threadId: number, at: Date, authorRole: MessageAuthorRole, executor: Executor) {
      await executor('message_threads')
        .where({ commune_id: communeId, id: threadId })
        .update(
          authorRole === 'parent'
            ? { last_message_at: at, last_author_role: authorRole, closed_at: null, closed_by: null }
            : { last_message_at: at, last_author_role: authorRole, staff_read_at: at },
        );
    },

    /** The family's thread, locked for the change about to be made; undefined for another family's. */
    async lockFamilyThread(communeId: number, familyId: number, threadId: number, executor: Executor): Promise<MessageThread | undefined> {
      const row = await executor<ThreadRow>('message_threads').where({ commune_id: communeId, family_id: familyId, id: threadId }).forUpdate().first();
      return row && toThread(row);
    },

    async lockThread(communeId: number, threadId: number, executor: Executor): Promise<MessageThread | undefined> {
      const row = await executor<ThreadRow>('message_threads').where({ commune_id: communeId, id: threadId }).forUpdate().first();
      return row && toThread(row);
    },

    async findFamilyThread(communeId: number, familyId: number, threadId: number, executor: Executor = db): Promise<MessageThread | undefined> {
      const row = await executor<ThreadRow>('message_threads').where({ commune_id: communeId, family_id: familyId, id: threadId }).first();
      return row && toThread(row);
    },

    /** A thread with what staff see of it; undefined for an unknown id or another commune's. */
    async findStaffThread(communeId: number, threadId: number, executor: Executor = db): Promise<StaffThread | undefined> {
      const row = (await staffThreads(executor, communeId).andWhere('t.id', threadId).first()) as StaffThreadRow | undefined;
      return row && toStaffThread(row);
    },

    /** The messages of a thread, oldest first, with their authors' names and attachments. */
    async listMessages(communeId: number, threadId: number, executor: Executor = db): Promise<ThreadMessage[]> {
      const rows = (await executor('messages as m')
        .join('users as u', function joinAuthor() {
          this.on('u.commune_id', 'm.commune_id').andOn('u.id', 'm.sent_by');
        })
        .leftJoin('stored_files as sf', function joinFile() {
          this.on('sf.commune_id', 'm.commune_id').andOn('sf.id', 'm.attachment_file_id');
        })
        .where({ 'm.commune_id': communeId, 'm.thread_id': threadId })
        .select(
          'm.*',
          executor.raw(`u.first_name || ' ' || u.last_name AS author_name`),
          'sf.original_name as attachment_name',
          'sf.size as attachment_size',
          'sf.detected_type as attachment_type',
        )
        .orderBy('m.sent_at')
        .orderBy('m.id')) as MessageRow[];
      return rows.map(toMessage);
    },

    /** The family's threads: those with unread messages first, then the latest activity. */
    async listForFamily(communeId: number, familyId: number, executor: Executor = db): Promise<FamilyThread[]> {
      const rows = (await executor('message_threads as t')
        .where({ 't.commune_id': communeId, 't.family_id': familyId })
        .select(
          't.*',
          executor.raw(
            `(SELECT count(*) FROM messages m WHERE m.commune_id = t.commune_id AND m.thread_id = t.id AND m.author_role = 'staff' AND m.read_at IS NULL)::int AS unread_count`,
          ),
          executor.raw(`(SELECT count(*) FROM messages m WHERE m.commune_id = t.commune_id AND m.thread_id = t.id)::int AS message_count`),
        )
        .orderByRaw(
          `EXISTS (SELECT 1 FROM messages m WHERE m.commune_id = t.commune_id AND m.thread_id = t.id AND m.author_role = 'staff' AND m.read_at IS NULL) DESC`,
        )
        .orderBy('t.last_message_at', 'desc')
        .orderBy('t.id', 'desc')
        .limit(500)) as (ThreadRow & { unread_count: number; message_count: number })[];
      return rows.map((row) => ({ ...toThread(row), unreadCount: row.unread_count, messageCount: row.message_count }));
    },

    /**
     * A guardian opened the thread: the service's messages in it are read for the family. The first
     * reading only is recorded: the other guardian opening it later changes nothing.
     */
    async markReadByFamily(communeId: number, familyId: number, threadId: number, at: Date, readBy: number, executor: Executor = db) {
      await executor('messages')
        .where({ commune_id: communeId, family_id: familyId, thread_id: threadId, author_role: 'staff' })
        .whereNull('read_at')
        .update({ read_at: at, read_by: readBy });
    },

    /** The service's messages no guardian of the family has read yet. */
    async countUnread(communeId: number, familyId: number, executor: Executor = db): Promise<number> {
      const [row] = await executor('messages')
        .where({ commune_id: communeId, family_id: familyId, author_role: 'staff' })
        .whereNull('read_at')
        .count<{ count: number }[]>('* as count');
      return Number(row!.count);
    },

    /** The staff inbox: threads waiting for an answer first (oldest wait on top), then the latest activity. */
    async inbox(communeId: number, options: { familyId?: number; limit?: number } = {}, executor: Executor = db): Promise<StaffThread[]> {
      const query = staffThreads(executor, communeId)
        .orderByRaw(`(${UNANSWERED}) DESC`)
        .orderByRaw(`CASE WHEN ${UNANSWERED} THEN t.last_message_at END ASC`)
        .orderBy('t.last_message_at', 'desc')
        .orderBy('t.id', 'desc')
        .limit(options.limit ?? 200);
      if (options.familyId) query.andWhere('t.family_id', options.familyId);
      return ((await query) as StaffThreadRow[]).map(toStaffThread);
    },

    /** Open threads of the commune waiting for the service's answer. */
    async countUnanswered(communeId: number, executor: Executor = db): Promise<number> {
      const [row] = await executor('message_threads as t')
        .where('t.commune_id', communeId)
        .whereRaw(UNANSWERED)
        .count<{ count: number }[]>('* as count');
      return Number(row!.count);
    },

    async markReadByStaff(communeId: number, threadId: number, at: Date, executor: Executor = db) {
      await executor('message_threads').where({ commune_id: communeId, id: threadId }).update({ staff_read_at: at });
    },

    async assign(communeId: number, threadId: number, staffId: number | null, executor: Executor) {
      await executor('message_threads').where({ commune_id: communeId, id: threadId }).update({ assigned_to: staffId });
    },

    async setClosed(communeId: number, threadId: number, closed: { at: Date; by: number } | null, executor: Executor) {
      await executor('message_threads')
        .where({ commune_id: communeId, id: threadId })
        .update(closed ? { closed_at: closed.at, closed_by: closed.by } : { closed_at: null, closed_by: null });
    },

    /** The commune's staff accounts that can take a thread, by name. */
    async listStaff(communeId: number, executor: Executor = db): Promise<StaffMember[]> {
      const rows = await executor('users')
        .where({ commune_id: communeId, status: 'active' })
        .whereIn('role', ['agent', 'admin'])
        .select('id', executor.raw(`first_name || ' ' || last_name AS name`))
        .orderBy('last_name')
        .orderBy('first_name');
      return rows as StaffMember[];
    },

    /**
     * The file attached to a message of a thread; with `familyId`, only if the thread is that
     * family's. Undefined for anything else (another family's, another commune's).
     */
    async findAttachment(
      communeId: number,
      threadId: number,
      messageId: number,
      familyId?: number,
      executor: Executor = db,
    ): Promise<StoredFile | undefined> {
      const row = (await executor('messages as m')
        .join('stored_files as sf', function joinFile() {
          this.on('sf.commune_id', 'm.commune_id').andOn('sf.id', 'm.attachment_file_id').andOn('sf.family_id', 'm.family_id');
        })
        .where({ 'm.commune_id': communeId, 'm.thread_id': threadId, 'm.id': messageId })
        .modify((query) => {
          if (familyId !== undefined) query.andWhere('m.family_id', familyId);
        })
        .select('sf.*')
        .first()) as StoredFileRow | undefined;
      return row && toStoredFile(row);
    },
  };
}

export type MessageRepository = ReturnType<typeof messageRepository>;
