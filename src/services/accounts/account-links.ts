import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../domain/clock.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { TokenPurpose } from '../../data/token-repository.ts';
import type { User } from '../../data/user-repository.ts';

/** Only the hash of a mailed token is stored: a copy of the database opens no account. */
export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export type LinkState =
  | { state: 'valid'; user: User; expiresAt: Date }
  | { state: 'expired'; canRenew: boolean }
  | { state: 'used' }
  | { state: 'unknown' };

/** The single-use links mailed to an account (activation, password reset, change of address). */
export function accountLinks(repositories: Pick<Repositories, 'tokens' | 'users'>, clock: Clock) {
  const { tokens, users } = repositories;

  return {
    /** A new link for `purpose`, retiring the account's unused ones; the token is only ever in the mail. */
    async issue(trx: Transaction, commune: Commune, userId: number, purpose: TokenPurpose, ttlMs: number, newEmail?: string) {
      const now = clock.now();
      await tokens.retireUnused(commune.id, userId, purpose, now, trx);
      const token = randomBytes(32).toString('base64url');
      const expiresAt = new Date(now.getTime() + ttlMs);
      await tokens.insert(commune.id, { userId, purpose, tokenHash: hashToken(token), expiresAt, createdAt: now, ...(newEmail ? { newEmail } : {}) }, trx);
      return { token, expiresAt };
    },

    /** What an activation or reset link opens; an expired activation link can be renewed only while the account waits for it. */
    async state(commune: Commune, purpose: 'activation' | 'password_reset', token: string): Promise<LinkState> {
      const found = await tokens.findByHash(commune.id, purpose, hashToken(token));
      if (!found) return { state: 'unknown' };
      if (found.usedAt) return { state: 'used' };
      const user = await users.findById(commune.id, found.userId);
      if (!user) return { state: 'unknown' };
      if (found.expiresAt <= clock.now()) {
        return { state: 'expired', canRenew: purpose === 'activation' ? user.status === 'pending_activation' : true };
      }
      return { state: 'valid', user, expiresAt: found.expiresAt };
    },
  };
}

export type AccountLinks = ReturnType<typeof accountLinks>;
