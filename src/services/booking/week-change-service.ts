import { changeFor, isoWeekOf, parseIsoWeek, weekDays, type ChangeRefusal, type DoneAction, type IsoWeek } from '../../domain/booking-grid.ts';
import { changeWindow } from '../../domain/booking-window.ts';
import type { CalendarDay } from '../../domain/calendar/calendar-day.ts';
import type { CommuneCalendar } from '../../domain/calendar/closed-days.ts';
import type { Clock } from '../../domain/clock.ts';
import { ForbiddenError } from '../../domain/errors.ts';
import { refused } from '../../domain/refusals.ts';
import type { Activity } from '../../data/activity-repository.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import type { MailRenderer } from '../../integrations/mail/mail-renderer.ts';
import { bookingSteps, cellFacts, cellKey, lockChild, parseCellKey, retryOnDeadlock, windowOptions, type CellKey } from './booking-steps.ts';
import type { CalendarService } from './calendar-service.ts';
import { documentRequirements } from '../documents/document-requirements.ts';
import type { DoneChange, RefusedChange } from '../../model/booking.ts';
import { placeFreedMail, weekChangeMail } from './booking-mails.ts';

export interface WeekChangeOutcome {
  week: IsoWeek;
  childFirstName: string;
  done: DoneChange[];
  refused: RefusedChange[];
}

/**
 * « Valider » on the weekly grid (DESIGN §7 Weekly grid, Capacity and waiting list): the whole week
 * applied in one transaction, every rule checked again whatever the form sent.
 */
