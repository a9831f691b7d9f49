import type { Executor } from './database.ts';
import type { SignInOutcome, NewSignInEvent, SignInEvent } from '../model/sign-in-event.ts';
export type { SignInOutcome, NewSignInEvent, SignInEvent } from '../model/sign-in-event.ts';

interface SignInEventRow {
  id: number;
  commune_id: number;
  user_id: number | null;
  outcome: SignInOutcome;
  ip: string | null;
  user_agent: string | null;
  occurred_at: Date;
}

/** A browser can send a user agent of any length; what is kept is plenty to name it. */
const MAX_USER_AGENT_LENGTH = 512;

export function signInEventRepository(db: Executor) {
  return {
    async insert(communeId: number, event: NewSignInEvent, executor: Executor = db): Promise<void> {
      await executor('sign_in_events').insert({
        commune_id: communeId,
        user_id: event.userId,
        outcome: event.outcome,
        ip: event.ip,
        user_agent: event.userAgent?.slice(0, MAX_USER_AGENT_LENGTH) ?? null,
        occurred_at: event.occurredAt,
      });
    },

    /** One account's events in [from, to), newest first, at most `limit`. */
    async listForUser(
      communeId: number,
      userId: number,
      { from, to, limit }: { from: Date; to: Date; limit: number },
      executor: Executor = db,
    ): Promise<SignInEvent[]> {
      const rows = await executor<SignInEventRow>('sign_in_events')
        .where({ commune_id: communeId, user_id: userId })
        .andWhere('occurred_at', '>=', from)
        .andWhere('occurred_at', '<', to)
        .orderBy([
          { column: 'occurred_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ])
        .limit(limit)
        .select('id', 'user_id', 'outcome', 'ip', 'user_agent', 'occurred_at');
      return rows.map((row) => ({
        id: row.id,
        userId: row.user_id,
        outcome: row.outcome,
        ip: row.ip,
        userAgent: row.user_agent,
        occurredAt: row.occurred_at,
      }));
    },
  };
}

export type SignInEventRepository = ReturnType<typeof signInEventRepository>;
