/** French formatting for pages and e-mails, always in Europe/Paris (used by presenters and mail content). */
export const PARIS = 'Europe/Paris';

const longDate = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: PARIS,
});
const timeOfDay = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: PARIS });
const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });

function toInstant(value: Date | string): Date {
  // A bare calendar day is noon in Paris, so no zone offset can move it to another day.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T12:00:00Z`);
  return value instanceof Date ? value : new Date(value);
}

/** « jeudi 26 novembre 2026 » */
export function formatDate(value: Date | string): string {
  return longDate.format(toInstant(value));
}

/** « 11h00 » */
export function formatTime(value: Date | string): string {
  return timeOfDay.format(toInstant(value)).replace(':', 'h');
}

/** « jeudi 26 novembre 2026 à 11h00 » */
export function formatDateTime(value: Date | string): string {
  return `${formatDate(value)} à ${formatTime(value)}`;
}

/** « 12,50 € » from integer cents. Intl uses narrow no-break spaces, which is right in French. */
export function formatAmount(cents: number): string {
  return euros.format(cents / 100);
}
