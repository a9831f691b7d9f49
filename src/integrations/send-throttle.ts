import type { Pool } from 'pg';
import { consumeTogether, postgresCounter } from './rate-limits.ts';

/**
 * How many conversations and messages a parent account may send (issue 18 item 7): every new
 * conversation mails the service's mailbox, so a script could otherwise open forty in three
 * seconds. Two counters per account on rate-limiter-flexible's PostgreSQL store (`rate_limits`,
 * shared by every app instance), each taken in one atomic statement before anything is written,
 * so parallel sends cannot all slip under the limit; the limits are the commune's (commune file
 * `limits.threadsPerHour`, `limits.messagesPerHour`), over one hour from the first point.
 * A new conversation counts as a thread and as a message; an answer as a message.
 */
export const SEND_WINDOW_SECONDS = 60 * 60;
/** rate_limits.key is `<prefix>:<commune>:<account>`; an agent can lift a limit by deleting its row. */
export const THREAD_PREFIX = 'send-thread';
export const MESSAGE_PREFIX = 'send-message';
/** The counters' own ceiling: a commune's limit is at most this (src/config/commune-file.ts). */
const MAX_LIMIT = 1000;

export interface SendRequest {
  communeId: number;
  userId: number;
  kind: 'thread' | 'message';
  limits: { threadsPerHour: number; messagesPerHour: number };
}

export type SendVerdict = { allowed: true } | { allowed: false; over: 'thread' | 'message'; limit: number; retryAfterSeconds: number };

/** What the message service needs from send throttling; tests may give it a fake. */
export interface SendThrottle {
  consume(request: SendRequest): Promise<SendVerdict>;
}

export function postgresSendThrottle(pool: Pool): SendThrottle {
  const window = { windowSeconds: SEND_WINDOW_SECONDS, limit: MAX_LIMIT };
  const threads = postgresCounter(pool, { ...window, prefix: THREAD_PREFIX });
  const messages = postgresCounter(pool, { ...window, prefix: MESSAGE_PREFIX });

  return {
    async consume({ communeId, userId, kind, limits }) {
      const key = `${communeId}:${userId}`;
      const message = { counter: messages, key, limit: limits.messagesPerHour };
      const thread = { counter: threads, key, limit: limits.threadsPerHour };
      const consumed = await consumeTogether(kind === 'thread' ? [thread, message] : [message]);
      if (consumed.allowed) return { allowed: true };
      // Which one refused: the thread counter when it is over, else the message counter.
      const threadOver = kind === 'thread' && (await threads.limiter.get(key))!.consumedPoints > limits.threadsPerHour;
      return {
        allowed: false,
        over: threadOver ? 'thread' : 'message',
        limit: threadOver ? limits.threadsPerHour : limits.messagesPerHour,
        retryAfterSeconds: consumed.retryAfterSeconds,
      };
    },
  };
}
