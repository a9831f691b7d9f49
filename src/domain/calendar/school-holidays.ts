import { z } from 'zod';
import { DomainError } from '../errors.ts';
import { addDays, assertCalendarDay, type CalendarDay } from './calendar-day.ts';

/**
 * School holidays (DESIGN §7), from `seeds/calendar/school-holidays.json` and the commune's
 * corrections. Load-free: the caller reads and parses the file and hands the data in.
 *
 * In the data, `from` is the first day without class and `until` the last one, both included.
 */

export const HOLIDAY_ZONES = ['A', 'B', 'C'] as const;
export type HolidayZone = (typeof HOLIDAY_ZONES)[number];

/** The one period every school year must end with; found by its label. */
export const SUMMER_LABEL = "Vacances d'été";

const isoDate = z.iso.date();
const schoolYearName = z.string().regex(/^\d{4}-\d{4}$/, 'année scolaire attendue au format 2026-2027');

const periodSchema = z
  .object({
    label: z.string().min(1),
    zones: z.array(z.enum(HOLIDAY_ZONES)).min(1),
    from: isoDate,
    until: isoDate,
    resume: isoDate,
    confirmed: z.boolean(),
  })
  .strict()
  .refine((period) => period.from <= period.until, { path: ['until'], message: '« until » est avant « from »' })
  .refine((period) => period.resume > period.until, { path: ['resume'], message: '« resume » doit suivre « until »' });

export const schoolHolidaysFileSchema = z
  .object({
    about: z.string().min(1),
    sources: z.array(z.string().min(1)).min(1),
    schoolYears: z.record(
      schoolYearName,
      z.object({ firstDay: isoDate, periods: z.array(periodSchema) }).strict(),
    ),
  })
  .strict()
  .superRefine((file, ctx) => {
    const names = Object.keys(file.schoolYears).sort();
    if (names.length === 0) ctx.addIssue({ code: 'custom', path: ['schoolYears'], message: 'aucune année scolaire' });
    names.forEach((name, index) => {
      const [start, end] = name.split('-').map(Number) as [number, number];
      if (end !== start + 1) {
        ctx.addIssue({ code: 'custom', path: ['schoolYears', name], message: 'les deux années doivent se suivre' });
      }
      if (!file.schoolYears[name]!.firstDay.startsWith(`${start}-`)) {
        ctx.addIssue({ code: 'custom', path: ['schoolYears', name, 'firstDay'], message: `rentrée attendue en ${start}` });
      }
      // A missing year in the middle would silently stretch the previous one over it.
      const previous = names[index - 1];
      if (previous && Number(previous.slice(0, 4)) !== start - 1) {
        ctx.addIssue({ code: 'custom', path: ['schoolYears', name], message: `année manquante avant ${name}` });
      }
    });
  });

export type SchoolHolidaysFile = z.infer<typeof schoolHolidaysFileSchema>;

/** A commune's correction (commune file, `holidayCorrections`). */
export interface HolidayCorrection {
  schoolYear: string;
  label: string;
  from: CalendarDay;
  until: CalendarDay;
  reason: string;
}

export interface HolidayPeriod {
  schoolYear: string;
  label: string;
  /** First and last day without class, both included, as they apply to the commune. */
  from: CalendarDay;
  until: CalendarDay;
  /** False for dates no official source confirmed: the interface may say « dates à confirmer ». */
  confirmed: boolean;
  /** The commune's reason when its file corrected (or added) the period. */
  correction?: string;
}

export interface SchoolYear {
  name: string;
  firstDay: CalendarDay;
  periods: readonly HolidayPeriod[];
  summer: HolidayPeriod | undefined;
  /** Last day this calendar can answer for in this year; later days are unknown until the next year. */
  knownUntil: CalendarDay;
  /** Day before the next year's first day; undefined while the next year is not in the data. */
  lastDay: CalendarDay | undefined;
}

export type SchoolDayInfo =
  | { kind: 'unknown' }
  | { kind: 'school'; schoolYear: string }
  | { kind: 'holiday'; schoolYear: string; period: HolidayPeriod };

export interface SchoolCalendar {
  readonly zone: HolidayZone;
  readonly years: readonly SchoolYear[];
  /** Total answer, `unknown` included. */
  dayInfo(day: CalendarDay): SchoolDayInfo;
  /** The holiday period containing `day`, or undefined on a school day; throws UnknownSchoolCalendarError outside the data. */
  schoolHolidayOn(day: CalendarDay): HolidayPeriod | undefined;
  /** '2026-2027'; the summer belongs to the year it ends. Undefined outside the data. */
  schoolYearOf(day: CalendarDay): string | undefined;
  year(name: string): SchoolYear | undefined;
}

/** The data or a correction contradicts itself: a configuration error, to fix before starting. */
export class SchoolCalendarError extends Error {}

/** A day the school-holiday data does not cover: no rule may treat it as an ordinary school day. */
export class UnknownSchoolCalendarError extends DomainError {
  constructor(readonly day: CalendarDay) {
    super(`calendrier scolaire inconnu pour le ${day}`);
  }
}

/** Validates the parsed JSON of the school-holiday file, and that each zone's calendar holds together. */
export function parseSchoolHolidays(raw: unknown, fileName = 'school-holidays.json'): SchoolHolidaysFile {
  const result = schoolHolidaysFileSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map(
      (issue) => `${fileName}: ${issue.path.length ? issue.path.join('.') : '(racine)'}: ${issue.message}`,
    );
    throw new SchoolCalendarError(lines.join('\n'));
  }
  for (const zone of HOLIDAY_ZONES) {
    try {
      schoolCalendar(result.data, zone);
    } catch (error) {
      throw new SchoolCalendarError(`${fileName}: ${(error as Error).message}`);
    }
  }
  return result.data;
}

