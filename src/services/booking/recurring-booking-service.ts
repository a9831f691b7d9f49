import { changeFor, isoWeekOf, type BookingObstacle } from '../../domain/booking-grid.ts';
import type { CalendarDay } from '../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { ForbiddenError, NotFoundError } from '../../domain/errors.ts';
import { refused } from '../../domain/refusals.ts';
import { recurringDates, type RecurringPattern } from '../../domain/recurring-booking.ts';
import type { Activity } from '../../data/activity-repository.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Member } from '../../data/family-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import { bookingSteps, cellFacts, lockChild, requireChild, retryOnDeadlock } from './booking-steps.ts';
import type { CalendarService, SchoolYearPeriod } from './calendar-service.ts';
import { documentRequirements } from '../documents/document-requirements.ts';
import type { RecurringLine } from '../../model/booking.ts';
import { recurringBookingMail } from './booking-mails.ts';

export interface RecurringPlan {
  child: Member;
  activity: Activity;
  pattern: RecurringPattern;
  lines: RecurringLine[];
}

/** What the semaine type's form offers. */
export interface RecurringForm {
  child: Member;
  /** The activities of the child's validated registrations that have not ended yet. */
  activities: Activity[];
  /** The school years still open, the current one first: a period lies inside one of them. */
  schoolYears: SchoolYearPeriod[];
  /** Today: a period cannot start before it, and « the rest of the school year » starts on it. */
  firstDay: CalendarDay;
}

function requireRecurring(commune: Commune) {
  if (!commune.settings.features.recurringBookings) throw new NotFoundError(`recurring bookings are off in ${commune.slug}`);
}

/**
 * The semaine type (DESIGN §7 Recurring booking): the same weekdays over a period, previewed, then
 * booked in one transaction with the rules of the week change, and confirmed by e-mail.
 */
