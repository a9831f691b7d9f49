import pg from 'pg';
import { afterEach, expect } from 'vitest';

/**
 * The queries of one connection never run side by side: a `Promise.all` over one transaction's
 * queries only queues them in the pg client, and pg 9 refuses it (pg 8 warns « Calling
 * client.query() when the client is already executing a query », once per process, and only from
 * the third query). Every query sent while its client is still busy is recorded, as is the
 * warning, and the test during which it happens fails.
 */
const seen: string[] = [];

type BusyClient = pg.Client & { _activeQuery?: unknown; _queryQueue?: unknown[] };
const query = pg.Client.prototype.query;
pg.Client.prototype.query = function (this: BusyClient, ...args: unknown[]) {
  if (this._activeQuery || this._queryQueue?.length) {
    seen.push(new Error('query sent while the connection was busy').stack ?? 'query sent while the connection was busy');
  }
  return (query as (...parameters: unknown[]) => unknown).apply(this, args);
} as typeof query;

process.on('warning', (warning) => {
  if (/already executing a query/.test(warning.message)) seen.push(warning.stack ?? warning.message);
});

afterEach(() => {
  const overlaps = seen.splice(0);
  expect(overlaps, 'queries sent concurrently on one connection: await them one after another on a transaction').toEqual([]);
});
