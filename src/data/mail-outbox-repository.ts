import type { Executor } from './database.ts';

export interface OutgoingMail {
  kind: string;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface QueuedMail extends OutgoingMail {
  id: number;
  communeId: number;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  sentAt: Date | null;
  createdAt: Date;
}

interface OutboxRow {
  id: number;
  commune_id: number;
  kind: string;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string;
  status: 'pending' | 'sent' | 'failed';
  attempts: number;
  next_attempt_at: Date;
  last_error: string | null;
  sent_at: Date | null;
  created_at: Date;
}

const toMail = (row: OutboxRow): QueuedMail => ({
  id: Number(row.id),
  communeId: row.commune_id,
  kind: row.kind,
  to: row.to_address,
  subject: row.subject,
  text: row.text_body,
  html: row.html_body,
  status: row.status,
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  lastError: row.last_error,
  sentAt: row.sent_at,
  createdAt: row.created_at,
});

export function mailOutboxRepository(db: Executor) {
  return {
    /** Call with the transaction of the change that causes the mail: both land or neither. */
    async enqueue(communeId: number, mail: OutgoingMail, now: Date, executor: Executor = db): Promise<number> {
      const [row] = await executor('mail_outbox')
        .insert({
          commune_id: communeId,
          kind: mail.kind,
          to_address: mail.to,
          subject: mail.subject,
          text_body: mail.text,
          html_body: mail.html,
          next_attempt_at: now,
          created_at: now,
        })
        .returning<{ id: number }[]>('id');
      return Number(row!.id);
    },

    /**
     * Locks up to `limit` due mails for this transaction; rows another worker holds are skipped,
     * so any number of workers can run without sending a mail twice.
     */
    async claimDue(executor: Executor, now: Date, limit: number): Promise<QueuedMail[]> {
      const rows = await executor<OutboxRow>('mail_outbox')
        .where('status', 'pending')
        .andWhere('next_attempt_at', '<=', now)
        .orderBy('next_attempt_at')
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .skipLocked();
      return rows.map(toMail);
    },

    async markSent(communeId: number, id: number, messageId: string | null, now: Date, executor: Executor) {
      await executor('mail_outbox')
        .where({ commune_id: communeId, id })
        .update({ status: 'sent', sent_at: now, message_id: messageId, attempts: executor.raw('attempts + 1'), last_error: null });
    },

    async markAttemptFailed(communeId: number, id: number, error: string, nextAttemptAt: Date | null, executor: Executor) {
      await executor('mail_outbox')
        .where({ commune_id: communeId, id })
        .update({
          status: nextAttemptAt ? 'pending' : 'failed',
          attempts: executor.raw('attempts + 1'),
          last_error: error.slice(0, 1000),
          ...(nextAttemptAt ? { next_attempt_at: nextAttemptAt } : {}),
        });
    },

    async listRecent(limit = 100, executor: Executor = db): Promise<(QueuedMail & { communeSlug: string })[]> {
      const rows = await executor('mail_outbox as m')
        .join('communes as c', 'c.id', 'm.commune_id')
        .orderBy('m.id', 'desc')
        .limit(limit)
        .select<(OutboxRow & { slug: string })[]>('m.*', 'c.slug');
      return rows.map((row) => ({ ...toMail(row), communeSlug: row.slug }));
    },

    async findById(id: number, executor: Executor = db): Promise<QueuedMail | undefined> {
      const row = await executor<OutboxRow>('mail_outbox').where({ id }).first();
      return row && toMail(row);
    },
  };
}

export type MailOutboxRepository = ReturnType<typeof mailOutboxRepository>;
