import type { Clock } from '../../domain/clock.ts';
import { refused } from '../../domain/refusals.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import type { MailThrottle } from '../../integrations/mail-throttle.ts';
import { accountLinks, hashToken, type LinkState } from './account-links.ts';
import { requireAcceptablePassword } from './account-records.ts';
import { mailRequests, type Throttled } from './mail-requests.ts';
import { accountMails } from './account-mails.ts';
import { mailQueue } from '../mail.ts';
import type { PasswordHasher } from './password-hasher.ts';

const RESET_LINK_MINUTES = 60;

/** Forgotten password (a single-use link valid one hour) and change of password when signed in. */
export function passwordService(repositories: Repositories, hasher: PasswordHasher, clock: Clock, mail: MailRenderer, mailThrottle: MailThrottle) {
  const { db, users, tokens, sessions } = repositories;
  const links = accountLinks(repositories, clock);
  const mails = accountMails(mail);
  const queueMail = mailQueue(repositories.outbox, mail, clock);
  const requests = mailRequests(mailThrottle);

  const queueChangedMail = (trx: Transaction, commune: Commune, user: User) =>
    queueMail(trx, commune, mails.passwordChanged(commune, user, clock.now()));

  return {
    /**
     * Same outcome whether or not the login names an account; only a real, active account gets a
     * link. Counted per login typed and per source, whether or not an account exists.
     */
    async requestReset(commune: Commune, login: string, source: string | null): Promise<{ throttled: false } | Throttled> {
      const throttled = await requests.admit(commune, login, source);
      if (throttled) return throttled;
      const account = await users.findByLogin(commune.id, login);
      if (!account || account.status !== 'active') return { throttled: false };
      await db.transaction(async (trx) => {
        const link = await links.issue(trx, commune, account.id, 'password_reset', RESET_LINK_MINUTES * 60_000);
        await queueMail(trx, commune, mails.passwordReset(commune, account, link));
      });
      return { throttled: false };
    },

    resetLinkState: (commune: Commune, token: string): Promise<LinkState> => links.state(commune, 'password_reset', token),

    /** Sets a new password through a reset link and closes every open session of the account. */
    async reset(commune: Commune, token: string, password: string, confirmation: string): Promise<User> {
      const state = await links.state(commune, 'password_reset', token);
      if (state.state !== 'valid') throw refused([{ field: 'motDePasse', refusal: { code: 'reset_link_expired' } }]);
      requireAcceptablePassword(password, confirmation, state.user);
      const passwordHash = await hasher.hash(password);
      return db.transaction(async (trx) => {
        const consumed = await tokens.consume(commune.id, 'password_reset', hashToken(token), clock.now(), trx);
        if (!consumed) throw refused([{ field: 'motDePasse', refusal: { code: 'reset_link_used' } }]);
        await users.setPassword(commune.id, consumed.userId, passwordHash, clock.now(), false, trx);
        await sessions.closeOtherSessions(commune.id, consumed.userId, null, trx);
        const user = (await users.findById(commune.id, consumed.userId, trx))!;
        await queueChangedMail(trx, commune, user);
        return user;
      });
    },

    /** Change of password by the signed-in person; their other sessions are closed, this one stays. */
    async change(
      commune: Commune,
      user: User,
      input: { current: string; password: string; confirmation: string },
      currentSessionId: string,
    ): Promise<void> {
      const account = await users.findByLogin(commune.id, user.email);
      const check = account?.passwordHash ? await hasher.verify(account.passwordHash, input.current) : { valid: false };
      if (!check.valid) throw refused([{ field: 'motDePasseActuel', refusal: { code: 'current_password_wrong' } }]);
      if (input.password === input.current) {
        throw refused([{ field: 'motDePasse', refusal: { code: 'password_unchanged' } }]);
      }
      requireAcceptablePassword(input.password, input.confirmation, user);
      const passwordHash = await hasher.hash(input.password);
      await db.transaction(async (trx) => {
        await users.setPassword(commune.id, user.id, passwordHash, clock.now(), false, trx);
        await sessions.closeOtherSessions(commune.id, user.id, currentSessionId, trx);
        await queueChangedMail(trx, commune, user);
      });
    },
  };
}

export type PasswordService = ReturnType<typeof passwordService>;