export function recurringBookingService(repositories: Repositories, clock: Clock, mail: MailRenderer, calendars: CalendarService) {
  const { db, families, registrations, activities, bookings } = repositories;
  const steps = bookingSteps(repositories, clock, mail);
  const requirements = documentRequirements(repositories, clock);

  /**
   * What a semaine type gives, day by day, with the same rules as the week change (`changeFor`):
   * `book` (a place, or the waiting list when `full`), `held` (the child already has the day),
   * `refuse` (with why). Read in the transaction that books, so the preview and the result agree.
   */
  async function plan(
    executor: Transaction | undefined,
    commune: Commune,
    familyId: number,
    memberId: number,
    activity: Activity,
    dates: CalendarDay[],
    now: Date,
  ): Promise<RecurringLine[]> {
    if (!dates.length) return [];
    const from = dates[0]!;
    const to = dates[dates.length - 1]!;
    // One after another: inside the booking transaction they share one connection.
    const childRegistrations = await registrations.listForFamily(commune.id, familyId, { memberId, status: 'validated' }, executor);
    const current = await bookings.listForMember(commune.id, memberId, from, to, executor, executor ? { lock: true } : undefined);
    const places = await bookings.listActivityDays(commune.id, [activity.id], from, to, executor);
    const calendar = calendars.calendarOf(commune);
    const byDay = new Map(current.filter((booking) => booking.activityId === activity.id).map((booking) => [booking.day, booking]));
    const full = new Set(places.filter((place) => place.booked >= place.capacity).map((place) => place.day));
    return dates.map((day): RecurringLine => {
      const booking = byDay.get(day);
      const decision = changeFor(cellFacts(calendar, activity, day, childRegistrations, booking, now), true);
      if (decision.kind === 'book') return { day, kind: full.has(day) ? 'waiting' : 'booked' };
      if (decision.kind === 'refuse') return { day, kind: 'refused', reason: decision.reason };
      return { day, kind: 'held', holding: booking?.status === 'waiting' ? 'waiting' : 'booked' };
    });
  }

  async function registeredActivity(commune: Commune, familyId: number, memberId: number, activityId: number, executor?: Transaction): Promise<Activity> {
    const validated = await registrations.listForFamily(commune.id, familyId, { memberId, status: 'validated' }, executor);
    const [activity] = validated.some((registration) => registration.activityId === activityId)
      ? await activities.listByIds(commune.id, [activityId], executor)
      : [];
    if (!activity) throw refused([{ field: 'activite', refusal: { code: 'recurring_activity_not_registered' } }]);
    // Issue 13: a document whose type `blocksBooking` must be accepted before any day is booked.
    const child = await families.findMember(commune.id, familyId, memberId, executor);
    if (child) await requirements.refuseUnlessProvided(commune, familyId, child, activity, 'booking', executor);
    return activity;
  }

  return {
    /** The semaine type's form: the child, the activities, the school years and the first possible day. */
    async form(commune: Commune, familyId: number, memberId: number): Promise<RecurringForm> {
      requireRecurring(commune);
      const child = await requireChild(families, commune.id, familyId, memberId);
      const today = parisDay(clock.now());
      const validated = (await registrations.listForFamily(commune.id, familyId, { memberId, status: 'validated' })).filter(
        (registration) => registration.endsOn >= today,
      );
      const ids = [...new Set(validated.map((registration) => registration.activityId))];
      return {
        child,
        activities: ids.length ? await activities.listByIds(commune.id, ids) : [],
        schoolYears: calendars.openSchoolYears(commune),
        firstDay: today,
      };
    },

    /**
     * The semaine type's preview: the dates the pattern gives, each with what « Valider » would do.
     * Nothing is written; `book` works it all out again.
     */
    async preview(commune: Commune, familyId: number, memberId: number, activityId: number, pattern: RecurringPattern): Promise<RecurringPlan> {
      requireRecurring(commune);
      const child = await requireChild(families, commune.id, familyId, memberId);
      const activity = await registeredActivity(commune, familyId, memberId, activityId);
      const lines = await plan(undefined, commune, familyId, memberId, activity, recurringDates(pattern), clock.now());
      return { child, activity, pattern, lines };
    },

    /**
     * Books a semaine type in one transaction: every date is checked again as the week change does
     * (registration, calendar, window, capacity with the waiting list); the days the child already
     * holds are left as they are, so a second submission books nothing twice. One e-mail lists it.
     */
    async book(commune: Commune, user: User, memberId: number, activityId: number, pattern: RecurringPattern): Promise<RecurringPlan> {
      requireRecurring(commune);
      const familyId = user.familyId;
      if (!familyId) throw new ForbiddenError('only a parent changes bookings');
      const dates = recurringDates(pattern);
      return retryOnDeadlock(() =>
        db.transaction(async (trx) => {
          const now = clock.now();
          const child = await lockChild(trx, families, commune.id, familyId, memberId);
          const activity = await registeredActivity(commune, familyId, memberId, activityId, trx);
          const planned = await plan(trx, commune, familyId, memberId, activity, dates, now);
          const lines: RecurringLine[] = [];
          for (const line of planned) {
            if (line.kind !== 'booked' && line.kind !== 'waiting') {
              lines.push(line);
              continue;
            }
            const done = await steps.bookDay(trx, commune, user, familyId, memberId, activity, line.day, now);
            lines.push(done.action === 'booked' ? { day: line.day, kind: 'booked' } : { day: line.day, kind: 'waiting', ...(done.waitingRank ? { waitingRank: done.waitingRank } : {}) });
          }
          const first = lines.find((line) => line.kind === 'booked' || line.kind === 'waiting');
          if (first) {
            await steps.mailGuardians(
              trx,
              commune,
              familyId,
              recurringBookingMail({
                child,
                activityName: activity.name,
                pattern,
                lines,
                weekUrl: steps.link(commune, `/reservations/${memberId}?semaine=${isoWeekOf(first.day)}`),
              }),
            );
          }
          return { child, activity, pattern, lines };
        }),
      );
    },
  };
}

export type RecurringBookingService = ReturnType<typeof recurringBookingService>;
