import { isIPv6 } from 'node:net';
import type { Pool } from 'pg';
import { boundedKey, consumeTogether, postgresCounter } from './rate-limits.ts';

/**
 * Sign-in throttling policy (DESIGN §5). Two counters, both in PostgreSQL so that every app
 * instance behind the load balancer sees the same numbers:
 * - per account (commune + login as typed, whether or not an account exists, so the answers never
 *   tell which logins are real): from the 3rd failure each wrong answer waits a little longer
 *   (1 s, 2 s, … 5 s), which costs a person who mistyped nothing and an online guesser a lot; the
 *   10th failure within 15 minutes locks the login for 15 minutes. A success clears the counter.
 * - per source (client IP, whatever the commune): 100 failures within 15 minutes lock the address
 *   for 15 minutes. This catches one address trying a few passwords on many accounts, which the
 *   account counter cannot see. A success does not clear it, or an attacker holding one valid
 *   account could keep their address clean.
 * Each attempt is counted before its password is checked, and given back when the password was
 * right: counting only after a wrong answer let any number of parallel attempts be checked while
 * the counters still read zero.
 */
export const ACCOUNT_DELAY_FROM_FAILURE = 3;
export const ACCOUNT_DELAY_STEP_MS = 1_000;
export const ACCOUNT_MAX_DELAY_MS = 5_000;
export const ACCOUNT_LOCK_AFTER_FAILURES = 10;
// High enough for a mobile carrier's shared address (CGNAT) on a Thursday morning.
export const SOURCE_LOCK_AFTER_FAILURES = 100;
/** Failures are counted over this window, starting at the first failure. */
export const FAILURE_WINDOW_SECONDS = 15 * 60;
export const LOCK_SECONDS = 15 * 60;

/** rate_limits.key is `<prefix>:<key>`; an agent can unlock a login by deleting its row. */
export const ACCOUNT_PREFIX = 'signin-account';
export const SOURCE_PREFIX = 'signin-source';

export interface SignInAttempt {
  communeId: number;
  /** The login as typed (e-mail address or identifier); normalised here. */
  login: string;
  /** The client's address (`req.ip`), when known. */
  ip: string | null;
}

/**
 * An attempt counted before its password is checked: refused when the login or the source is locked,
 * or let through with its rank among the failures of the window (this attempt included).
 */
export type ThrottleCheck =
  | { locked: true; retryAfterSeconds: number }
  | { locked: false; accountAttempts: number; sourceAttempts: number | null };
export type CountedAttempt = Extract<ThrottleCheck, { locked: false }>;

/** After a failure: how long to make this answer wait, or the lock that failure just set. */
export type FailureVerdict = { locked: false; delayMs: number } | { locked: true; retryAfterSeconds: number };

/** What the auth service needs from throttling; tests may give it a fake. */
export interface SignInThrottle {
  /**
   * Before the password is checked, counts the attempt as a failure of the login and of the source,
   * in one atomic step each: of any number of parallel attempts, at most the allowed number get a
   * password check; the others are refused as locked without one.
   */
  consume(attempt: SignInAttempt): Promise<ThrottleCheck>;
  /** The password was wrong: the attempt stays counted; says how long to wait, or sets the lock. */
  recordFailure(attempt: SignInAttempt, counted: CountedAttempt): Promise<FailureVerdict>;
  /** The password was right but the account cannot sign in yet: not a failure, the attempt is given back. */
  giveBack(attempt: SignInAttempt): Promise<void>;
  /**
   * Clears the account counter of the login typed and of `otherLogins` (the account's e-mail and
   * identifier: the person has just proved they know the password, whichever login they used), and
   * gives the attempt back to the source.
   */
  recordSuccess(attempt: SignInAttempt, otherLogins?: string[]): Promise<void>;
}

/** The delay a wrong answer waits once the login has `failures` failures in the window. */
export function delayAfterFailures(failures: number): number {
  if (failures < ACCOUNT_DELAY_FROM_FAILURE) return 0;
  return Math.min((failures - ACCOUNT_DELAY_FROM_FAILURE + 1) * ACCOUNT_DELAY_STEP_MS, ACCOUNT_MAX_DELAY_MS);
}