/**
 * The school calendar of one zone, corrected for one commune. A correction replaces the zone's
 * period with the same school year and label; one whose label matches nothing adds a period (how
 * a commune fills a period the national data lacks). A misspelt label therefore adds a second
 * period over the real one, which the overlap check below refuses.
 *
 * Summer: every year is expected to list its « Vacances d'été ». When the next year is known,
 * the summer runs until the day before the next `firstDay`, whatever its `until` says (no class
 * can happen before the rentrée). When a year lists no summer, the days after its last listed
 * period are unknown: the last day of class cannot be guessed (it has fallen on the first or the
 * second Saturday of July in recent years), and calling them school days or holidays would both be
 * wrong somewhere.
 */
export function schoolCalendar(
  data: SchoolHolidaysFile,
  zone: HolidayZone,
  corrections: readonly HolidayCorrection[] = [],
): SchoolCalendar {
  const names = Object.keys(data.schoolYears).sort();
  for (const correction of corrections) {
    if (!data.schoolYears[correction.schoolYear]) {
      throw new SchoolCalendarError(
        `correction « ${correction.label} » : année scolaire ${correction.schoolYear} absente des données`,
      );
    }
  }

  const years: SchoolYear[] = names.map((name, index) => {
    const year = data.schoolYears[name]!;
    const nextFirstDay = names[index + 1] ? data.schoolYears[names[index + 1]!]!.firstDay : undefined;
    const periods: HolidayPeriod[] = year.periods
      .filter((period) => period.zones.includes(zone))
      .map((period) => ({ schoolYear: name, label: period.label, from: period.from, until: period.until, confirmed: period.confirmed }));

    for (const correction of corrections.filter((c) => c.schoolYear === name)) {
      assertCalendarDay(correction.from);
      assertCalendarDay(correction.until);
      const corrected: HolidayPeriod = {
        schoolYear: name,
        label: correction.label,
        from: correction.from,
        until: correction.until,
        confirmed: true,
        correction: correction.reason,
      };
      const index = periods.findIndex((period) => period.label === correction.label);
      if (index >= 0) periods[index] = corrected;
      else periods.push(corrected);
    }
    periods.sort((a, b) => a.from.localeCompare(b.from));
    checkPeriods(name, zone, year.firstDay, nextFirstDay, periods);

    const summerIndex = periods.findIndex((period) => period.label === SUMMER_LABEL);
    if (summerIndex >= 0 && nextFirstDay) {
      periods[summerIndex] = { ...periods[summerIndex]!, until: addDays(nextFirstDay, -1) };
    }
    const summer = summerIndex >= 0 ? periods[summerIndex] : undefined;
    const lastDay = nextFirstDay ? addDays(nextFirstDay, -1) : undefined;
    const lastListed = periods.at(-1)?.until ?? addDays(year.firstDay, -1);
    return {
      name,
      firstDay: year.firstDay,
      periods,
      summer,
      knownUntil: summer ? summer.until : lastListed,
      lastDay,
    };
  });

  function yearContaining(day: CalendarDay): SchoolYear | undefined {
    assertCalendarDay(day);
    return years.find((year) => year.firstDay <= day && day <= (year.lastDay ?? year.knownUntil));
  }

  function dayInfo(day: CalendarDay): SchoolDayInfo {
    const year = yearContaining(day);
    if (!year || day > year.knownUntil) return { kind: 'unknown' };
    const period = year.periods.find((candidate) => candidate.from <= day && day <= candidate.until);
    return period ? { kind: 'holiday', schoolYear: year.name, period } : { kind: 'school', schoolYear: year.name };
  }

  return {
    zone,
    years,
    dayInfo,
    schoolHolidayOn(day) {
      const info = dayInfo(day);
      if (info.kind === 'unknown') throw new UnknownSchoolCalendarError(day);
      return info.kind === 'holiday' ? info.period : undefined;
    },
    schoolYearOf(day) {
      return yearContaining(day)?.name;
    },
    year(name) {
      return years.find((year) => year.name === name);
    },
  };
}

function checkPeriods(
  name: string,
  zone: HolidayZone,
  firstDay: CalendarDay,
  nextFirstDay: CalendarDay | undefined,
  periods: readonly HolidayPeriod[],
): void {
  const where = `${name}, zone ${zone}`;
  const labels = new Set<string>();
  periods.forEach((period, index) => {
    if (labels.has(period.label)) throw new SchoolCalendarError(`${where} : « ${period.label} » en double`);
    labels.add(period.label);
    if (period.from > period.until) {
      throw new SchoolCalendarError(`${where} : « ${period.label} » finit avant de commencer`);
    }
    if (period.from < firstDay) {
      throw new SchoolCalendarError(`${where} : « ${period.label} » commence avant la rentrée du ${firstDay}`);
    }
    if (nextFirstDay && period.until >= nextFirstDay) {
      throw new SchoolCalendarError(`${where} : « ${period.label} » déborde sur la rentrée du ${nextFirstDay}`);
    }
    if (period.label === SUMMER_LABEL && index !== periods.length - 1) {
      throw new SchoolCalendarError(`${where} : « ${SUMMER_LABEL} » doit être la dernière période de l'année`);
    }
    const previous = periods[index - 1];
    if (previous && period.from <= previous.until) {
      throw new SchoolCalendarError(`${where} : « ${period.label} » chevauche « ${previous.label} »`);
    }
  });
}
