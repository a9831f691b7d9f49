import { DateTime } from 'luxon';

/** Every calendar rule is reckoned in Europe/Paris, whatever the server's own zone. */
export const PARIS_ZONE = 'Europe/Paris';

export function inParis(instant: Date): DateTime {
  return DateTime.fromJSDate(instant, { zone: PARIS_ZONE });
}

/** 'YYYY-MM-DD' of the Paris calendar day containing `instant`. */
export function parisDay(instant: Date): string {
  return inParis(instant).toISODate()!;
}
