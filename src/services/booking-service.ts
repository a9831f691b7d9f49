import {
  cellOf,
  changeFor,
  firstOpenWindow,
  dayWords,
  gridColumns,
  isoWeekOf,
  mondayOf,
  nextDeadline,
  parseIsoWeek,
  shiftWeek,
  weekDays,
  weekDeadline,
  weekWords,
  windowsOf,
  type Cell,
  type CellFacts,
  type Holding,
  type IsoWeek,
  type WeekDeadline,
} from '../domain/booking-grid.ts';
import type { WindowOptions, WindowState } from '../domain/booking-window.ts';
import { changeWindow } from '../domain/booking-window.ts';
import { recurringDates, rhythmWords, type RecurringPattern } from '../domain/recurring-booking.ts';
import { addDays, type CalendarDay } from '../domain/calendar/calendar-day.ts';
import { dayStatus, type CommuneCalendar } from '../domain/calendar/closed-days.ts';
import { deadlineWords } from '../domain/calendar/deadline-words.ts';
import { parisDay } from '../domain/calendar/paris-time.ts';
import type { Clock } from '../domain/clock.ts';
import { ForbiddenError, NotFoundError, ValidationError } from '../domain/errors.ts';
import type { Activity } from '../data/activity-repository.ts';
import type { Booking } from '../data/booking-repository.ts';
import type { Commune } from '../data/commune-repository.ts';
import type { Transaction } from '../data/database.ts';
import type { Member } from '../data/family-repository.ts';
import type { Repositories } from '../data/index.ts';
import type { Registration } from '../data/registration-repository.ts';
import type { User } from '../data/user-repository.ts';
import type { MailRenderer } from '../integrations/mail/mail-renderer.ts';
import type { CalendarService } from './calendar-service.ts';

/** A cell of the form: 'activityId:YYYY-MM-DD'. */
export type CellKey = string;
export const cellKey = (activityId: number, day: CalendarDay): CellKey => `${activityId}:${day}`;

export interface GridRow {
  activity: Activity;
  cells: (Cell & { key: CellKey })[];
}

export interface WeekGrid {
  child: Member;
  week: IsoWeek;
  /** The columns: Monday to Friday, and the weekend days an activity of the rows runs on. */
  days: CalendarDay[];
  rows: GridRow[];
  deadline: WeekDeadline;
  now: Date;
}

export type DoneAction = 'booked' | 'waiting' | 'cancelled' | 'left_waiting';

export interface DoneChange {
  day: CalendarDay;
  activityId: number;
  activityName: string;
  action: DoneAction;
  /** For `waiting`: 1 = first in the waiting list. */
  waitingRank?: number;
}

export interface RefusedChange {
  day: CalendarDay;
  activityId: number;
  activityName: string;
  reason: string;
}

export interface WeekChangeOutcome {
  week: IsoWeek;
  childFirstName: string;
  done: DoneChange[];
  refused: RefusedChange[];
}

export interface ChildBookingSummary {
  memberId: number;
  firstName: string;
  lastName: string;
  /** The child has a validated registration covering this week or the next. */
  registered: boolean;
  thisWeek: { week: IsoWeek; booked: number; waiting: number };
  nextWeek: { week: IsoWeek; booked: number; waiting: number };
  nextDeadline?: { deadline: Date; firstDay: CalendarDay };
}

/** One date of a semaine type: booked (or to book), on the waiting list, already held, or refused and why. */
export type RecurringLine =
  | { day: CalendarDay; kind: 'booked' }
  | { day: CalendarDay; kind: 'waiting'; waitingRank?: number }
  | { day: CalendarDay; kind: 'held'; reason: string }
  | { day: CalendarDay; kind: 'refused'; reason: string };

export interface RecurringPlan {
  child: Member;
  activity: Activity;
  pattern: RecurringPattern;
  lines: RecurringLine[];
}

function requireRecurring(commune: Commune) {
  if (!commune.settings.features.recurringBookings) throw new NotFoundError(`recurring bookings are off in ${commune.slug}`);
}

/** « le lundi et le jeudi, une semaine sur 2, du … au … » */
export function recurringWords(pattern: RecurringPattern): string {
  const days = pattern.weekdays.map((weekday) => `le ${weekday}`);
  const list = days.length > 1 ? `${days.slice(0, -1).join(', ')} et ${days[days.length - 1]}` : (days[0] ?? '');
  return `${list}, ${rhythmWords(pattern.every)}, du ${dayWords(pattern.from)} au ${dayWords(pattern.until)}`;
}

