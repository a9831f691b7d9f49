import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { RateLimiterPostgres, type RateLimiterRes } from 'rate-limiter-flexible';

/** Every throttle's counters live in this table (rate-limiter-flexible's schema), created by the migrations. */
export const RATE_LIMIT_TABLE = 'rate_limits';
/** rate_limits.key is varchar(255): `<prefix>:<key>`. */
const KEY_COLUMN_LENGTH = 255;

/** One kind of counter: a key prefix, the most points a key may take, and the window they are counted over. */
export interface Counter {
  limiter: RateLimiterPostgres;
  prefix: string;
  limit: number;
}

/**
 * A counter on rate-limiter-flexible's PostgreSQL store. `pool` is the app's pg pool; two app
 * instances on one database share their counters. A window starts at a key's first point.
 */
export function postgresCounter(pool: Pool, { prefix, limit, windowSeconds }: { prefix: string; limit: number; windowSeconds: number }): Counter {
  const limiter = new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: RATE_LIMIT_TABLE,
    tableCreated: true,
    keyPrefix: prefix,
    points: limit,
    duration: windowSeconds,
  });
  return { limiter, prefix, limit };
}

/** A key that fits the column with its prefix; longer ones are hashed. */
export function boundedKey(key: string, prefix: string): string {
  return key.length <= KEY_COLUMN_LENGTH - prefix.length - 1 ? key : `sha256-${createHash('sha256').update(key).digest('hex')}`;
}

export const retryAfterSeconds = (res: RateLimiterRes) => Math.max(1, Math.ceil(res.msBeforeNext / 1000));

export type Consumed = { allowed: true; counts: number[] } | { allowed: false; retryAfterSeconds: number };

/**
 * Takes one point from each counter, each in one atomic statement (INSERT … ON CONFLICT DO UPDATE …
 * RETURNING), so requests racing in parallel each get their own rank and at most `limit` of them
 * pass. Reading the counters first and counting afterwards would let every parallel request through.
 * `limit`, when given, replaces the counter's own (a limit each commune sets). Refused when any counter is over its limit; the point is then given back to the others, so that
 * requests refused by one counter (a locked source, say) use up nobody else's allowance.
 */
export async function consumeTogether(entries: { counter: Counter; key: string; limit?: number }[]): Promise<Consumed> {
  const results = await Promise.all(entries.map(({ counter, key }) => counter.limiter.penalty(key, 1)));
  const over = results.map((res, i) => res.consumedPoints > (entries[i]!.limit ?? entries[i]!.counter.limit));
  if (!over.includes(true)) return { allowed: true, counts: results.map((res) => res.consumedPoints) };
  await Promise.all(entries.filter((_, i) => !over[i]).map(({ counter, key }) => counter.limiter.reward(key, 1)));
  return { allowed: false, retryAfterSeconds: Math.max(...results.filter((_, i) => over[i]).map(retryAfterSeconds)) };
}
