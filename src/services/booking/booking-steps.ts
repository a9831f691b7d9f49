import { windowsOf, type CellFacts, type Holding } from '../../domain/booking-grid.ts';
import type { WindowOptions } from '../../domain/booking-window.ts';
import type { CalendarDay } from '../../domain/calendar/calendar-day.ts';
import { dayStatus, type CommuneCalendar } from '../../domain/calendar/closed-days.ts';
import type { Clock } from '../../domain/clock.ts';
import { NotFoundError } from '../../domain/errors.ts';
import type { Activity } from '../../data/activity-repository.ts';
import type { Booking } from '../../data/booking-repository.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Member } from '../../data/family-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { Registration } from '../../data/registration-repository.ts';
import type { User } from '../../data/user-repository.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import { greetingOf, type BookingMail } from './booking-mails.ts';

/**
 * What the booking services (the grid's read model, the week change, the semaine type) read and
 * write the same way: the facts of a cell, a place or a waiting ticket, the guardians' e-mail.
 */

/** A cell of the form: 'activityId:YYYY-MM-DD'. */
export type CellKey = string;
export const cellKey = (activityId: number, day: CalendarDay): CellKey => `${activityId}:${day}`;

/** The cell a form names; undefined when the key is malformed. */
export function parseCellKey(key: string): { activityId: number; day: CalendarDay } | undefined {
  const match = /^(\d{1,9}):(\d{4}-\d{2}-\d{2})$/.exec(key);
  return match ? { activityId: Number(match[1]), day: match[2]! } : undefined;
}

export function windowOptions(calendar: CommuneCalendar): WindowOptions {
  return { schoolCalendar: calendar.school, ...(calendar.publicHolidays ? { publicHolidays: calendar.publicHolidays } : {}) };
}

const covers = (registration: Registration, day: CalendarDay) => registration.startsOn <= day && registration.endsOn >= day;

function holdingOf(booking: Booking | undefined): Holding {
  if (!booking || booking.status === 'cancelled') return null;
  return booking.status === 'booked' ? { status: 'booked' } : { status: 'waiting', rank: booking.waitingRank ?? 1 };
}

/** Everything the grid's rules need about one (activity, day) of a child, but whether it is full. */
export function cellFacts(
  calendar: CommuneCalendar,
  activity: Activity,
  day: CalendarDay,
  childRegistrations: Registration[],
  booking: Booking | undefined,
  now: Date,
): Omit<CellFacts, 'full'> {
  return {
    day,
    registered: childRegistrations.some((registration) => registration.activityId === activity.id && covers(registration, day)),
    dayStatus: dayStatus(day, activity, calendar),
    holding: holdingOf(booking),
    ...windowsOf(activity.rules, day, now, windowOptions(calendar)),
  };
}

/** A deadlock between two weeks changed at once is resolved by PostgreSQL; the loser tries again. */
const TRANSACTION_ATTEMPTS = 3;

export async function retryOnDeadlock<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= TRANSACTION_ATTEMPTS || (code !== '40P01' && code !== '40001')) throw error;
    }
  }
}

/** The child of the family, or 404 (another family's child, a guardian, an unknown id). */
export async function requireChild(families: Repositories['families'], communeId: number, familyId: number, memberId: number): Promise<Member> {
  const member = await families.findMember(communeId, familyId, memberId);
  if (!member || member.role !== 'child') throw new NotFoundError(`no child ${memberId} in family ${familyId}`);
  return member;
}

/**
 * The child of the family, locked for the transaction: one change of this child's weeks at a
 * time, so a double-clicked « Valider » waits here, then finds the week already as wanted.
 */
export async function lockChild(trx: Transaction, families: Repositories['families'], communeId: number, familyId: number, memberId: number): Promise<Member> {
  const child = await families.lockMember(communeId, familyId, memberId, trx);
  if (!child || child.role !== 'child') throw new NotFoundError(`no child ${memberId} in family ${familyId}`);
  return child;
}

/** Writing a booked day, and telling the family: the week change and the semaine type alike. */
export function bookingSteps(repositories: Repositories, clock: Clock, mail: MailRenderer) {
  const { bookings, users, outbox } = repositories;

  return {
    /**
     * Books one day already checked (registration, calendar, window): a place when the database has
     * one (`takePlace`, never over capacity), else the next ticket of the waiting list.
     */
    async bookDay(
      trx: Transaction,
      commune: Commune,
      user: User,
      familyId: number,
      memberId: number,
      activity: Activity,
      day: CalendarDay,
      now: Date,
    ): Promise<{ action: 'booked' } | { action: 'waiting'; waitingRank?: number }> {
      const hasPlace = activity.capacityPerDay === null || (await bookings.takePlace(commune.id, activity.id, day, activity.capacityPerDay, trx));
      const ticket = hasPlace ? null : await bookings.nextWaitingTicket(commune.id, activity.id, day, trx);
      await bookings.upsert(
        commune.id,
        { familyId, memberId, activityId: activity.id, day, status: hasPlace ? 'booked' : 'waiting', waitingPosition: ticket, by: user.id, at: now },
        trx,
      );
      if (hasPlace) return { action: 'booked' };
      const [mine] = (await bookings.listForMember(commune.id, memberId, day, day, trx)).filter((b) => b.activityId === activity.id);
      return mine?.waitingRank ? { action: 'waiting', waitingRank: mine.waitingRank } : { action: 'waiting' };
    },

    /** A link inside the commune's portal, for a mail. */
    link(commune: Commune, path: string): string {
      return mail.link(commune, path);
    },

    /** The mail to every active guardian of the family, in the outbox of the transaction. */
    async mailGuardians(trx: Transaction, commune: Commune, familyId: number, content: BookingMail) {
      for (const guardian of await users.listActiveParentsOfFamily(commune.id, familyId, trx)) {
        await outbox.enqueue(
          commune.id,
          mail.render(commune, { ...content, to: guardian.email, greeting: greetingOf(guardian) }),
          clock.now(),
          trx,
        );
      }
    },
  };
}

export type BookingSteps = ReturnType<typeof bookingSteps>;
