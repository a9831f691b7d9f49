import { DateTime } from 'luxon';
import type { WindowState } from '../domain/booking-window.ts';
import { formatDate, formatTime, PARIS } from './format.ts';

/**
 * The booking window in words for the grid, the dashboard and the mails (DESIGN §7): « modifiable
 * jusqu'au jeudi 26 novembre 2026 à 11h00 », « encore 2 jours et 3 heures ». `now` is an argument.
 */

/** « modifiable jusqu'au jeudi 26 novembre 2026 à 11h00 » */
export function deadlineWords(deadline: Date): string {
  return `modifiable jusqu'au ${formatDate(deadline)} à ${formatTime(deadline)}`;
}

/**
 * « encore 2 jours et 3 heures », « encore 5 heures et 20 minutes », « encore 45 minutes ». Rounded
 * down, so the page never promises more time than is left. Days are Paris calendar days, so across
 * a daylight-saving change « Saturday 11:00 → Monday 11:00 » still reads « 2 jours ».
 */
export function timeLeftWords(deadline: Date, now: Date): string {
  if (deadline.getTime() <= now.getTime()) return 'délai dépassé';
  const left = DateTime.fromJSDate(deadline, { zone: PARIS })
    .diff(DateTime.fromJSDate(now, { zone: PARIS }), ['days', 'hours', 'minutes'])
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
  const time = formatTime(opensAt);
  return `à partir du ${formatDate(opensAt)}${time === '00h00' ? '' : ` à ${time}`}`;
}

/** « non modifiable depuis le jeudi 26 novembre 2026 à 11h00 » */
export function closedSinceWords(deadline: Date): string {
  return `non modifiable depuis le ${formatDate(deadline)} à ${formatTime(deadline)}`;
}

/** « réservable à partir du lundi 4 mai 2026 », or « pas encore réservable » when the date is not known. */
export function notOpenYetWords(opensAt: Date | undefined): string {
  return opensAt ? `réservable ${opensAtWords(opensAt)}` : 'pas encore réservable';
}

/** One line and, while open, how long is left: what a grid cell or the dashboard shows. */
export function windowStateWords(state: WindowState, now: Date): { status: string; timeLeft?: string } {
  if (state.open) return { status: deadlineWords(state.deadline), timeLeft: timeLeftWords(state.deadline, now) };
  if (state.reason === 'past_deadline') return { status: closedSinceWords(state.deadline) };
  return { status: notOpenYetWords(state.opensAt) };
}

function count(value: number, unit: string): string {
  return `${value} ${unit}${value > 1 ? 's' : ''}`;
}

function both(first: string, second: string): string {
  return second ? `${first} et ${second}` : first;
}