/** The account counter's key (without the limiter's prefix): commune id and login, lower-case, trimmed. */
export function accountKey(communeId: number, login: string): string {
  return boundedKey(`${communeId}:${login.trim().toLowerCase()}`, ACCOUNT_PREFIX);
}

/**
 * The source counter's key: an IPv4 address as such (also when written as IPv4-mapped IPv6), an
 * IPv6 address by its /64 prefix, since one subscriber line usually holds a whole /64.
 */
export function sourceKey(ip: string): string {
  const address = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return boundedKey(address, SOURCE_PREFIX);
  const [head = '', tail = ''] = address.split('::');
  const headGroups = head ? head.split(':') : [];
  const tailGroups = address.includes('::') && tail ? tail.split(':') : [];
  const missing = 8 - headGroups.length - tailGroups.length;
  const groups = [...headGroups, ...Array<string>(Math.max(missing, 0)).fill('0'), ...tailGroups];
  return `${groups
    .slice(0, 4)
    .map((group) => group.padStart(4, '0'))
    .join(':')}::/64`;
}

/**
 * The throttle on rate-limiter-flexible's PostgreSQL store, in the `rate_limits` table created by
 * the migrations. `pool` is the app's pg pool; two instances on one database share their counters.
 */
export function postgresSignInThrottle(pool: Pool): SignInThrottle {
  const window = { windowSeconds: FAILURE_WINDOW_SECONDS };
  const accounts = postgresCounter(pool, { ...window, prefix: ACCOUNT_PREFIX, limit: ACCOUNT_LOCK_AFTER_FAILURES });
  const sources = postgresCounter(pool, { ...window, prefix: SOURCE_PREFIX, limit: SOURCE_LOCK_AFTER_FAILURES });

  const countersOf = ({ communeId, login, ip }: SignInAttempt) => [
    { counter: accounts, key: accountKey(communeId, login) },
    ...(ip ? [{ counter: sources, key: sourceKey(ip) }] : []),
  ];

  return {
    async consume(attempt) {
      const consumed = await consumeTogether(countersOf(attempt));
      if (!consumed.allowed) return { locked: true, retryAfterSeconds: consumed.retryAfterSeconds };
      const [accountAttempts, sourceAttempts = null] = consumed.counts as [number, number?];
      return { locked: false, accountAttempts, sourceAttempts };
    },

    async recordFailure({ communeId, login, ip }, { accountAttempts, sourceAttempts }) {
      // The failure that reaches the limit locks the key for LOCK_SECONDS from now, however far into
      // the window it came; the attempts counted after it are refused by `consume`.
      const locks = await Promise.all([
        accountAttempts >= ACCOUNT_LOCK_AFTER_FAILURES ? accounts.limiter.block(accountKey(communeId, login), LOCK_SECONDS) : null,
        ip && sourceAttempts !== null && sourceAttempts >= SOURCE_LOCK_AFTER_FAILURES
          ? sources.limiter.block(sourceKey(ip), LOCK_SECONDS)
          : null,
      ]);
      if (locks.some(Boolean)) return { locked: true, retryAfterSeconds: LOCK_SECONDS };
      return { locked: false, delayMs: delayAfterFailures(accountAttempts) };
    },

    async giveBack(attempt) {
      await Promise.all(countersOf(attempt).map(({ counter, key }) => counter.limiter.reward(key, 1)));
    },

    async recordSuccess({ communeId, login, ip }, otherLogins = []) {
      const keys = new Set([login, ...otherLogins].map((each) => accountKey(communeId, each)));
      await Promise.all([
        ...[...keys].map((key) => accounts.limiter.delete(key)),
        // A success is no failure of the source; it is not cleared either, or an attacker holding one
        // valid account could keep their address clean.
        ip ? sources.limiter.reward(sourceKey(ip), 1) : null,
      ]);
    },
  };
}
