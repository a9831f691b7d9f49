import { createHash } from 'node:crypto';
import { isIPv6 } from 'node:net';
import type { Pool } from 'pg';
import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';

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

export const RATE_LIMIT_TABLE = 'rate_limits';
/** rate_limits.key is `<prefix>:<key>`; an agent can unlock a login by deleting its row. */
export const ACCOUNT_PREFIX = 'signin-account';
export const SOURCE_PREFIX = 'signin-source';
/** rate_limits.key is varchar(255); longer keys are hashed (prefix and ':' take the rest). */
const MAX_KEY_LENGTH = 255 - Math.max(ACCOUNT_PREFIX.length, SOURCE_PREFIX.length) - 1;

export interface SignInAttempt {
  communeId: number;
  /** The login as typed (e-mail address or identifier); normalised here. */
  login: string;
  /** The client's address (`req.ip`), when known. */
  ip: string | null;
}

export type ThrottleCheck = { locked: false } | { locked: true; retryAfterSeconds: number };

/** After a failure: how long to make this answer wait, or the lock that failure just set. */
export type FailureVerdict = { locked: false; delayMs: number } | { locked: true; retryAfterSeconds: number };

/** What the auth service needs from throttling; tests may give it a fake. */
export interface SignInThrottle {
  /** Before the password is checked: is the login or the source locked? */
  check(attempt: SignInAttempt): Promise<ThrottleCheck>;
  recordFailure(attempt: SignInAttempt): Promise<FailureVerdict>;
  /**
   * Clears the account counter of the login typed and of `otherLogins` (the account's e-mail and
   * identifier: the person has just proved they know the password, whichever login they used).
   */
  recordSuccess(attempt: SignInAttempt, otherLogins?: string[]): Promise<void>;
}

/** The delay a wrong answer waits once the login has `failures` failures in the window. */
export function delayAfterFailures(failures: number): number {
  if (failures < ACCOUNT_DELAY_FROM_FAILURE) return 0;
  return Math.min((failures - ACCOUNT_DELAY_FROM_FAILURE + 1) * ACCOUNT_DELAY_STEP_MS, ACCOUNT_MAX_DELAY_MS);
}

function boundedKey(key: string): string {
  return key.length <= MAX_KEY_LENGTH ? key : `sha256-${createHash('sha256').update(key).digest('hex')}`;
}

/** The account counter's key (without the limiter's prefix): commune id and login, lower-case, trimmed. */
export function accountKey(communeId: number, login: string): string {
  return boundedKey(`${communeId}:${login.trim().toLowerCase()}`);
}

/**
 * The source counter's key: an IPv4 address as such (also when written as IPv4-mapped IPv6), an
 * IPv6 address by its /64 prefix, since one subscriber line usually holds a whole /64.
 */
export function sourceKey(ip: string): string {
  const address = ip.trim().toLowerCase();
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(address);
  if (mapped) return mapped[1]!;
  if (!isIPv6(address)) return boundedKey(address);
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

const retryAfter = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

/**
 * The throttle on rate-limiter-flexible's PostgreSQL store, in the `rate_limits` table created by
 * the migrations. `pool` is the app's pg pool; two instances on one database share their counters.
 */
export function postgresSignInThrottle(pool: Pool): SignInThrottle {
  const common = {
    storeClient: pool,
    storeType: 'pool',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    duration: FAILURE_WINDOW_SECONDS,
  };
  const accounts = new RateLimiterPostgres({ ...common, keyPrefix: ACCOUNT_PREFIX, points: ACCOUNT_LOCK_AFTER_FAILURES });
  const sources = new RateLimiterPostgres({ ...common, keyPrefix: SOURCE_PREFIX, points: SOURCE_LOCK_AFTER_FAILURES });

  /** Counts one failure (penalty never rejects) and locks the key when it reaches `limit`. */
  async function fail(limiter: RateLimiterPostgres, key: string, limit: number): Promise<RateLimiterRes | undefined> {
    const res = await limiter.penalty(key, 1);
    if (res.consumedPoints < limit) return res;
    // The lock lasts LOCK_SECONDS from this failure, however far into the window it came.
    await limiter.block(key, LOCK_SECONDS);
    return undefined;
  }

  return {
    async check({ communeId, login, ip }) {
      const [account, source] = await Promise.all([
        accounts.get(accountKey(communeId, login)),
        ip ? sources.get(sourceKey(ip)) : null,
      ]);
      const locks = [
        account && account.consumedPoints >= ACCOUNT_LOCK_AFTER_FAILURES ? retryAfter(account) : 0,
        source && source.consumedPoints >= SOURCE_LOCK_AFTER_FAILURES ? retryAfter(source) : 0,
      ];
      const retryAfterSeconds = Math.max(...locks);
      return retryAfterSeconds > 0 ? { locked: true, retryAfterSeconds } : { locked: false };
    },

    async recordFailure({ communeId, login, ip }) {
      const [account, source] = await Promise.all([
        fail(accounts, accountKey(communeId, login), ACCOUNT_LOCK_AFTER_FAILURES),
        ip ? fail(sources, sourceKey(ip), SOURCE_LOCK_AFTER_FAILURES) : null,
      ]);
      if (!account || source === undefined) return { locked: true, retryAfterSeconds: LOCK_SECONDS };
      return { locked: false, delayMs: delayAfterFailures(account.consumedPoints) };
    },

    async recordSuccess({ communeId, login }, otherLogins = []) {
      const keys = new Set([login, ...otherLogins].map((each) => accountKey(communeId, each)));
      await Promise.all([...keys].map((key) => accounts.delete(key)));
    },
  };
}
