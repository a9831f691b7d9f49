import type { Clock } from '../../domain/clock.ts';
import { refused } from '../../domain/refusals.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { EmailChangeOrigin, User } from '../../model/user.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import { accountLinks, hashToken } from './account-links.ts';
import type { ActivationLinks } from './activation-service.ts';
import { accountMails } from './account-mails.ts';
import { mailQueue } from '../mail.ts';

/** As long as an activation link: the person may read the mail days after staff made the change. */
export const EMAIL_CHANGE_LINK_DAYS = 7;

export interface PendingEmailChange {
  newEmail: string;
  expiresAt: Date;
}

export type EmailChangeLinkState =
  | { state: 'valid'; user: User; newEmail: string; expiresAt: Date }
  | { state: 'expired' }
  | { state: 'used' }
  | { state: 'unknown' };

export type EmailChangeConfirmation =
  | { ok: true; user: User; activationSent: boolean }
  /** The link was used or expired meanwhile (two clicks, a late tab). */
  | { ok: false; reason: 'link' }
  /** Another account signs in with the address since the change was asked. */
  | { ok: false; reason: 'taken'; newEmail: string };

const UNIQUE_VIOLATION = '23505';

/**
 * A change of sign-in address (issue 9 §4). Whoever asks for it (the person, through a request
 * staff accept, or staff directly), the old address is told at once and the new one only becomes
 * the sign-in address when its owner opens the single-use link sent to it: until then nothing can
 * be done with the new address (no sign-in, no password reset), and afterwards the old one opens
 * nothing.
 */
export function emailChangeService(repositories: Repositories, clock: Clock, mail: MailRenderer, activation: ActivationLinks) {
  const { db, users, families, tokens } = repositories;
  const links = accountLinks(repositories, clock);
  const mails = accountMails(mail);
  const queueMail = mailQueue(repositories.outbox, mail, clock);

  async function linkState(commune: Commune, token: string): Promise<EmailChangeLinkState> {
    const found = await tokens.findByHash(commune.id, 'email_change', hashToken(token));
    if (!found) return { state: 'unknown' };
    if (found.usedAt) return { state: 'used' };
    if (found.expiresAt <= clock.now()) return { state: 'expired' };
    const user = await users.findById(commune.id, found.userId);
    if (!user) return { state: 'unknown' };
    return { state: 'valid', user, newEmail: found.newEmail!, expiresAt: found.expiresAt };
  }

  return {
    /**
     * Starts the change inside the caller's transaction (the staff edit or the accepted request),
     * so the notice and the link are written with it or not at all. A newer change replaces an
     * older one still waiting.
     */
    async start(trx: Transaction, commune: Commune, account: User, newEmail: string, origin: EmailChangeOrigin): Promise<PendingEmailChange> {
      const taken = await users.findByEmail(commune.id, newEmail, trx);
      if (taken && taken.id !== account.id) {
        throw refused([{ field: 'email', refusal: { code: 'email_taken', email: newEmail } }]);
      }
      const link = await links.issue(trx, commune, account.id, 'email_change', EMAIL_CHANGE_LINK_DAYS * 86_400_000, newEmail);
      const { expiresAt } = link;
      await queueMail(trx, commune, mails.emailChangeRequested(commune, account, { newEmail, origin, recordedAt: clock.now(), expiresAt }));
      await queueMail(trx, commune, mails.emailChangeConfirmation(commune, account, { newEmail, link, validDays: EMAIL_CHANGE_LINK_DAYS }));
      return { newEmail, expiresAt };
    },

    /** The change of this account's address still waiting for its link, if any. */
    pendingFor(communeId: number, userId: number): Promise<PendingEmailChange | undefined> {
      return tokens.findPendingEmailChange(communeId, userId, clock.now());
    },

    linkState,

    /**
     * The link was opened and its button pressed: the new address becomes the sign-in address and
     * the member's address, in one transaction with the notice to the old address. Links mailed to
     * the old address before (password reset, activation) stop working.
     */
    async confirm(commune: Commune, token: string): Promise<EmailChangeConfirmation> {
      try {
        return await db.transaction(async (trx): Promise<EmailChangeConfirmation> => {
          const now = clock.now();
          const consumed = await tokens.consume(commune.id, 'email_change', hashToken(token), now, trx);
          if (!consumed) return { ok: false, reason: 'link' };
          const newEmail = consumed.newEmail!;
          const user = (await users.findById(commune.id, consumed.userId, trx))!;
          const taken = await users.findByEmail(commune.id, newEmail, trx);
          if (taken && taken.id !== user.id) throw new AddressTakenError(newEmail);

          await users.updateEmail(commune.id, user.id, newEmail, now, trx);
          if (user.familyId && user.memberId) {
            await families.updateMemberFields(commune.id, user.familyId, user.memberId, { email: newEmail }, now, trx);
          }
          await tokens.retireUnused(commune.id, user.id, 'password_reset', now, trx);
          await tokens.retireUnused(commune.id, user.id, 'email_change', now, trx);
          const changed = { ...user, email: newEmail };
          // Staff created the account and nobody chose its password yet: its activation link went
          // to the old address, so a new one goes to the confirmed address (and retires the old one).
          const activationSent = user.status === 'pending_activation' && user.activationDeadline === null;
          if (activationSent) await activation.queueLink(trx, commune, changed);

          await queueMail(trx, commune, mails.emailChanged(commune, user, { newEmail, confirmedAt: now }));
          return { ok: true, user: changed, activationSent };
        });
      } catch (error) {
        // Taken before the check, or by a concurrent change between the check and the update.
        if (error instanceof AddressTakenError) return { ok: false, reason: 'taken', newEmail: error.address };
        if ((error as { code?: string }).code === UNIQUE_VIOLATION) {
          const state = await linkState(commune, token);
          return { ok: false, reason: 'taken', newEmail: state.state === 'valid' ? state.newEmail : '' };
        }
        throw error;
      }
    },
  };
}

/** Rolls the confirmation back (the link stays unused) when the address belongs to another account. */
class AddressTakenError extends Error {
  constructor(readonly address: string) {
    super(`address ${address} is another account's`);
  }
}

export type EmailChangeService = ReturnType<typeof emailChangeService>;
