/**
 * French formatting for pages and e-mails, always in Europe/Paris: the one date formatter of the
 * portal (presenters, mail content and the templates' filters all use it), and the amounts.
 */
export const PARIS = 'Europe/Paris';

const longDate = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: PARIS,
});
const dateWithoutYear = new Intl.DateTimeFormat('fr-FR', { weekday: 'long', day: 'numeric', month: 'long', timeZone: PARIS });
const timeOfDay = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: PARIS });
const euros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR' });

function toInstant(value: Date | string): Date {
  // A bare calendar day is noon in Paris, so no zone offset can move it to another day.
  if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value)) return new Date(`${value}T12:00:00Z`);
  return value instanceof Date ? value : new Date(value);
}

/** French writes the first of the month as an ordinal, « 1er », which Intl does not. */
const firstOfMonth = (words: string) => words.replace(/^(\S+) 1 /, '$1 1er ');

/** « jeudi 26 novembre 2026 », « mardi 1er décembre 2026 » */
export function formatDate(value: Date | string): string {
  return firstOfMonth(longDate.format(toInstant(value)));
}

/** « lundi 30 novembre », « mardi 1er décembre »: a day whose year is said elsewhere (a week's column). */
export function formatDateWithoutYear(value: Date | string): string {
  return firstOfMonth(dateWithoutYear.format(toInstant(value)));
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

const monthAndYear = new Intl.DateTimeFormat('fr-FR', { month: 'long', year: 'numeric', timeZone: PARIS });

/** « décembre 2026 » from '2026-12': the period of an estimate or an invoice. */
export function formatMonth(month: string): string {
  return monthAndYear.format(toInstant(`${month}-15`));
}
