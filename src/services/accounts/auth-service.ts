import type { Clock } from '../../domain/clock.ts';
import type { Repositories } from '../../data/index.ts';
import type { SignInOutcome } from '../../data/sign-in-event-repository.ts';
import type { User, UserWithPassword } from '../../data/user-repository.ts';
import type { SignInAttempt, SignInThrottle } from '../../integrations/sign-in-throttle.ts';
import type { PasswordHasher } from './password-hasher.ts';

export type AuthenticationResult =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid_credentials' }
  /** Too many failures for this login or from this source: refused, right password or not. */
  | { ok: false; reason: 'locked'; retryAfterSeconds: number }
  /** Right password, but staff have not activated the self-registered account yet. */
  | { ok: false; reason: 'pending_activation'; deadline: Date }
  /** Right password, but staff refused the self-registration. */
  | { ok: false; reason: 'refused'; refusalReason: string | null };

export type AuthenticationFailure = Extract<AuthenticationResult, { ok: false }>;

/** Where a sign-in attempt comes from, recorded in the connection history. */
export interface SignInContext {
  ip: string | null;
  userAgent: string | null;
}

export interface AuthServiceOptions {
  /** How a slowed-down answer waits; tests pass one that only notes the delay asked. */
  sleep?: (ms: number) => Promise<void>;
}

const realSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function authService(
  repositories: Repositories,
  hasher: PasswordHasher,
  clock: Clock,
  throttle: SignInThrottle,
  { sleep = realSleep }: AuthServiceOptions = {},
) {
  return {
    /**
     * Checks a login (e-mail or identifier, any case) and password within one commune, under the
     * throttle, and records the attempt in the connection history. Unknown account, wrong password
     * and an account that cannot sign in answer alike, in the same time; a locked login answers
     * the same whether or not an account exists.
     */
    async authenticate(
      communeId: number,
      login: string,
      password: string,
      context: SignInContext,
    ): Promise<AuthenticationResult> {
      const attempt: SignInAttempt = { communeId, login, ip: context.ip };
      const account = await repositories.users.findByLogin(communeId, login);
      const record = (outcome: SignInOutcome) =>
        repositories.signInEvents.insert(communeId, {
          userId: account?.id ?? null,
          outcome,
          ip: context.ip,
          userAgent: context.userAgent,
          occurredAt: clock.now(),
        });

      // Counted before the password is looked at, so that parallel attempts cannot all be checked.
      const counted = await throttle.consume(attempt);
      if (counted.locked) {
        // Refused unchecked: a locked login learns nothing, even from a right guess.
        await record('locked');
        return { ok: false, reason: 'locked', retryAfterSeconds: counted.retryAfterSeconds };
      }

      const passwordMatches = await checkPassword(account, password);
      if (passwordMatches && account!.status === 'active') {
        return signIn(account!, passwordMatches.needsRehash ? password : undefined, attempt, context);
      }

      // Only someone who knows the password learns that the account waits for staff, or was refused;
      // it does not count as a failure for the throttle.
      if (passwordMatches && account!.status === 'pending_activation' && account!.activationDeadline) {
        await throttle.giveBack(attempt);
        await record('pending_activation');
        return { ok: false, reason: 'pending_activation', deadline: account!.activationDeadline };
      }
      if (passwordMatches && account!.status === 'refused') {
        await throttle.giveBack(attempt);
        await record('failure');
        return { ok: false, reason: 'refused', refusalReason: account!.refusalReason };
      }
      await record('failure');
      const verdict = await throttle.recordFailure(attempt, counted);
      if (verdict.locked) return { ok: false, reason: 'locked', retryAfterSeconds: verdict.retryAfterSeconds };
      if (verdict.delayMs > 0) await sleep(verdict.delayMs);
      return { ok: false, reason: 'invalid_credentials' };
    },

    findSessionUser(communeId: number, userId: number): Promise<User | undefined> {
      return repositories.users.findById(communeId, userId);
    },
  };

  /** Verifies the password, against a dummy hash when there is no account, so timing tells nothing. */
  async function checkPassword(account: UserWithPassword | undefined, password: string) {
    if (!account?.passwordHash) {
      await hasher.verifyAgainstDummy(password);
      return undefined;
    }
    const { valid, needsRehash } = await hasher.verify(account.passwordHash, password);
    return valid ? { needsRehash } : undefined;
  }

  async function signIn(
    account: UserWithPassword,
    passwordToRehash: string | undefined,
    attempt: SignInAttempt,
    context: SignInContext,
  ): Promise<AuthenticationResult> {
    const communeId = account.communeId;
    // Hashes made with older parameters are upgraded now, while the password is at hand.
    const upgradedHash = passwordToRehash ? await hasher.hash(passwordToRehash) : undefined;
    const now = clock.now();
    await repositories.db.transaction(async (trx) => {
      await repositories.users.recordSignIn(communeId, account.id, now, upgradedHash, trx);
      await repositories.signInEvents.insert(
        communeId,
        { userId: account.id, outcome: 'success', ip: context.ip, userAgent: context.userAgent, occurredAt: now },
        trx,
      );
    });
    await throttle.recordSuccess(attempt, [account.email, account.identifier]);
    const { passwordHash: _omitted, ...user } = account;
    return { ok: true, user };
  }
}

export type AuthService = ReturnType<typeof authService>;
