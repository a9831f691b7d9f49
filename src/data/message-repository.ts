import type { Executor } from './database.ts';
import type { Message, SentMessage } from '../model/message.ts';
export type { Message, SentMessage } from '../model/message.ts';

interface MessageRow {
  id: number;
  commune_id: number;
  family_id: number;
  subject: string;
  body: string;
  sent_by: number;
  sent_at: Date;
  read_at: Date | null;
  read_by: number | null;
}

const toMessage = (row: MessageRow): Message => ({
  id: row.id,
  communeId: row.commune_id,
  familyId: row.family_id,
  subject: row.subject,
  body: row.body,
  sentBy: row.sent_by,
  sentAt: row.sent_at,
  readAt: row.read_at,
  readBy: row.read_by,
});

/** Messages from the service to one family (DESIGN §6); every read is scoped by commune and family. */
export function messageRepository(db: Executor) {
  return {
    /**
     * Inserts a message unless one was already sent with the same form token; answers the new id,
     * or undefined for a repeated form.
     */
    async insert(
      communeId: number,
      message: { familyId: number; subject: string; body: string; sentBy: number; sentAt: Date; formToken: string },
      executor: Executor = db,
    ): Promise<number | undefined> {
      const [row] = await executor('messages')
        .insert({
          commune_id: communeId,
          family_id: message.familyId,
          subject: message.subject,
          body: message.body,
          sent_by: message.sentBy,
          sent_at: message.sentAt,
          form_token: message.formToken,
        })
        .onConflict(['commune_id', 'form_token'])
        .ignore()
        .returning<{ id: number }[]>('id');
      return row?.id;
    },

    /** A family's messages: unread first, then the newest. */
    async listForFamily(communeId: number, familyId: number, executor: Executor = db): Promise<Message[]> {
      const rows = await executor<MessageRow>('messages')
        .where({ commune_id: communeId, family_id: familyId })
        .orderByRaw('read_at IS NULL DESC')
        .orderBy('sent_at', 'desc')
        .orderBy('id', 'desc')
        .limit(500);
      return rows.map(toMessage);
    },

    async findForFamily(communeId: number, familyId: number, messageId: number, executor: Executor = db): Promise<Message | undefined> {
      const row = await executor<MessageRow>('messages').where({ commune_id: communeId, family_id: familyId, id: messageId }).first();
      return row && toMessage(row);
    },

    /** Records the first reading only: a second guardian opening it later changes nothing. */
    async markRead(communeId: number, familyId: number, messageId: number, at: Date, readBy: number, executor: Executor = db) {
      await executor('messages')
        .where({ commune_id: communeId, family_id: familyId, id: messageId })
        .whereNull('read_at')
        .update({ read_at: at, read_by: readBy });
    },

    async countUnread(communeId: number, familyId: number, executor: Executor = db): Promise<number> {
      const [row] = await executor('messages')
        .where({ commune_id: communeId, family_id: familyId })
        .whereNull('read_at')
        .count<{ count: number }[]>('* as count');
      return row!.count;
    },

    /** The messages staff sent, newest first; optionally those of one family. */
    async listSent(communeId: number, options: { familyId?: number; limit?: number } = {}, executor: Executor = db): Promise<SentMessage[]> {
      const query = executor('messages as m')
        .join('families as f', function joinFamily() {
          this.on('f.commune_id', 'm.commune_id').andOn('f.id', 'm.family_id');
        })
        .join('users as s', function joinSender() {
          this.on('s.commune_id', 'm.commune_id').andOn('s.id', 'm.sent_by');
        })
        .leftJoin('users as r', function joinReader() {
          this.on('r.commune_id', 'm.commune_id').andOn('r.id', 'm.read_by');
        })
        .where('m.commune_id', communeId)
        .select(
          'm.*',
          'f.name as family_name',
          'f.reference as family_reference',
          executor.raw(`s.first_name || ' ' || s.last_name AS sent_by_name`),
          executor.raw(`r.first_name || ' ' || r.last_name AS read_by_name`),
        )
        .orderBy('m.sent_at', 'desc')
        .orderBy('m.id', 'desc')
        .limit(options.limit ?? 200);
      if (options.familyId) query.andWhere('m.family_id', options.familyId);
      const rows = (await query) as (MessageRow & {
        family_name: string;
        family_reference: string;
        sent_by_name: string;
        read_by_name: string | null;
      })[];
      return rows.map((row) => ({
        ...toMessage(row),
        familyName: row.family_name,
        familyReference: row.family_reference,
        sentByName: row.sent_by_name,
        readByName: row.read_by_name,
      }));
    },
  };
}

export type MessageRepository = ReturnType<typeof messageRepository>;
