import type { IsoWeek } from '../../domain/booking-grid.ts';
import type { CalendarDay } from '../../domain/calendar/calendar-day.ts';
import type { RecurringPattern } from '../../domain/recurring-booking.ts';
import { DONE_WORDS, recurringWords, refusalWords, UNKNOWN_ACTIVITY, weekWords } from '../../i18n/booking-words.ts';
import { deadlineWords } from '../../i18n/deadline-words.ts';
import { formatDate } from '../../i18n/format.ts';
import type { MailContent } from '../../integrations/mail/mail-renderer.ts';
import type { DoneChange, RecurringLine, RefusedChange } from '../../model/booking.ts';

/**
 * The e-mails of bookings (DESIGN §7): what they say, from what the use case did. The use case
 * sends one to every guardian of the family, in its transaction.
 */

/** A mail's content; the guardian's address and greeting are added for each guardian. */
export type BookingMail = Omit<MailContent, 'to' | 'greeting'>;

interface Child {
  firstName: string;
  lastName: string;
}

export const greetingOf = (person: Child) => `Bonjour ${person.firstName} ${person.lastName},`;

const waitingRankWords = (rank: number | undefined) => (rank ? ` (position ${rank})` : '');

/** After « Valider » on the grid: each change made, then each one refused and why. */
export function weekChangeMail(input: { child: Child; week: IsoWeek; done: DoneChange[]; refused: RefusedChange[]; weekUrl: string }): BookingMail {
  const { child, week, done, refused } = input;
  return {
    kind: 'booking_confirmation',
    subject: `Réservations de ${child.firstName} : semaine ${weekWords(week)}`,
    paragraphs: [
      `Les changements demandés pour ${child.firstName} ${child.lastName}, semaine ${weekWords(week)}, sont enregistrés :`,
      ...done.map((change) => `– ${formatDate(change.day)}, ${change.activityName} : ${DONE_WORDS[change.action]}${waitingRankWords(change.waitingRank)}`),
      ...(refused.length
        ? [
            'Ces changements n\u2019ont pas pu être faits :',
            ...refused.map((change) => `– ${formatDate(change.day)}, ${change.activityName ?? UNKNOWN_ACTIVITY} : ${refusalWords(change.reason)}`),
          ]
        : []),
    ],
    action: { label: 'Voir la semaine', url: input.weekUrl },
  };
}

/**
 * A place given back went to the first child waiting. `cancelUntil`: until when the family can
 * still give it back (none once the day's cancelling deadline has passed).
 */
export function placeFreedMail(input: {
  childFirstName: string | undefined;
  activityName: string;
  day: CalendarDay;
  cancelUntil: Date | undefined;
  weekUrl: string;
}): BookingMail {
  const child = input.childFirstName ?? 'votre enfant';
  return {
    kind: 'booking_promoted',
    subject: `Une place s'est libérée pour ${child}`,
    paragraphs: [
      `Une place s'est libérée : ${child} quitte la liste d'attente et a une place pour « ${input.activityName} » le ${formatDate(input.day)}.`,
      input.cancelUntil
        ? `Si vous n'en avez plus besoin, annulez-la sur le portail : ${deadlineWords(input.cancelUntil)}.`
        : 'Cette réservation est maintenant enregistrée.',
    ],
    action: { label: 'Voir la semaine', url: input.weekUrl },
  };
}

/** A semaine type booked: the days booked or put on the waiting list, then the days refused and why. */
export function recurringBookingMail(input: {
  child: Child;
  activityName: string;
  pattern: RecurringPattern;
  lines: RecurringLine[];
  weekUrl: string;
}): BookingMail {
  const { child, activityName } = input;
  const made = input.lines.filter((line): line is Extract<RecurringLine, { kind: 'booked' | 'waiting' }> => line.kind === 'booked' || line.kind === 'waiting');
  const refused = input.lines.filter((line): line is Extract<RecurringLine, { kind: 'refused' }> => line.kind === 'refused');
  return {
    kind: 'booking_confirmation',
    subject: `Semaine type de ${child.firstName} : ${activityName}`,
    paragraphs: [
      `La semaine type de ${child.firstName} ${child.lastName} pour « ${activityName} » (${recurringWords(input.pattern)}) est enregistrée :`,
      ...made.map(
        (line) => `– ${formatDate(line.day)} : ${line.kind === 'waiting' ? `${DONE_WORDS.waiting}${waitingRankWords(line.waitingRank)}` : DONE_WORDS.booked}`,
      ),
      ...(refused.length
        ? ['Ces jours n\u2019ont pas pu être réservés :', ...refused.map((line) => `– ${formatDate(line.day)} : ${refusalWords(line.reason)}`)]
        : []),
    ],
    action: { label: 'Voir la semaine', url: input.weekUrl },
  };
}
