import type { Executor } from './database.ts';

/** The connect-pg-simple table, seen as the set of a person's open sessions. */
export function sessionRepository(db: Executor) {
  return {
    /** Closes every session of the account except `keepSessionId` (the one making the change). */
    async closeOtherSessions(communeId: number, userId: number, keepSessionId: string | null, executor: Executor = db) {
      const query = executor('session')
        .whereRaw(`(sess::jsonb #>> '{passport,user,userId}')::int = ?`, [userId])
        .andWhereRaw(`(sess::jsonb #>> '{passport,user,communeId}')::int = ?`, [communeId]);
      if (keepSessionId) query.andWhereNot('sid', keepSessionId);
      return query.delete();
    },
  };
}

export type SessionRepository = ReturnType<typeof sessionRepository>;
