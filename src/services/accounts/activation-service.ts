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
import { accountMails, type MailAccount } from './account-mails.ts';
import { mailQueue } from '../mail.ts';
import type { PasswordHasher } from './password-hasher.ts';

const ACTIVATION_LINK_DAYS = 7;

/** `sent`: an expired link was replaced; `kept`: a valid link exists and was not replaced; `impossible`: nothing waits for a link. */
export type ActivationRenewal = { throttled: false; renewal: 'sent' | 'kept' | 'impossible' } | Throttled;

/**
 * Activation of an account opened by staff, an import or a confirmed change of address: the
 * e-mailed single-use link (valid 7 days) where the person chooses their password.
 */
export function activationService(repositories: Repositories, hasher: PasswordHasher, clock: Clock, mail: MailRenderer, mailThrottle: MailThrottle) {
  const { db, users, tokens } = repositories;
  const links = accountLinks(repositories, clock);
  const mails = accountMails(mail);
  const queueMail = mailQueue(repositories.outbox, mail, clock);
  const requests = mailRequests(mailThrottle);

  /** A new activation link, mailed inside the caller's transaction; it retires the account's older ones. */
  async function queueLink(trx: Transaction, commune: Commune, account: Pick<User, 'id'> & MailAccount): Promise<void> {
    const link = await links.issue(trx, commune, account.id, 'activation', ACTIVATION_LINK_DAYS * 86_400_000);
    await queueMail(trx, commune, mails.activation(commune, account, link));
  }

  return {
    queueLink,

    linkState: (commune: Commune, token: string): Promise<LinkState> => links.state(commune, 'activation', token),

    /** Sets the first password through the e-mailed link; the link works once. */
    async activate(commune: Commune, token: string, password: string, confirmation: string): Promise<User> {
      const state = await links.state(commune, 'activation', token);
      if (state.state !== 'valid') throw refused([{ field: 'motDePasse', refusal: { code: 'activation_link_expired' } }]);
      requireAcceptablePassword(password, confirmation, state.user);
      const passwordHash = await hasher.hash(password);
      return db.transaction(async (trx) => {
        const consumed = await tokens.consume(commune.id, 'activation', hashToken(token), clock.now(), trx);
        if (!consumed) throw refused([{ field: 'motDePasse', refusal: { code: 'activation_link_used' } }]);
        await users.setPassword(commune.id, consumed.userId, passwordHash, clock.now(), true, trx);
        return (await users.findById(commune.id, consumed.userId, trx))!;
      });
    },

    /**
     * From an expired link: a new one, if the account still waits for its password and holds no link
     * still valid (a valid link is never replaced, so asking again cannot retire the one in the mailbox).
     */
    async renewLink(commune: Commune, token: string, source: string | null): Promise<ActivationRenewal> {
      const found = await tokens.findByHash(commune.id, 'activation', hashToken(token));
      if (!found || found.usedAt) return { throttled: false, renewal: 'impossible' };
      const user = await users.findById(commune.id, found.userId);
      if (!user || user.status !== 'pending_activation') return { throttled: false, renewal: 'impossible' };
      const throttled = await requests.admit(commune, user.email, source);
      if (throttled) return throttled;
      return db.transaction(async (trx) => {
        if (await tokens.holdsLiveLink(commune.id, user.id, 'activation', clock.now(), trx)) return { throttled: false, renewal: 'kept' };
        await queueLink(trx, commune, user);
        return { throttled: false, renewal: 'sent' };
      });
    },
  };
}

export type ActivationService = ReturnType<typeof activationService>;

/** What another use case needs to mail a new activation link (a confirmed change of address, a new family). */
export type ActivationLinks = Pick<ActivationService, 'queueLink'>;