/** How far ahead the dashboard looks for the next deadline. */
const DEADLINE_LOOKAHEAD_DAYS = 28;
/** A deadlock between two weeks changed at once is resolved by PostgreSQL; the loser tries again. */
const TRANSACTION_ATTEMPTS = 3;

export const DONE_WORDS: Record<DoneAction, string> = {
  booked: 'réservé',
  waiting: "inscrit·e sur la liste d'attente",
  cancelled: 'annulé',
  left_waiting: "retiré·e de la liste d'attente",
};

const covers = (registration: Registration, day: CalendarDay) => registration.startsOn <= day && registration.endsOn >= day;

function windowOptions(calendar: CommuneCalendar): WindowOptions {
  return { schoolCalendar: calendar.school, ...(calendar.publicHolidays ? { publicHolidays: calendar.publicHolidays } : {}) };
}

function holdingOf(booking: Booking | undefined): Holding {
  if (!booking || booking.status === 'cancelled') return null;
  return booking.status === 'booked' ? { status: 'booked' } : { status: 'waiting', rank: booking.waitingRank ?? 1 };
}

function parseKey(key: string): { activityId: number; day: CalendarDay } | undefined {
  const match = /^(\d{1,9}):(\d{4}-\d{2}-\d{2})$/.exec(key);
  return match ? { activityId: Number(match[1]), day: match[2]! } : undefined;
}

async function retryOnDeadlock<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (attempt >= TRANSACTION_ATTEMPTS || (code !== '40P01' && code !== '40001')) throw error;
    }
  }
}

