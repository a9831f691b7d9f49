import type { Executor, Transaction } from './database.ts';

export type TokenPurpose = 'activation' | 'password_reset';

export interface AccountToken {
  id: number;
  userId: number;
  purpose: TokenPurpose;
  expiresAt: Date;
  usedAt: Date | null;
}

interface TokenRow {
  id: number;
  commune_id: number;
  token_hash: string;
  user_id: number;
  purpose: TokenPurpose;
  expires_at: Date;
  used_at: Date | null;
}

const toToken = (row: TokenRow): AccountToken => ({
  id: row.id,
  userId: row.user_id,
  purpose: row.purpose,
  expiresAt: row.expires_at,
  usedAt: row.used_at,
});

export function tokenRepository(db: Executor) {
  return {
    async insert(
      communeId: number,
      token: { userId: number; purpose: TokenPurpose; tokenHash: string; expiresAt: Date; createdAt: Date },
      executor: Executor = db,
    ) {
      await executor('account_tokens').insert({
        commune_id: communeId,
        user_id: token.userId,
        purpose: token.purpose,
        token_hash: token.tokenHash,
        expires_at: token.expiresAt,
        created_at: token.createdAt,
      });
    },

    async findByHash(communeId: number, purpose: TokenPurpose, tokenHash: string, executor: Executor = db) {
      const row = await executor<TokenRow>('account_tokens')
        .where({ commune_id: communeId, purpose, token_hash: tokenHash })
        .first();
      return row && toToken(row);
    },

    /**
     * Marks the token used if it still can be, in one statement: of two concurrent uses of the
     * same link, exactly one gets the user id back.
     */
    async consume(communeId: number, purpose: TokenPurpose, tokenHash: string, now: Date, executor: Executor = db) {
      const [row] = await executor<TokenRow>('account_tokens')
        .where({ commune_id: communeId, purpose, token_hash: tokenHash })
        .whereNull('used_at')
        .andWhere('expires_at', '>', now)
        .update({ used_at: now })
        .returning(['user_id']);
      return row ? { userId: row.user_id } : undefined;
    },

    /**
     * Whether the user holds a link of `purpose` still usable. Asked under a lock on the user's links
     * held until the transaction ends: of two parallel requests for a new link, the second waits,
     * then finds the link the first one issued.
     */
    async holdsLiveLink(communeId: number, userId: number, purpose: TokenPurpose, now: Date, trx: Transaction) {
      await trx.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [`account-links:${communeId}:${userId}:${purpose}`]);
      const row = await trx('account_tokens')
        .where({ commune_id: communeId, user_id: userId, purpose })
        .whereNull('used_at')
        .andWhere('expires_at', '>', now)
        .first('id');
      return row !== undefined;
    },

    /** A new link replaces the older ones of the same purpose. */
    async retireUnused(communeId: number, userId: number, purpose: TokenPurpose, now: Date, executor: Executor = db) {
      await executor('account_tokens')
        .where({ commune_id: communeId, user_id: userId, purpose })
        .whereNull('used_at')
        .andWhere('expires_at', '>', now)
        .update({ expires_at: now });
    },
  };
}

export type TokenRepository = ReturnType<typeof tokenRepository>;