export function weekChangeService(repositories: Repositories, clock: Clock, mail: MailRenderer, calendars: CalendarService) {
  const { db, families, registrations, activities, bookings } = repositories;
  const steps = bookingSteps(repositories, clock, mail);
  const requirements = documentRequirements(repositories, clock);

  /**
   * After a place is given back before the deadline, the first child waiting for that activity
   * and day takes it, in the same transaction, and the family is told by e-mail.
   */
  async function promoteFirstWaiting(trx: Transaction, commune: Commune, calendar: CommuneCalendar, activity: Activity, day: CalendarDay, user: User) {
    const now = clock.now();
    const window = changeWindow(activity.rules, 'booking', day, now, windowOptions(calendar));
    if (!window.open && window.reason === 'past_deadline') return;
    for (;;) {
      const first = await bookings.lockFirstWaiting(commune.id, activity.id, day, trx);
      if (!first) {
        if (await bookings.anyWaiting(commune.id, activity.id, day, trx)) continue;
        return;
      }
      if (!(await bookings.takePlace(commune.id, activity.id, day, activity.capacityPerDay!, trx))) return;
      await bookings.setStatus(commune.id, first.id, { status: 'booked', by: user.id, at: now }, trx);
      const child = await families.findMember(commune.id, first.familyId, first.memberId, trx);
      await steps.mailGuardians(
        trx,
        commune,
        first.familyId,
        placeFreedMail({
          childFirstName: child?.firstName,
          activityName: activity.name,
          day,
          cancelUntil: window.open ? window.deadline : undefined,
          weekUrl: steps.link(commune, `/reservations/${first.memberId}?semaine=${isoWeekOf(day)}`),
        }),
      );
      return;
    }
  }

  return {
    /**
     * Applies a week as the parent wants it, in one transaction. `wanted` holds the cells the
     * child should have (a place or a ticket); `shown`, when the form sends it, the cells that were
     * ticked when the page was drawn, so only what the parent changed is applied (another guardian
     * may have changed the week meanwhile). Every change is checked again here: child of the
     * family, validated registration, calendar, booking window, capacity. Refused changes are
     * reported, the others applied; a place given back promotes the first waiting child.
     */
    async changeWeek(
      commune: Commune,
      user: User,
      memberId: number,
      week: IsoWeek,
      wanted: ReadonlySet<CellKey>,
      shown?: ReadonlySet<CellKey>,
    ): Promise<WeekChangeOutcome> {
      const familyId = user.familyId;
      if (!familyId) throw new ForbiddenError('only a parent changes bookings');
      if (!parseIsoWeek(week)) throw refused([{ field: 'semaine', refusal: { code: 'week_missing' } }]);
      const days7 = weekDays(week);
      const from = days7[0]!;
      const to = days7[6]!;
      const calendar = calendars.calendarOf(commune);

      return retryOnDeadlock(() =>
        db.transaction(async (trx) => {
          const now = clock.now();
          const child = await lockChild(trx, families, commune.id, familyId, memberId);
          // One after another: the queries of a transaction share its one connection.
          const current = await bookings.listForMember(commune.id, memberId, from, to, trx, { lock: true });
          const childRegistrations = await registrations.listForFamily(commune.id, familyId, { memberId, status: 'validated' }, trx);
          const held = new Map(current.filter((booking) => booking.status !== 'cancelled').map((booking) => [cellKey(booking.activityId, booking.day), booking]));
          const byKey = new Map(current.map((booking) => [cellKey(booking.activityId, booking.day), booking]));

          const touched = shown
            ? [...new Set([...wanted, ...shown])].filter((key) => wanted.has(key) !== shown.has(key))
            : [...new Set([...wanted, ...held.keys()])];
          const changes = touched
            .map((key) => ({ key, cell: parseCellKey(key) }))
            .filter((change): change is { key: string; cell: { activityId: number; day: string } } => Boolean(change.cell))
            .filter(({ key }) => wanted.has(key) !== held.has(key))
            .sort((a, b) => a.cell.day.localeCompare(b.cell.day) || a.cell.activityId - b.cell.activityId);

          const outcome: WeekChangeOutcome = { week, childFirstName: child.firstName, done: [], refused: [] };
          if (!changes.length) return outcome;
          const known = new Map(
            (await activities.listByIds(commune.id, [...new Set(changes.map(({ cell }) => cell.activityId))], trx)).map((activity) => [activity.id, activity]),
          );

          // Issue 13: a document whose type `blocksBooking` must be accepted before a day is booked
          // (cancelling stays possible). Looked up once per activity of the week.
          const documentChecks = new Map<number, Promise<string | undefined>>();
          const missingDocument = (activity: Activity) => {
            if (!documentChecks.has(activity.id)) {
              documentChecks.set(
                activity.id,
                requirements.unmet(commune, familyId, memberId, activity, 'booking', trx).then((unmet) => unmet[0]?.type.name),
              );
            }
            return documentChecks.get(activity.id)!;
          };

          for (const { key, cell } of changes) {
            const activity = known.get(cell.activityId);
            if (!activity) {
              outcome.refused.push({ day: cell.day, activityId: cell.activityId, activityName: null, reason: { code: 'unknown_activity' } });
              continue;
            }
            const line = { day: cell.day, activityId: cell.activityId, activityName: activity.name };
            if (!days7.includes(cell.day)) {
              outcome.refused.push({ ...line, reason: { code: 'outside_week' } });
              continue;
            }
            const decision = changeFor(cellFacts(calendar, activity, cell.day, childRegistrations, byKey.get(key), now), wanted.has(key));
            const booking = held.get(key);
            switch (decision.kind) {
              case 'none':
                break;
              case 'refuse':
                outcome.refused.push({ ...line, reason: decision.reason });
                break;
              case 'book': {
                const missing = await missingDocument(activity);
                if (missing) {
                  outcome.refused.push({ ...line, reason: { code: 'missing_document', documentName: missing } });
                  break;
                }
                outcome.done.push({ ...line, ...(await steps.bookDay(trx, commune, user, familyId, memberId, activity, cell.day, now)) });
                break;
              }
              case 'cancel':
                await bookings.setStatus(commune.id, booking!.id, { status: 'cancelled', by: user.id, at: now }, trx);
                if (activity.capacityPerDay !== null) {
                  await bookings.releasePlace(commune.id, activity.id, cell.day, trx);
                  await promoteFirstWaiting(trx, commune, calendar, activity, cell.day, user);
                }
                outcome.done.push({ ...line, action: 'cancelled' });
                break;
              case 'leave_waiting':
                await bookings.setStatus(commune.id, booking!.id, { status: 'cancelled', by: user.id, at: now }, trx);
                outcome.done.push({ ...line, action: 'left_waiting' });
                break;
            }
          }

          if (outcome.done.length) {
            await steps.mailGuardians(
              trx,
              commune,
              familyId,
              weekChangeMail({ child, week, done: outcome.done, refused: outcome.refused, weekUrl: steps.link(commune, `/reservations/${memberId}?semaine=${week}`) }),
            );
          }
          return outcome;
        }),
      );
    },
  };
}

export type WeekChangeService = ReturnType<typeof weekChangeService>;
