import type { Pool } from 'pg';
import { boundedKey, consumeTogether, postgresCounter } from './rate-limits.ts';
import { sourceKey } from './sign-in-throttle.ts';

/**
 * Throttling of the forms that mail an address anyone can type (DESIGN §5): forgotten password,
 * new activation link, self-registration. Unlimited, they let a script flood a mailbox, and each
 * password reset retires the link sent before. Two counters, shared by the three forms and, in
 * PostgreSQL, by every app instance; each request is counted before anything is sent, in one
 * atomic step per counter, so parallel requests cannot all slip under the limit:
 * - per address (commune + the address or login typed, whether or not an account has it, so the
 *   answer never tells): a person who does not find the mail may ask again twice;
 * - per source (the client's address, as for sign-in): one address asking for many mailboxes.
 * A request over either limit sends nothing.
 */
export const MAIL_ADDRESS_LIMIT = 3;
// High enough for a mobile carrier's shared address (CGNAT): these forms are rare next to sign-in.
export const MAIL_SOURCE_LIMIT = 30;
export const MAIL_WINDOW_SECONDS = 60 * 60;

/** rate_limits.key is `<prefix>:<key>`; an agent can lift a limit by deleting its row. */
export const MAIL_ADDRESS_PREFIX = 'mail-address';
export const MAIL_SOURCE_PREFIX = 'mail-source';

export interface MailRequest {
  communeId: number;
  /** The e-mail address, or the login typed in « Mot de passe oublié »; normalised here. */
  address: string;
  /** The client's address (`req.ip`), when known. */
  ip: string | null;
}

export type MailThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/** What the account service needs from mail throttling; tests may give it a fake. */
export interface MailThrottle {
  /** Counts the request against its address and its source; refused when either is over its limit. */
  consume(request: MailRequest): Promise<MailThrottleVerdict>;
}

/** The address counter's key (without the prefix): commune id and address, lower-case, trimmed. */
export function mailAddressKey(communeId: number, address: string): string {
  return boundedKey(`${communeId}:${address.trim().toLowerCase()}`, MAIL_ADDRESS_PREFIX);
}

/** The throttle on rate-limiter-flexible's PostgreSQL store, in the `rate_limits` table. */
export function postgresMailThrottle(pool: Pool): MailThrottle {
  const window = { windowSeconds: MAIL_WINDOW_SECONDS };
  const addresses = postgresCounter(pool, { ...window, prefix: MAIL_ADDRESS_PREFIX, limit: MAIL_ADDRESS_LIMIT });
  const sources = postgresCounter(pool, { ...window, prefix: MAIL_SOURCE_PREFIX, limit: MAIL_SOURCE_LIMIT });

  return {
    async consume({ communeId, address, ip }) {
      const consumed = await consumeTogether([
        { counter: addresses, key: mailAddressKey(communeId, address) },
        ...(ip ? [{ counter: sources, key: sourceKey(ip) }] : []),
      ]);
      return consumed.allowed ? { allowed: true } : { allowed: false, retryAfterSeconds: consumed.retryAfterSeconds };
    },
  };
}
