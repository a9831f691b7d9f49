import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { refused } from '../../domain/refusals.ts';
import { baseIdentifier, uniqueIdentifier } from '../../domain/identifier.ts';
import { addWorkingHours } from '../../domain/working-hours.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { PendingActivation, User } from '../../data/user-repository.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import type { MailThrottle } from '../../integrations/mail-throttle.ts';
import { insertFamily, insertGuardianAccount, requireAcceptablePassword } from './account-records.ts';
import { mailRequests, type Throttled } from './mail-requests.ts';
import { accountMails } from './account-mails.ts';
import { mailQueue } from '../mail.ts';
import type { PasswordHasher } from './password-hasher.ts';

export interface SelfRegistrationInput {
  civility: 'madame' | 'monsieur';
  lastName: string;
  birthName?: string | null;
  firstName: string;
  birthDate?: string | null;
  birthCountry?: string | null;
  birthDepartment?: string | null;
  birthCity?: string | null;
  addressLine?: string | null;
  postcode?: string | null;
  city?: string | null;
  phone?: string | null;
  email: string;
  preferredContact?: 'email' | 'telephone' | 'courrier' | null;
  password: string;
}

export type SelfRegistration = { throttled: false; deadline: Date; identifier: string } | Throttled;

/** The queue of self-registrations as of `asOf`, the nearest deadline first. */
export interface PendingActivations {
  asOf: Date;
  pending: PendingActivation[];
}

export type ActivationDecision = { accept: true } | { accept: false; reason: string };

/**
 * « Créer mon espace » (DESIGN §5): the person opens a space that waits for staff, who promise a
 * decision within the commune's working hours; staff then activate or refuse it.
 */
export function selfRegistrationService(repositories: Repositories, hasher: PasswordHasher, clock: Clock, mail: MailRenderer, mailThrottle: MailThrottle) {
  const { db, users, audit } = repositories;
  const mails = accountMails(mail);
  const queueMail = mailQueue(repositories.outbox, mail, clock);
  const requests = mailRequests(mailThrottle);

  return {
    /** The day the form's birth date must be before ('YYYY-MM-DD', Paris). */
    today: (): string => parisDay(clock.now()),

    /**
     * An address that already has an account gets exactly the same answer, so the form never tells
     * which addresses have one; its holder is told by e-mail instead, and nothing else is written.
     */
    async register(commune: Commune, input: SelfRegistrationInput, source: string | null): Promise<SelfRegistration> {
      if (!commune.settings.features.selfRegistration) {
        throw refused([{ field: 'courriel', refusal: { code: 'self_registration_closed' } }]);
      }
      const email = input.email.trim();
      const base = baseIdentifier(input.lastName, input.firstName);
      requireAcceptablePassword(input.password, input.password, { email, identifier: base });
      const throttled = await requests.admit(commune, email, source);
      if (throttled) return throttled;
      // Hashed for a taken address too, so the answer takes as long.
      const passwordHash = await hasher.hash(input.password);
      const now = clock.now();
      const deadline = addWorkingHours(now, commune.settings.signIn.activationDelayWorkingHours);

      const holder = await users.findByEmail(commune.id, email);
      if (holder) {
        const identifier = uniqueIdentifier(base, await users.identifiersLike(commune.id, base));
        await queueMail(db, commune, mails.existingAccount(commune, holder, now));
        return { throttled: false, deadline, identifier };
      }

      return db.transaction(async (trx) => {
        const { familyId } = await insertFamily(repositories, trx, commune, {
          name: input.lastName,
          addressLine: input.addressLine,
          postcode: input.postcode,
          city: input.city,
        });
        const { identifier } = await insertGuardianAccount(repositories, trx, commune, familyId, {
          ...input,
          email,
          passwordHash,
          activationRequest: { requestedAt: now, deadline },
        });
        await queueMail(trx, commune, mails.selfRegistrationReceived(commune, { ...input, email }, { identifier, receivedAt: now, deadline }));
        return { throttled: false as const, deadline, identifier };
      });
    },

    async listPending(commune: Commune): Promise<PendingActivations> {
      return { asOf: clock.now(), pending: await users.listPendingActivations(commune.id) };
    },

    /** Staff activate or refuse self-registered accounts; each decision e-mails the person. */
    async decide(
      commune: Commune,
      staff: User,
      userIds: number[],
      decision: ActivationDecision,
    ): Promise<{ decided: User[]; alreadyDecided: number[] }> {
      return db.transaction(async (trx) => {
        const decided: User[] = [];
        const alreadyDecided: number[] = [];
        for (const userId of userIds) {
          const user = await users.decideActivation(
            commune.id,
            userId,
            { status: decision.accept ? 'active' : 'refused', decidedBy: staff.id, reason: decision.accept ? null : decision.reason, now: clock.now() },
            trx,
          );
          if (!user) {
            alreadyDecided.push(userId);
            continue;
          }
          decided.push(user);
          await audit.record(
            commune.id,
            {
              staffId: staff.id,
              occurredAt: clock.now(),
              action: decision.accept ? 'account_activated' : 'account_refused',
              entity: 'user',
              entityId: user.id,
              familyId: user.familyId,
              before: { status: 'pending_activation' },
              after: { status: decision.accept ? 'active' : 'refused', reason: decision.accept ? null : decision.reason },
            },
            trx,
          );
          await queueMail(trx, commune, decision.accept ? mails.activationAccepted(commune, user) : mails.activationRefused(commune, user, decision.reason));
        }
        return { decided, alreadyDecided };
      });
    },
  };
}

export type SelfRegistrationService = ReturnType<typeof selfRegistrationService>;
