import type { Clock } from '../domain/clock.ts';
import type { Repositories } from '../data/index.ts';
import type { User } from '../data/user-repository.ts';
import type { PasswordHasher } from './password-hasher.ts';

export type AuthenticationResult = { ok: true; user: User } | { ok: false; reason: 'invalid_credentials' };

export function authService(repositories: Repositories, hasher: PasswordHasher, clock: Clock) {
  return {
    /**
     * Checks a login (e-mail or identifier, any case) and password within one commune. Unknown
     * account, wrong password and an account that cannot sign in answer alike, in the same time.
     */
    async authenticate(communeId: number, login: string, password: string): Promise<AuthenticationResult> {
      const account = await repositories.users.findByLogin(communeId, login);
      if (!account || !account.passwordHash) {
        await hasher.verifyAgainstDummy(password);
        return { ok: false, reason: 'invalid_credentials' };
      }
      const { valid, needsRehash } = await hasher.verify(account.passwordHash, password);
      if (!valid || account.status !== 'active') return { ok: false, reason: 'invalid_credentials' };

      // Hashes made with older parameters are upgraded now, while the password is at hand.
      const upgradedHash = needsRehash ? await hasher.hash(password) : undefined;
      await repositories.users.recordSignIn(communeId, account.id, clock.now(), upgradedHash);
      const { passwordHash: _omitted, ...user } = account;
      return { ok: true, user };
    },

    findSessionUser(communeId: number, userId: number): Promise<User | undefined> {
      return repositories.users.findById(communeId, userId);
    },
  };
}

export type AuthService = ReturnType<typeof authService>;
