import { documentMissingForBooking } from './document-words.ts';
import { weekDays, type BookingObstacle, type ChangeRefusal, type DoneAction, type IsoWeek } from '../domain/booking-grid.ts';
import type { ClosedDay } from '../domain/calendar/closed-days.ts';
import type { RecurringPattern, Rhythm } from '../domain/recurring-booking.ts';
import { closedSinceWords, notOpenYetWords } from './deadline-words.ts';
import { formatDate, formatDateWithoutYear } from './format.ts';

/**
 * The words of bookings and the calendar, from the codes the domain and the services return: the
 * grid's presenter and the booking mails say the same things with these.
 */

/** Why a day is closed: « Week-end », « Jour férié : Ascension », « Vacances de Noël »… */
export function closedDayWords(day: ClosedDay): string {
  switch (day.reason) {
    case 'weekend':
      return 'Week-end';
    case 'jour_sans_activite':
      return "Pas d'accueil ce jour-là";
    case 'jour_ferie':
      return `Jour férié : ${day.name ?? ''}`.trim();
    case 'fermeture':
      return `Fermeture : ${day.name ?? ''}`.trim();
    case 'calendrier_inconnu':
      return 'Calendrier scolaire pas encore publié';
    case 'hors_vacances':
      return 'Hors vacances scolaires';
    case 'vacances':
      return day.name ?? 'Vacances scolaires';
  }
}

export const NOT_REGISTERED = "Pas d'inscription validée à cette activité ce jour-là";

/** What a cell says of why it is closed or locked (or, booked, why it could not be booked again). */
export function obstacleWords(obstacle: BookingObstacle): string {
  switch (obstacle.code) {
    case 'not_registered':
      return NOT_REGISTERED;
    case 'day_closed':
      return closedDayWords(obstacle.day);
    case 'past_deadline':
      return closedSinceWords(obstacle.deadline);
    case 'not_open_yet':
      return notOpenYetWords(obstacle.opensAt);
  }
}

/** Why a change of the week was not made: « délai dépassé : non modifiable depuis le … », « fermé (Week-end) »… */
export function refusalWords(refusal: ChangeRefusal): string {
  switch (refusal.code) {
    case 'unknown_activity':
      return "cette activité n'existe pas";
    case 'outside_week':
      return "ce jour n'est pas dans la semaine affichée";
    case 'missing_document':
      return documentMissingForBooking(refusal.documentName);
    case 'day_closed':
      return `fermé (${closedDayWords(refusal.day)})`;
    case 'past_deadline':
      return `délai dépassé : ${closedSinceWords(refusal.deadline)}`;
    default:
      return obstacleWords(refusal);
  }
}

/** What a week change did to a day. */
export const DONE_WORDS: Record<DoneAction, string> = {
  booked: 'réservé',
  waiting: "inscrit·e sur la liste d'attente",
  cancelled: 'annulé',
  left_waiting: "retiré·e de la liste d'attente",
};

/** A day of a semaine type the child already holds. */
export const HELD_WORDS: Record<'booked' | 'waiting', string> = {
  booked: 'déjà réservé',
  waiting: "déjà en liste d'attente",
};

/** Shown when an activity is not known any more (a crafted form). */
export const UNKNOWN_ACTIVITY = 'Activité inconnue';

/** « du lundi 30 novembre au dimanche 6 décembre 2026 » (both years when the week spans two). */
export function weekWords(week: IsoWeek): string {
  const days = weekDays(week);
  const first = days[0]!;
  const last = days[6]!;
  return `du ${first.slice(0, 4) === last.slice(0, 4) ? formatDateWithoutYear(first) : formatDate(first)} au ${formatDate(last)}`;
}

/** « chaque semaine », « une semaine sur 2 »… */
export function rhythmWords(every: Rhythm): string {
  return every === 1 ? 'chaque semaine' : `une semaine sur ${every}`;
}

/** « le lundi et le jeudi, une semaine sur 2, du … au … » */
export function recurringWords(pattern: RecurringPattern): string {
  const days = pattern.weekdays.map((weekday) => `le ${weekday}`);
  const list = days.length > 1 ? `${days.slice(0, -1).join(', ')} et ${days[days.length - 1]}` : (days[0] ?? '');
  return `${list}, ${rhythmWords(pattern.every)}, du ${formatDate(pattern.from)} au ${formatDate(pattern.until)}`;
}