/** The weekly grid: read a child's week, change it in one transaction (DESIGN §7, §11). */
export function bookingService(repositories: Repositories, clock: Clock, mail: MailRenderer, calendars: CalendarService) {
  const { db, families, registrations, activities, bookings, users, outbox } = repositories;

  async function requireChild(communeId: number, familyId: number, memberId: number): Promise<Member> {
    const member = await families.findMember(communeId, familyId, memberId);
    if (!member || member.role !== 'child') throw new NotFoundError(`no child ${memberId} in family ${familyId}`);
    return member;
  }

  function factsOf(
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

  async function mailGuardians(
    trx: Transaction,
    commune: Commune,
    familyId: number,
    content: { kind: string; subject: string; paragraphs: string[]; action: { label: string; url: string } },
  ) {
    for (const guardian of await users.listActiveParentsOfFamily(commune.id, familyId, trx)) {
      await outbox.enqueue(
        commune.id,
        mail.render(commune, { ...content, to: guardian.email, greeting: `Bonjour ${guardian.firstName} ${guardian.lastName},` }),
        clock.now(),
        trx,
      );
    }
  }

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
      await mailGuardians(trx, commune, first.familyId, {
        kind: 'booking_promoted',
        subject: `Une place s'est libérée pour ${child?.firstName ?? 'votre enfant'}`,
        paragraphs: [
          `Une place s'est libérée : ${child?.firstName ?? 'votre enfant'} quitte la liste d'attente et a une place pour « ${activity.name} » le ${dayWords(day)}.`,
          window.open
            ? `Si vous n'en avez plus besoin, annulez-la sur le portail : ${deadlineWords(window.deadline)}.`
            : 'Cette réservation est maintenant enregistrée.',
        ],
        action: { label: 'Voir la semaine', url: mail.link(commune, `/reservations/${first.memberId}?semaine=${isoWeekOf(day)}`) },
      });
      return;
    }
  }

  /**
   * Books one day already checked (registration, calendar, window): a place when the database has
   * one (`takePlace`, never over capacity), else the next ticket of the waiting list.
   */
  async function bookDay(
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
  }

  /**
   * What a semaine type gives, day by day, with the same rules as `changeWeek` (`changeFor`):
   * `book` (a place, or the waiting list when `full`), `held` (the child already has the day),
   * `refuse` (with why). Read in the transaction that books, so the preview and the result agree.
   */
  async function planRecurring(
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
    return dates.map((day) => {
      const booking = byDay.get(day);
      const decision = changeFor(factsOf(calendar, activity, day, childRegistrations, booking, now), true, now);
      if (decision.kind === 'book') return { day, kind: full.has(day) ? 'waiting' : 'booked' };
      if (decision.kind === 'refuse') return { day, kind: 'refused', reason: decision.reason };
      return { day, kind: 'held', reason: booking?.status === 'waiting' ? "déjà en liste d'attente" : 'déjà réservé' };
    });
  }

  async function recurringActivity(commune: Commune, familyId: number, memberId: number, activityId: number, executor?: Transaction): Promise<Activity> {
    const validated = await registrations.listForFamily(commune.id, familyId, { memberId, status: 'validated' }, executor);
    const [activity] = validated.some((registration) => registration.activityId === activityId)
      ? await activities.listByIds(commune.id, [activityId], executor)
      : [];
    if (!activity) throw new ValidationError([{ field: 'activite', message: 'Choisissez une activité à laquelle votre enfant est inscrit' }]);
    return activity;
  }

  return {
    /**
     * The semaine type's form: the child and the activities of the child's validated registrations
     * that have not ended yet.
     */
    async recurringChoices(commune: Commune, familyId: number, memberId: number): Promise<{ child: Member; activities: Activity[] }> {
      requireRecurring(commune);
      const child = await requireChild(commune.id, familyId, memberId);
      const today = parisDay(clock.now());
      const validated = (await registrations.listForFamily(commune.id, familyId, { memberId, status: 'validated' })).filter(
        (registration) => registration.endsOn >= today,
      );
      const ids = [...new Set(validated.map((registration) => registration.activityId))];
      return { child, activities: ids.length ? await activities.listByIds(commune.id, ids) : [] };
    },

    /**
     * The semaine type's preview: the dates the pattern gives, each with what « Valider » would do.
     * Nothing is written; `bookRecurring` works it all out again.
     */
    async previewRecurring(commune: Commune, familyId: number, memberId: number, activityId: number, pattern: RecurringPattern): Promise<RecurringPlan> {
      requireRecurring(commune);
      const child = await requireChild(commune.id, familyId, memberId);
      const activity = await recurringActivity(commune, familyId, memberId, activityId);
      const lines = await planRecurring(undefined, commune, familyId, memberId, activity, recurringDates(pattern), clock.now());
      return { child, activity, pattern, lines };
    },

    /**
     * Books a semaine type in one transaction: every date is checked again as `changeWeek` does
     * (registration, calendar, window, capacity with the waiting list); the days the child already
     * holds are left as they are, so a second submission books nothing twice. One e-mail lists it.
     */
    async bookRecurring(commune: Commune, user: User, memberId: number, activityId: number, pattern: RecurringPattern): Promise<RecurringPlan> {
      requireRecurring(commune);
      const familyId = user.familyId;
      if (!familyId) throw new ForbiddenError('only a parent changes bookings');
      const dates = recurringDates(pattern);
      return retryOnDeadlock(() =>
        db.transaction(async (trx) => {
          const now = clock.now();
          const child = await families.lockMember(commune.id, familyId, memberId, trx);
          if (!child || child.role !== 'child') throw new NotFoundError(`no child ${memberId} in family ${familyId}`);
          const activity = await recurringActivity(commune, familyId, memberId, activityId, trx);
          const planned = await planRecurring(trx, commune, familyId, memberId, activity, dates, now);
          const lines: RecurringLine[] = [];
          for (const line of planned) {
            if (line.kind !== 'booked' && line.kind !== 'waiting') {
              lines.push(line);
              continue;
            }
            const done = await bookDay(trx, commune, user, familyId, memberId, activity, line.day, now);
            lines.push(done.action === 'booked' ? { day: line.day, kind: 'booked' } : { day: line.day, kind: 'waiting', ...(done.waitingRank ? { waitingRank: done.waitingRank } : {}) });
          }
          const made = lines.filter((line) => line.kind === 'booked' || line.kind === 'waiting');
          if (made.length) {
            const refused = lines.filter((line) => line.kind === 'refused');
            await mailGuardians(trx, commune, familyId, {
              kind: 'booking_confirmation',
              subject: `Semaine type de ${child.firstName} : ${activity.name}`,
              paragraphs: [
                `La semaine type de ${child.firstName} ${child.lastName} pour « ${activity.name} » (${recurringWords(pattern)}) est enregistrée :`,
                ...made.map((line) => `– ${dayWords(line.day)} : ${line.kind === 'booked' ? DONE_WORDS.booked : `${DONE_WORDS.waiting}${line.waitingRank ? ` (position ${line.waitingRank})` : ''}`}`),
                ...(refused.length ? ['Ces jours n\u2019ont pas pu être réservés :', ...refused.map((line) => `– ${dayWords(line.day)} : ${line.reason}`)] : []),
              ],
              action: { label: 'Voir la semaine', url: mail.link(commune, `/reservations/${memberId}?semaine=${isoWeekOf(made[0]!.day)}`) },
            });
          }
          return { child, activity, pattern, lines };
        }),
      );
    },

    /**
     * One child's week: rows are the activities of the child's validated registrations covering
     * the week (and any activity the child still holds a place in), columns the days. Five queries
     * whatever the number of rows: child, registrations, bookings, activities, places.
     */
    async weekGrid(commune: Commune, familyId: number, memberId: number, week: IsoWeek, now: Date = clock.now()): Promise<WeekGrid> {
      const child = await requireChild(commune.id, familyId, memberId);
      const days7 = weekDays(week);
      const from = days7[0]!;
      const to = days7[6]!;
      const [childRegistrations, weekBookings] = await Promise.all([
        registrations.listForFamily(commune.id, familyId, { memberId, status: 'validated' }),
        bookings.listForMember(commune.id, memberId, from, to),
      ]);
      const covering = childRegistrations.filter((registration) => registration.startsOn <= to && registration.endsOn >= from);
      const activityIds = [
        ...new Set([
          ...covering.map((registration) => registration.activityId),
          ...weekBookings.filter((booking) => booking.status !== 'cancelled').map((booking) => booking.activityId),
        ]),
      ];
      const [rowActivities, places] = await Promise.all([
        activities.listByIds(commune.id, activityIds),
        bookings.listActivityDays(commune.id, activityIds, from, to),
      ]);
      const calendar = calendars.calendarOf(commune);
      const days = gridColumns(week, rowActivities);
      const byKey = new Map(weekBookings.map((booking) => [cellKey(booking.activityId, booking.day), booking]));
      const fullKeys = new Set(places.filter((place) => place.booked >= place.capacity).map((place) => cellKey(place.activityId, place.day)));
      const windows: WindowState[] = [];
      const rows = rowActivities.map((activity) => ({
        activity,
        cells: days.map((day) => {
          const key = cellKey(activity.id, day);
          const facts = factsOf(calendar, activity, day, covering, byKey.get(key), now);
          if (facts.registered && facts.dayStatus.open) windows.push(facts.bookingWindow);
          return { key, ...cellOf({ ...facts, full: fullKeys.has(key) }, now) };
        }),
      }));
      return { child, week, days, rows, deadline: weekDeadline(windows, now), now };
    },

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
      if (!parseIsoWeek(week)) throw new ValidationError([{ field: 'semaine', message: 'Choisissez une semaine' }]);
      const days7 = weekDays(week);
      const from = days7[0]!;
      const to = days7[6]!;
      const calendar = calendars.calendarOf(commune);

      return retryOnDeadlock(() =>
        db.transaction(async (trx) => {
          const now = clock.now();
          // One change of this child's weeks at a time: a double-clicked « Valider » waits here,
          // then finds the week already as wanted and does nothing.
          const child = await families.lockMember(commune.id, familyId, memberId, trx);
          if (!child || child.role !== 'child') throw new NotFoundError(`no child ${memberId} in family ${familyId}`);
          // One after another: the queries of a transaction share its one connection.
          const current = await bookings.listForMember(commune.id, memberId, from, to, trx, { lock: true });
          const childRegistrations = await registrations.listForFamily(commune.id, familyId, { memberId, status: 'validated' }, trx);
          const held = new Map(current.filter((booking) => booking.status !== 'cancelled').map((booking) => [cellKey(booking.activityId, booking.day), booking]));
          const byKey = new Map(current.map((booking) => [cellKey(booking.activityId, booking.day), booking]));

          const touched = shown
            ? [...new Set([...wanted, ...shown])].filter((key) => wanted.has(key) !== shown.has(key))
            : [...new Set([...wanted, ...held.keys()])];
          const changes = touched
            .map((key) => ({ key, cell: parseKey(key) }))
            .filter((change): change is { key: string; cell: { activityId: number; day: string } } => Boolean(change.cell))
            .filter(({ key }) => wanted.has(key) !== held.has(key))
            .sort((a, b) => a.cell.day.localeCompare(b.cell.day) || a.cell.activityId - b.cell.activityId);

          const outcome: WeekChangeOutcome = { week, childFirstName: child.firstName, done: [], refused: [] };
          if (!changes.length) return outcome;
          const known = new Map(
            (await activities.listByIds(commune.id, [...new Set(changes.map(({ cell }) => cell.activityId))], trx)).map((activity) => [activity.id, activity]),
          );

          for (const { key, cell } of changes) {
            const activity = known.get(cell.activityId);
            const line = { day: cell.day, activityId: cell.activityId, activityName: activity?.name ?? 'Activité inconnue' };
            if (!activity) {
              outcome.refused.push({ ...line, reason: "cette activité n'existe pas" });
              continue;
            }
            if (!days7.includes(cell.day)) {
              outcome.refused.push({ ...line, reason: "ce jour n'est pas dans la semaine affichée" });
              continue;
            }
            const decision = changeFor(factsOf(calendar, activity, cell.day, childRegistrations, byKey.get(key), now), wanted.has(key), now);
            const booking = held.get(key);
            switch (decision.kind) {
              case 'none':
                break;
              case 'refuse':
                outcome.refused.push({ ...line, reason: decision.reason });
                break;
              case 'book':
                outcome.done.push({ ...line, ...(await bookDay(trx, commune, user, familyId, memberId, activity, cell.day, now)) });
                break;
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
            await mailGuardians(trx, commune, familyId, {
              kind: 'booking_confirmation',
              subject: `Réservations de ${child.firstName} : semaine ${weekWords(week)}`,
              paragraphs: [
                `Les changements demandés pour ${child.firstName} ${child.lastName}, semaine ${weekWords(week)}, sont enregistrés :`,
                ...outcome.done.map(
                  (done) =>
                    `– ${dayWords(done.day)}, ${done.activityName} : ${DONE_WORDS[done.action]}${done.waitingRank ? ` (position ${done.waitingRank})` : ''}`,
                ),
                ...(outcome.refused.length
                  ? ['Ces changements n\u2019ont pas pu être faits :', ...outcome.refused.map((refused) => `– ${dayWords(refused.day)}, ${refused.activityName} : ${refused.reason}`)]
                  : []),
              ],
              action: { label: 'Voir la semaine', url: mail.link(commune, `/reservations/${memberId}?semaine=${week}`) },
            });
          }
          return outcome;
        }),
      );
    },

    /**
     * Per child of the family: this week's and next week's places, and the next deadline to book
     * (the dashboard and `/reservations`). Four queries whatever the number of children.
     */
    async familySummary(commune: Commune, familyId: number, now: Date = clock.now()): Promise<ChildBookingSummary[]> {
      const today = parisDay(now);
      const thisWeek = isoWeekOf(today);
      const nextWeek = shiftWeek(thisWeek, 1);
      const from = mondayOf(thisWeek);
      const to = addDays(mondayOf(nextWeek), 6);
      const horizonEnd = addDays(today, DEADLINE_LOOKAHEAD_DAYS - 1);
      const [members, validated, live] = await Promise.all([
        families.listMembers(commune.id, familyId),
        registrations.listForFamily(commune.id, familyId, { status: 'validated' }),
        bookings.listLiveForFamily(commune.id, familyId, from, to),
      ]);
      const current = validated.filter((registration) => registration.endsOn >= today && registration.startsOn <= horizonEnd);
      const byId = new Map(
        (await activities.listByIds(commune.id, [...new Set(current.map((registration) => registration.activityId))])).map((activity) => [activity.id, activity]),
      );
      const calendar = calendars.calendarOf(commune);
      const options = windowOptions(calendar);
      const count = (memberId: number, week: IsoWeek, status: 'booked' | 'waiting') =>
        live.filter((booking) => booking.memberId === memberId && booking.status === status && isoWeekOf(booking.day) === week).length;
      // Paris-time reckoning is the cost of this page: once per activity and day, whatever the children.
      const windows = new Map<string, WindowState | undefined>();
      const windowOf = (activity: Activity) => (day: CalendarDay) => {
        const key = `${activity.id}:${day}`;
        if (!windows.has(key)) {
          windows.set(key, dayStatus(day, activity, calendar).open ? changeWindow(activity.rules, 'booking', day, now, options) : undefined);
        }
        return windows.get(key);
      };

      return members
        .filter((member) => member.role === 'child')
        .map((child) => {
          const mine = current.filter((registration) => registration.memberId === child.id);
          const candidates: { day: CalendarDay; window: WindowState }[] = [];
          for (const registration of mine) {
            const activity = byId.get(registration.activityId);
            if (!activity) continue;
            const from = registration.startsOn > today ? registration.startsOn : today;
            const to = registration.endsOn < horizonEnd ? registration.endsOn : horizonEnd;
            const first = firstOpenWindow(from, to, windowOf(activity));
            if (first) candidates.push(first);
          }
          const next = nextDeadline(candidates);
          return {
            memberId: child.id,
            firstName: child.firstName,
            lastName: child.lastName,
            registered: mine.length > 0,
            thisWeek: { week: thisWeek, booked: count(child.id, thisWeek, 'booked'), waiting: count(child.id, thisWeek, 'waiting') },
            nextWeek: { week: nextWeek, booked: count(child.id, nextWeek, 'booked'), waiting: count(child.id, nextWeek, 'waiting') },
            ...(next ? { nextDeadline: next } : {}),
          };
        });
    },
  };
}

export type BookingService = ReturnType<typeof bookingService>;
