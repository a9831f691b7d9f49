import { communeCalendar, dayStatus, type CommuneCalendar, type DayStatus } from '../../domain/calendar/closed-days.ts';
import { addDays, type CalendarDay } from '../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { SchoolHolidaysFile } from '../../domain/calendar/school-holidays.ts';
import type { Clock } from '../../domain/clock.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Activity } from '../../data/activity-repository.ts';

export interface SchoolYearPeriod {
  name: string;
  startsOn: CalendarDay;
  /** The last day of class: the day before the summer holidays. */
  endsOn: CalendarDay;
}

/** Each commune's calendar (zone, corrections, closures), built once from the shipped school-holiday data. */
export function calendarService(schoolHolidays: SchoolHolidaysFile, clock: Clock) {
  const cache = new Map<string, CommuneCalendar>();

  function calendarOf(commune: Commune): CommuneCalendar {
    // The settings can change when the seed file is applied again: key on their content.
    const key = `${commune.id}:${JSON.stringify([commune.holidayZone, commune.settings.holidayCorrections, commune.settings.closureDays])}`;
    let calendar = cache.get(key);
    if (!calendar) {
      calendar = communeCalendar(schoolHolidays, {
        holidayZone: commune.holidayZone,
        holidayCorrections: commune.settings.holidayCorrections,
        closureDays: commune.settings.closureDays,
      });
      cache.set(key, calendar);
    }
    return calendar;
  }

  return {
    calendarOf,

    /** Today in Paris, for pages that default to it. */
    today(): CalendarDay {
      return parisDay(clock.now());
    },

    dayStatus(commune: Commune, activity: Pick<Activity, 'kind' | 'days'>, day: CalendarDay): DayStatus {
      return dayStatus(day, activity, calendarOf(commune));
    },

    /** The school years a parent can register for: the current one and the next once published. */
    openSchoolYears(commune: Commune): SchoolYearPeriod[] {
      const today = parisDay(clock.now());
      return calendarOf(commune)
        .school.years.map((year) => ({
          name: year.name,
          startsOn: year.firstDay,
          endsOn: year.summer ? addDays(year.summer.from, -1) : year.knownUntil,
        }))
        .filter((year) => year.endsOn >= today);
    },
  };
}

export type CalendarService = ReturnType<typeof calendarService>;
