import { buildSheet, listedDays, markingRefusal, periodRefusal, type AttendanceStatus, type MarkingRefusal, type Sheet } from '../../domain/attendance-sheet.ts';
import { isoWeekOf, mondayOf, type IsoWeek } from '../../domain/booking-grid.ts';
import { addDays, type CalendarDay } from '../../domain/calendar/calendar-day.ts';
import type { DayStatus } from '../../domain/calendar/closed-days.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { ForbiddenError, NotFoundError } from '../../domain/errors.ts';
import { refused } from '../../domain/refusals.ts';
import type { Activity } from '../../data/activity-repository.ts';
import type { AttendanceLine } from '../../data/attendance-repository.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import type { CalendarService } from './calendar-service.ts';

/** The canteen: the activity whose bookings are the meals to cook (the same code in every commune file). */
export const CANTEEN_ACTIVITY_CODE = 'restauration';
/** A CSV export covers at most a school year's worth of days. */
export const EXPORT_MAX_DAYS = 366;
/** The meal counts page lists at most about three months, one row per day. */
export const MEALS_MAX_DAYS = 93;

/** A child with a validated registration covering the day, who could be added present without booking. */
export interface SheetCandidate {
  memberId: number;
  firstName: string;
  lastName: string;
  familyName: string;
  familyReference: string;
  waiting: boolean;
}

export interface AttendanceSheet extends Sheet<AttendanceLine> {
  activity: Activity;
  day: CalendarDay;
  status: DayStatus;
  /** Why this day cannot be marked; undefined when it can. */
  refusal: MarkingRefusal | undefined;
  candidates: SheetCandidate[];
}

export interface MarkOutcome {
  /** Marks written (new or changed); the same mark sent again changes nothing. */
  changed: number;
  present: number;
  absent: number;
}

/** The meal counts asked for: a period, or a week (the current one when none is given). */
export type MealPeriod = { from: CalendarDay; to: CalendarDay } | { week?: IsoWeek | undefined };

export interface MealDay {
  day: CalendarDay;
  status: DayStatus;
  booked: number;
  withPai: number;
  withAllergies: number;
}

