import { pollingJob } from '../polling-job.ts';
import type { Logger } from 'pino';
import type { Clock } from '../../domain/clock.ts';
import type { Database } from '../../data/database.ts';
import type { MailOutboxRepository } from '../../data/mail-outbox-repository.ts';
import type { MailTransport } from './mail-transport.ts';

export interface MailWorkerOptions {
  db: Database;
  outbox: MailOutboxRepository;
  transport: MailTransport;
  clock: Clock;
  logger: Logger;
  from: string;
  batchSize?: number;
  maxAttempts?: number;
}

/** Back-off after the n-th failed attempt: 1, 2, 4… minutes, at most one hour. */
export function retryDelayMs(attempt: number): number {
  return Math.min(60, 2 ** Math.max(0, attempt - 1)) * 60_000;
}

/**
 * Sends due mails from the outbox. Each batch is claimed in one transaction with
 * FOR UPDATE SKIP LOCKED, so several processes can run workers side by side.
 */
export function mailWorker({ db, outbox, transport, clock, logger, from, batchSize = 20, maxAttempts = 10 }: MailWorkerOptions) {
  async function runOnce(): Promise<number> {
    return db.transaction(async (trx) => {
      const due = await outbox.claimDue(trx, clock.now(), batchSize);
      for (const mail of due) {
        try {
          const { messageId } = await transport.send({ from, to: mail.to, subject: mail.subject, text: mail.text, html: mail.html });
          await outbox.markSent(mail.communeId, mail.id, messageId, clock.now(), trx);
        } catch (error) {
          const attempt = mail.attempts + 1;
          const next = attempt >= maxAttempts ? null : new Date(clock.now().getTime() + retryDelayMs(attempt));
          await outbox.markAttemptFailed(mail.communeId, mail.id, (error as Error).message ?? String(error), next, trx);
          logger.warn({ mailId: mail.id, attempt, err: error }, next ? 'mail not sent, will retry' : 'mail given up');
        }
      }
      return due.length;
    });
  }

  return pollingJob(runOnce, batchSize, logger, 'mail worker');
}

export type MailWorker = ReturnType<typeof mailWorker>;
