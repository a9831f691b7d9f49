import { frenchWeekdayOf, isoWeekdayOf, type CalendarDay, type FrenchWeekday } from './calendar-day.ts';
import { publicHolidayName, type HolidayOptions } from './public-holidays.ts';
import {
  schoolCalendar,
  type HolidayCorrection,
  type HolidayZone,
  type SchoolCalendar,
  type SchoolHolidaysFile,
} from './school-holidays.ts';

/**
 * Whether an activity takes children on a given day (DESIGN §7, Calendar).
 *
 * The checks run from the most general to the most particular, and the first that closes the day
 * names it: the activity's own weekdays, public holidays, the commune's closure days, then the
 * school calendar. A day the school-holiday data does not cover is closed with its own reason,
 * never treated as a school day.
 */

export type ActivityKind = 'school_day' | 'wednesday' | 'holidays';

export interface ActivityDays {
  kind: ActivityKind;
  /** Weekdays the activity runs on; a weekend day listed here is an open day for it. */
  days: readonly FrenchWeekday[];
}

export interface ClosureDay {
  date: CalendarDay;
  reason: string;
}

export interface CommuneCalendar {
  school: SchoolCalendar;
  closureDays: readonly ClosureDay[];
  publicHolidays?: HolidayOptions;
}

export type ClosedReason =
  | 'weekend'
  | 'jour_ferie'
  | 'vacances'
  | 'hors_vacances'
  | 'fermeture'
  | 'jour_sans_activite'
  | 'calendrier_inconnu';

/**
 * A closed day and why, as a code; `name` is the data that names it: the public holiday
 * (« Ascension »), the commune's closure reason, the school-holiday period (« Vacances de Noël »).
 * `src/i18n` words it.
 */
export type ClosedDay = { open: false; reason: ClosedReason; name?: string };

export type DayStatus = { open: true } | ClosedDay;

/** The commune's calendar from the school-holiday data and the fields of its commune file. */
export function communeCalendar(
  data: SchoolHolidaysFile,
  commune: {
    holidayZone: HolidayZone;
    holidayCorrections?: readonly HolidayCorrection[];
    closureDays?: readonly ClosureDay[];
  },
  publicHolidays: HolidayOptions = {},
): CommuneCalendar {
  return {
    school: schoolCalendar(data, commune.holidayZone, commune.holidayCorrections ?? []),
    closureDays: commune.closureDays ?? [],
    publicHolidays,
  };
}

export function dayStatus(day: CalendarDay, activity: ActivityDays, calendar: CommuneCalendar): DayStatus {
  if (!activity.days.includes(frenchWeekdayOf(day))) {
    return isoWeekdayOf(day) >= 6
      ? { open: false, reason: 'weekend' }
      : { open: false, reason: 'jour_sans_activite' };
  }

  const holiday = publicHolidayName(day, calendar.publicHolidays);
  if (holiday) return { open: false, reason: 'jour_ferie', name: holiday };

  const closure = calendar.closureDays.find((closureDay) => closureDay.date === day);
  if (closure) return { open: false, reason: 'fermeture', name: closure.reason };

  const school = calendar.school.dayInfo(day);
  if (school.kind === 'unknown') {
    return { open: false, reason: 'calendrier_inconnu' };
  }
  if (activity.kind === 'holidays') {
    return school.kind === 'holiday'
      ? { open: true }
      : { open: false, reason: 'hors_vacances' };
  }
  return school.kind === 'holiday' ? { open: false, reason: 'vacances', name: school.period.label } : { open: true };
}