/** Attendance sheets, markings with their audit, exports and meal counts (DESIGN §8). */
export function attendanceService(repositories: Repositories, clock: Clock, calendars: CalendarService) {
  const { db, activities, attendance, registrations, audit } = repositories;

  async function requireActivity(commune: Commune, code: string): Promise<Activity> {
    const activity = await activities.findByCode(commune.id, code);
    if (!activity) throw new NotFoundError(`no activity ${code} in commune ${commune.id}`);
    return activity;
  }

  function requireOwnStaff(commune: Commune, staff: User) {
    // The tenant middleware already makes another commune's agent anonymous here; this keeps the
    // service safe whoever calls it.
    if (staff.communeId !== commune.id || staff.role === 'parent') throw new ForbiddenError(`user ${staff.id} is not staff of commune ${commune.id}`);
  }

  function refuseIfClosed(commune: Commune, activity: Activity, day: CalendarDay) {
    const refusal = markingRefusal(day, parisDay(clock.now()), calendars.dayStatus(commune, activity, day));
    if (refusal) throw refused([{ field: 'jour', refusal: { code: 'attendance_marking', refusal } }]);
  }

  function refuseLongPeriod(from: CalendarDay, to: CalendarDay, maxDays: number) {
    const refusal = periodRefusal(from, to, maxDays);
    if (refusal) throw refused([{ field: 'du', refusal: { code: 'attendance_period', refusal } }]);
  }

  async function writeMark(
    trx: Transaction,
    commune: Commune,
    staff: User,
    activity: Activity,
    day: CalendarDay,
    mark: { memberId: number; familyId: number; status: AttendanceStatus },
    before: { attendance: AttendanceStatus | null; booked: boolean },
  ) {
    const at = clock.now();
    await attendance.upsert(commune.id, activity.id, day, { ...mark, by: staff.id, at }, trx);
    await audit.record(
      commune.id,
      {
        staffId: staff.id,
        occurredAt: at,
        action: 'attendance_marked',
        entity: 'member',
        entityId: mark.memberId,
        familyId: mark.familyId,
        before: { activity: activity.code, day, booked: before.booked, presence: before.attendance },
        after: { activity: activity.code, day, booked: before.booked, presence: mark.status },
      },
      trx,
    );
  }

  return {
    listActivities(commune: Commune) {
      return activities.listActive(commune.id);
    },

    /** A day's sheet (today's when no day is given): booked children with their marks, the waiting list, who else could be added. */
    async sheet(commune: Commune, activityCode: string, asked?: CalendarDay): Promise<AttendanceSheet> {
      const today = parisDay(clock.now());
      const day = asked ?? today;
      const activity = await requireActivity(commune, activityCode);
      const [lines, registered] = await Promise.all([
        attendance.listLines(commune.id, activity.id, day, day),
        registrations.validatedOn(commune.id, activity.id, day),
      ]);
      const status = calendars.dayStatus(commune, activity, day);
      const sheet = buildSheet(lines);
      const onSheet = new Set(sheet.marked.map((line) => line.memberId));
      const waiting = new Set(sheet.waiting.map((line) => line.memberId));
      // A child registered twice over the day (two periods meeting) is one candidate.
      const candidates = [...new Map(registered.map((registration) => [registration.memberId, registration])).values()]
        .filter((registration) => !onSheet.has(registration.memberId))
        .map((registration) => ({
          memberId: registration.memberId,
          firstName: registration.childFirstName,
          lastName: registration.childLastName,
          familyName: registration.familyName,
          familyReference: registration.familyReference,
          waiting: waiting.has(registration.memberId),
        }));
      return { ...sheet, activity, day, status, refusal: markingRefusal(day, today, status), candidates };
    },

    /**
     * Saves a sheet's marks in one transaction: every child must be on the day's sheet (booked, or
     * already marked without a booking), or nothing is written. Each changed mark is audited.
     */
    async mark(
      commune: Commune,
      staff: User,
      activityCode: string,
      day: CalendarDay,
      marks: { memberId: number; status: AttendanceStatus }[],
    ): Promise<MarkOutcome> {
      requireOwnStaff(commune, staff);
      const activity = await requireActivity(commune, activityCode);
      refuseIfClosed(commune, activity, day);
      return db.transaction(async (trx) => {
        await attendance.lockSheet(commune.id, activity.id, day, trx);
        const { marked } = buildSheet(await attendance.listLines(commune.id, activity.id, day, day, trx));
        const byMember = new Map(marked.map((line) => [line.memberId, line]));
        // An id of another family's child, of another commune or of a child not on the sheet alike.
        if (marks.some((mark) => !byMember.has(mark.memberId))) {
          throw refused([{ field: 'pointage', refusal: { code: 'attendance_child_not_on_sheet' } }]);
        }
        let changed = 0;
        for (const mark of marks) {
          const line = byMember.get(mark.memberId)!;
          if (line.attendance === mark.status) continue;
          await writeMark(trx, commune, staff, activity, day, { memberId: line.memberId, familyId: line.familyId, status: mark.status }, {
            attendance: line.attendance,
            booked: line.bookingStatus === 'booked',
          });
          changed += 1;
        }
        return {
          changed,
          present: marks.filter((mark) => mark.status === 'present').length,
          absent: marks.filter((mark) => mark.status === 'absent').length,
        };
      });
    },

    /**
     * Marks present a child who came without a booking: only a child with a validated registration
     * to the activity covering the day, and not booked that day (a booked child is marked in the
     * list). Sent twice, the second changes nothing.
     */
    async addPresentWithoutBooking(commune: Commune, staff: User, activityCode: string, day: CalendarDay, memberId: number): Promise<{ name: string; changed: boolean }> {
      requireOwnStaff(commune, staff);
      const activity = await requireActivity(commune, activityCode);
      refuseIfClosed(commune, activity, day);
      return db.transaction(async (trx) => {
        await attendance.lockSheet(commune.id, activity.id, day, trx);
        // One after another: the queries of a transaction share its one connection.
        const lines = await attendance.listLines(commune.id, activity.id, day, day, trx);
        const registered = await registrations.validatedOn(commune.id, activity.id, day, trx);
        const registration = registered.find((candidate) => candidate.memberId === memberId);
        if (!registration) {
          throw refused([{ field: 'enfant', refusal: { code: 'attendance_child_not_registered', activityName: activity.name } }]);
        }
        const line = lines.find((candidate) => candidate.memberId === memberId);
        if (line?.bookingStatus === 'booked') {
          throw refused([{ field: 'enfant', refusal: { code: 'attendance_child_booked', childName: registration.childName } }]);
        }
        if (line?.attendance === 'present') return { name: registration.childName, changed: false };
        await writeMark(trx, commune, staff, activity, day, { memberId, familyId: registration.familyId, status: 'present' }, {
          attendance: line?.attendance ?? null,
          booked: false,
        });
        return { name: registration.childName, changed: true };
      });
    },

    /** The lines of an activity over a period (today when no day is given), for the CSV export. */
    async exportLines(
      commune: Commune,
      activityCode: string,
      asked: { from?: CalendarDay | undefined; to?: CalendarDay | undefined },
    ): Promise<{ activity: Activity; from: CalendarDay; to: CalendarDay; lines: AttendanceLine[] }> {
      const from = asked.from ?? parisDay(clock.now());
      const to = asked.to ?? from;
      refuseLongPeriod(from, to, EXPORT_MAX_DAYS);
      const activity = await requireActivity(commune, activityCode);
      return { activity, from, to, lines: await attendance.listLines(commune.id, activity.id, from, to) };
    },

    /**
     * Meals to cook per day: the canteen's booked places, with how many of those children have a
     * PAI or declared allergies; every listed day of the period (or of the week, this week when
     * none is given), closed ones with why. Two queries, whatever the length of the period.
     */
    async mealCounts(
      commune: Commune,
      asked: MealPeriod,
    ): Promise<{ activity: Activity | undefined; days: MealDay[]; week: IsoWeek; period?: { from: CalendarDay; to: CalendarDay } }> {
      const period = 'from' in asked ? { from: asked.from, to: asked.to } : undefined;
      const week = period ? isoWeekOf(period.from) : ('week' in asked && asked.week) || isoWeekOf(parisDay(clock.now()));
      const { from, to } = period ?? { from: mondayOf(week), to: addDays(mondayOf(week), 6) };
      refuseLongPeriod(from, to, MEALS_MAX_DAYS);
      const found = { week, ...(period ? { period } : {}) };
      const activity = await activities.findByCode(commune.id, CANTEEN_ACTIVITY_CODE);
      if (!activity) return { activity, days: [], ...found };
      const counts = new Map((await attendance.bookedCountsByDay(commune.id, activity.id, from, to)).map((count) => [count.day, count]));
      return {
        activity,
        ...found,
        days: listedDays(from, to, activity.days).map((day) => ({
          day,
          status: calendars.dayStatus(commune, activity, day),
          booked: counts.get(day)?.booked ?? 0,
          withPai: counts.get(day)?.withPai ?? 0,
          withAllergies: counts.get(day)?.withAllergies ?? 0,
        })),
      };
    },
  };
}

export type AttendanceService = ReturnType<typeof attendanceService>;
