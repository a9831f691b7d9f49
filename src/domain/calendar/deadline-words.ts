import { DateTime } from 'luxon';
import type { WindowState } from '../booking-window.ts';
import { PARIS_ZONE } from './paris-time.ts';

/**
 * The booking window in words for the grid and the dashboard (DESIGN §7): « modifiable jusqu'au
 * jeudi 26 novembre 2026 à 11h00 », « encore 2 jours et 3 heures ». Pure: `now` is an argument.
 */

const longDate = new Intl.DateTimeFormat('fr-FR', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: PARIS_ZONE,
});
const timeOfDay = new Intl.DateTimeFormat('fr-FR', { hour: '2-digit', minute: '2-digit', timeZone: PARIS_ZONE });

/** « jeudi 1er octobre 2026 »: French writes the first of the month as an ordinal, Intl does not. */
export function parisDateWords(instant: Date): string {
  return longDate.format(instant).replace(/^(\S+) 1 /, '$1 1er ');
}

/** « 11h00 » */
export function parisTimeWords(instant: Date): string {
  return timeOfDay.format(instant).replace(':', 'h');
}

/** « modifiable jusqu'au jeudi 26 novembre 2026 à 11h00 » */
export function deadlineWords(deadline: Date): string {
  return `modifiable jusqu'au ${parisDateWords(deadline)} à ${parisTimeWords(deadline)}`;
}

/**
 * « encore 2 jours et 3 heures », « encore 5 heures et 20 minutes », « encore 45 minutes ». Rounded
 * down, so the page never promises more time than is left. Days are Paris calendar days, so across
 * a daylight-saving change « Saturday 11:00 → Monday 11:00 » still reads « 2 jours ».
 */
export function timeLeftWords(deadline: Date, now: Date): string {
  if (deadline.getTime() <= now.getTime()) return 'délai dépassé';
  const left = DateTime.fromJSDate(deadline, { zone: PARIS_ZONE })
    .diff(DateTime.fromJSDate(now, { zone: PARIS_ZONE }), ['days', 'hours', 'minutes'])
    .toObject();
  const days = Math.floor(left.days ?? 0);
  const hours = Math.floor(left.hours ?? 0);
  const minutes = Math.floor(left.minutes ?? 0);
  if (days > 0) return `encore ${both(count(days, 'jour'), hours ? count(hours, 'heure') : '')}`;
  if (hours > 0) return `encore ${both(count(hours, 'heure'), minutes ? count(minutes, 'minute') : '')}`;
  if (minutes > 0) return `encore ${count(minutes, 'minute')}`;
  return "encore moins d'une minute";
}

/** « à partir du lundi 4 mai 2026 » (the time only when it is not midnight). */
export function opensAtWords(opensAt: Date): string {
  const time = parisTimeWords(opensAt);
  return `à partir du ${parisDateWords(opensAt)}${time === '00h00' ? '' : ` à ${time}`}`;
}

/** One line and, while open, how long is left: what a grid cell or the dashboard shows. */
export function windowStateWords(state: WindowState, now: Date): { status: string; timeLeft?: string } {
  if (state.open) return { status: deadlineWords(state.deadline), timeLeft: timeLeftWords(state.deadline, now) };
  if (state.reason === 'past_deadline') {
    return { status: `non modifiable depuis le ${parisDateWords(state.deadline)} à ${parisTimeWords(state.deadline)}` };
  }
  return { status: state.opensAt ? `réservable ${opensAtWords(state.opensAt)}` : 'pas encore réservable' };
}

function count(value: number, unit: string): string {
  return `${value} ${unit}${value > 1 ? 's' : ''}`;
}

function both(first: string, second: string): string {
  return second ? `${first} et ${second}` : first;
}
