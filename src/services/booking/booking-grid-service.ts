import { bookingFactsCache, firstBookableDay } from '../../domain/booking-deadlines.ts';
import {
  cellOf,
  gridColumns,
  isoWeekOf,
  mondayOf,
  nextDeadline,
  shiftWeek,
  weekDays,
  weekDeadline,
  type Cell,
  type IsoWeek,
  type WeekDeadline,
} from '../../domain/booking-grid.ts';
import type { WindowState } from '../../domain/booking-window.ts';
import { addDays, dayNumber, dayOfNumber, type CalendarDay } from '../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Activity } from '../../data/activity-repository.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Member } from '../../data/family-repository.ts';
import type { Registration } from '../../model/registration.ts';
import type { Repositories } from '../../data/index.ts';
import { cellFacts, cellKey, requireChild, windowOptions, type CellKey } from './booking-steps.ts';
import type { CalendarService } from './calendar-service.ts';

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

export interface FamilyBookingSummary {
  now: Date;
  children: ChildBookingSummary[];
  /**
   * What it read of the family — every registration (any status) and the activities of those
   * validated or pending — for the dashboard's other sections (the documents asked), read once.
   */
  read: FamilyReads;
}

/** A family's records one page reads for several sections. */
export interface FamilyReads {
  members: Member[];
  registrations: Registration[];
  activities: Activity[];
}

/** How far ahead the dashboard looks for the next deadline. */
const DEADLINE_LOOKAHEAD_DAYS = 28;

/**
 * The weekly grid and the family's booking summary, read only (DESIGN §7 Weekly grid): a fixed
 * number of queries per page whatever the rows, and the Paris-time reckoning done once per activity
 * and day. Changing the week is `week-change-service`'s.
 */
export function bookingGridService(repositories: Repositories, clock: Clock, calendars: CalendarService) {
  const { families, registrations, activities, bookings } = repositories;
  const bookingFacts = bookingFactsCache();

  return {
    /**
     * One child's week: rows are the activities of the child's validated registrations covering
     * the week (and any activity the child still holds a place in), columns the days. Five queries
     * whatever the number of rows: child, registrations, bookings, activities, places.
     *
     * Without a week the grid opens on next week: it is the week the parent can still change on
     * most days (a weekly rule such as Échirolles' « jeudi 11h pour la semaine suivante » has
     * already closed the current week), and the one the Thursday-morning rush is about.
     */
    async weekGrid(commune: Commune, familyId: number, memberId: number, asked?: IsoWeek): Promise<WeekGrid> {
      const now = clock.now();
      const week = asked ?? shiftWeek(isoWeekOf(parisDay(now)), 1);
      const child = await requireChild(families, commune.id, familyId, memberId);
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
          const facts = cellFacts(calendar, activity, day, covering, byKey.get(key), now);
          if (facts.registered && facts.dayStatus.open) windows.push(facts.bookingWindow);
          return { key, ...cellOf({ ...facts, full: fullKeys.has(key) }) };
        }),
      }));
      return { child, week, days, rows, deadline: weekDeadline(windows, now), now };
    },

    /**
     * Per child of the family: this week's and next week's places, and the next deadline to book
     * (the dashboard and `/reservations`). Four queries side by side, whatever the number of children;
     * three when the caller already read the family's members (the dashboard, for its own section).
     */
    async familySummary(commune: Commune, familyId: number, knownMembers?: Member[]): Promise<FamilyBookingSummary> {
      const now = clock.now();
      const today = parisDay(now);
      const thisWeek = isoWeekOf(today);
      const nextWeek = shiftWeek(thisWeek, 1);
      const from = mondayOf(thisWeek);
      const to = addDays(mondayOf(nextWeek), 6);
      const horizonEnd = addDays(today, DEADLINE_LOOKAHEAD_DAYS - 1);
      const [members, all, live, registered] = await Promise.all([
        knownMembers ?? families.listMembers(commune.id, familyId),
        registrations.listForFamily(commune.id, familyId),
        bookings.listLiveForFamily(commune.id, familyId, from, to),
        activities.listRegisteredByFamily(commune.id, familyId, ['validated', 'pending']),
      ]);
      const current = all.filter((registration) => registration.status === 'validated' && registration.endsOn >= today && registration.startsOn <= horizonEnd);
      const calendar = calendars.calendarOf(commune);
      const options = windowOptions(calendar);
      const count = (memberId: number, week: IsoWeek, status: 'booked' | 'waiting') =>
        live.filter((booking) => booking.memberId === memberId && booking.status === status && isoWeekOf(booking.day) === week).length;
      // The Paris-time reckoning of a day is the same for every family: kept per commune and activity.
      const factsOf = new Map(registered.map((activity) => [activity.id, bookingFacts(calendar, options, activity)]));
      const todayNumber = dayNumber(today);
      const horizonEndNumber = todayNumber + DEADLINE_LOOKAHEAD_DAYS - 1;

      const children = members
        .filter((member) => member.role === 'child')
        .map((child) => {
          const mine = current.filter((registration) => registration.memberId === child.id);
          const candidates: { day: CalendarDay; window: WindowState }[] = [];
          for (const registration of mine) {
            const facts = factsOf.get(registration.activityId);
            if (!facts) continue;
            const from = Math.max(dayNumber(registration.startsOn), todayNumber);
            const to = Math.min(dayNumber(registration.endsOn), horizonEndNumber);
            const first = firstBookableDay(from, to, now.getTime(), facts);
            if (first) candidates.push({ day: dayOfNumber(first.day), window: { open: true, deadline: new Date(first.deadline) } });
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
      return { now, children, read: { members, registrations: all, activities: registered } };
    },
  };
}

export type BookingGridService = ReturnType<typeof bookingGridService>;
