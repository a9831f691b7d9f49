/**
 * The instant integration tests run at, and at which the test database is seeded: the demo data
 * (bookings of the coming weeks, the two previous months invoiced) is the same whatever the day
 * the suite runs.
 */
export const DEFAULT_NOW = new Date('2026-11-23T09:00:00+01:00');
