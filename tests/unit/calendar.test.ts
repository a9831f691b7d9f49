import fs from 'node:fs';
import path from 'node:path';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { parseIsoWeek } from '../../src/domain/booking-grid.ts';
import { addDays, isoWeekdayOf, isoWeekParts, mondayOfIsoWeek } from '../../src/domain/calendar/calendar-day.ts';
import { publicHolidays } from '../../src/domain/calendar/public-holidays.ts';
import {
  parseSchoolHolidays,
  schoolCalendar,
  SchoolCalendarError,
  UnknownSchoolCalendarError,
  type SchoolHolidaysFile,
} from '../../src/domain/calendar/school-holidays.ts';

const raw = () => JSON.parse(fs.readFileSync(path.resolve('seeds/calendar/school-holidays.json'), 'utf8'));
const data = parseSchoolHolidays(raw());
const zoneA = schoolCalendar(data, 'A');
const zoneC = schoolCalendar(data, 'C');

const label = (calendar: typeof zoneA, day: string) => {
  const info = calendar.dayInfo(day);
  return info.kind === 'holiday' ? info.period.label : info.kind;
};

describe('publicHolidays of 2027 (2026 is in accounts-rules.test.ts)', () => {
  it('lists the eleven French public holidays, Ascension before 8 May', () => {
    expect([...publicHolidays(2027)]).toEqual([
      ['2027-01-01', 'Nouvel An'],
      ['2027-03-29', 'Lundi de Pâques'],
      ['2027-05-01', 'Fête du travail'],
      ['2027-05-06', 'Ascension'],
      ['2027-05-08', 'Fête de la Victoire 1945'],
      ['2027-05-17', 'Lundi de Pentecôte'],
      ['2027-07-14', 'Fête Nationale de la France'],
      ['2027-08-15', 'Assomption'],
      ['2027-11-01', 'Toussaint'],
      ['2027-11-11', 'Armistice 1918'],
      ['2027-12-25', 'Noël'],
    ]);
  });

  it('names the 2026 ones in French', () => {
    expect(publicHolidays(2026).get('2026-11-01')).toBe('Toussaint');
    expect(publicHolidays(2026).get('2026-05-25')).toBe('Lundi de Pentecôte');
  });
});

describe('the school calendar of a zone', () => {
  describe('zone A (Grenoble) and zone C (Versailles) in 2025-2026', () => {
    it.each([
      ['the first day of the Toussaint holidays, shared by all zones', '2025-10-18', 'Vacances de la Toussaint', 'Vacances de la Toussaint'],
      ['the Friday before, still a school day', '2025-10-17', 'school', 'school'],
      ['the last day without class (« until » is included)', '2025-11-02', 'Vacances de la Toussaint', 'Vacances de la Toussaint'],
      ['the morning classes resume', '2025-11-03', 'school', 'school'],
      ['zone A in its winter holidays, zone C at school', '2026-02-10', "Vacances d'hiver", 'school'],
      ['zone C in its winter holidays, zone A back at school', '2026-03-02', 'school', "Vacances d'hiver"],
      ['zone A in its spring holidays (Easter Monday)', '2026-04-06', 'Vacances de printemps', 'school'],
      ['zone C in its spring holidays', '2026-04-27', 'school', 'Vacances de printemps'],
      ['the Friday of the Ascension bridge', '2026-05-15', "Pont de l'Ascension", "Pont de l'Ascension"],
      ['the Monday after the bridge', '2026-05-18', 'school', 'school'],
    ])('%s (%s)', (_label, day, inA, inC) => {
      expect(label(zoneA, day)).toBe(inA);
      expect(label(zoneC, day)).toBe(inC);
    });
  });

  describe('summer', () => {
    it.each([
      ['the last day of class', '2026-07-03', 'school', '2025-2026'],
      ['the first Saturday of the summer', '2026-07-04', "Vacances d'été", '2025-2026'],
      ['mid-August, still the year that ends', '2026-08-15', "Vacances d'été", '2025-2026'],
      ['the day before the rentrée', '2026-08-31', "Vacances d'été", '2025-2026'],
      ['the rentrée starts the next school year', '2026-09-01', 'school', '2026-2027'],
      ['the summer of 2027, the last one in the data', '2027-08-20', "Vacances d'été", '2026-2027'],
    ])('%s (%s)', (_label, day, expected, year) => {
      expect(label(zoneA, day)).toBe(expected);
      expect(zoneA.schoolYearOf(day)).toBe(year);
    });

    it('runs the summer up to the next rentrée when the data stops it earlier', () => {
      const file = structuredClone(data) as SchoolHolidaysFile;
      file.schoolYears['2025-2026']!.periods.find((p) => p.label === "Vacances d'été")!.until = '2026-08-29';
      const calendar = schoolCalendar(file, 'A');
      expect(label(calendar, '2026-08-31')).toBe("Vacances d'été");
      expect(calendar.year('2025-2026')!.summer).toMatchObject({ from: '2026-07-04', until: '2026-08-31' });
    });

    it('reports the days after the last listed period as unknown when a year lists no summer', () => {
      const file = structuredClone(data) as SchoolHolidaysFile;
      const year = file.schoolYears['2025-2026']!;
      year.periods = year.periods.filter((p) => p.label !== "Vacances d'été");
      const calendar = schoolCalendar(file, 'A');
      // The last listed period is the Ascension bridge, which ends on Sunday 17 May.
      expect(label(calendar, '2026-05-13')).toBe('school');
      expect(label(calendar, '2026-05-18')).toBe('unknown');
      expect(label(calendar, '2026-06-15')).toBe('unknown');
      expect(label(calendar, '2026-08-31')).toBe('unknown');
      expect(calendar.schoolYearOf('2026-06-15')).toBe('2025-2026');
      expect(label(calendar, '2026-09-01')).toBe('school');
    });

    it('lets a commune supply the missing summer', () => {
      const file = structuredClone(data) as SchoolHolidaysFile;
      const year = file.schoolYears['2025-2026']!;
      year.periods = year.periods.filter((p) => p.label !== "Vacances d'été");
      const calendar = schoolCalendar(file, 'A', [
        { schoolYear: '2025-2026', label: "Vacances d'été", from: '2026-07-04', until: '2026-08-31', reason: 'arrêté rectoral' },
      ]);
      expect(label(calendar, '2026-06-15')).toBe('school');
      expect(label(calendar, '2026-07-10')).toBe("Vacances d'été");
    });
  });

  describe('days outside the data', () => {
    it.each([
      ['the summer before the first year', '2025-08-31'],
      ['the day after the last summer', '2027-09-02'],
      ['a later year', '2028-01-10'],
    ])('reports %s (%s) as unknown, never as a school day', (_label, day) => {
      expect(zoneA.dayInfo(day)).toEqual({ kind: 'unknown' });
      expect(zoneA.schoolYearOf(day)).toBeUndefined();
      expect(() => zoneA.schoolHolidayOn(day)).toThrow(UnknownSchoolCalendarError);
    });

    it('knows the last day of the last summer', () => {
      expect(zoneA.schoolHolidayOn('2027-09-01')?.label).toBe("Vacances d'été");
    });

    it('refuses a day that is not a calendar day', () => {
      expect(() => zoneA.dayInfo('2026-02-30')).toThrow(RangeError);
      expect(() => zoneA.dayInfo('10/02/2026')).toThrow(RangeError);
    });
  });

  describe('schoolHolidayOn', () => {
    it('answers undefined on a school day and the period on a holiday', () => {
      expect(zoneC.schoolHolidayOn('2026-02-10')).toBeUndefined();
      expect(zoneC.schoolHolidayOn('2026-03-02')).toEqual({
        schoolYear: '2025-2026',
        label: "Vacances d'hiver",
        from: '2026-02-21',
        until: '2026-03-08',
        confirmed: true,
      });
    });

    it('carries the « unconfirmed » mark of the zone-A dates of 2026-2027', () => {
      expect(zoneA.schoolHolidayOn('2027-02-15')).toMatchObject({ label: "Vacances d'hiver", confirmed: false });
      expect(zoneC.schoolHolidayOn('2027-02-15')).toMatchObject({ label: "Vacances d'hiver", confirmed: true });
    });
  });

  describe("a commune's corrections", () => {
    const corrected = schoolCalendar(data, 'A', [
      { schoolYear: '2026-2027', label: "Vacances d'hiver", from: '2027-02-06', until: '2027-02-21', reason: 'calendrier du rectorat de Grenoble' },
      { schoolYear: '2026-2027', label: "Pont de l'Ascension", from: '2027-05-07', until: '2027-05-09', reason: 'pont publié par le rectorat' },
    ]);

    it('replaces the period with the same school year and label', () => {
      expect(corrected.schoolHolidayOn('2027-02-08')).toEqual({
        schoolYear: '2026-2027',
        label: "Vacances d'hiver",
        from: '2027-02-06',
        until: '2027-02-21',
        confirmed: true,
        correction: 'calendrier du rectorat de Grenoble',
      });
      expect(corrected.schoolHolidayOn('2027-02-25')).toBeUndefined();
      expect(zoneA.schoolHolidayOn('2027-02-25')?.label).toBe("Vacances d'hiver");
    });

    it('adds a period the data lacks', () => {
      expect(corrected.schoolHolidayOn('2027-05-07')?.label).toBe("Pont de l'Ascension");
      expect(zoneA.schoolHolidayOn('2027-05-07')).toBeUndefined();
    });

    it.each([
      ['a misspelt label that lands on the real period', { schoolYear: '2026-2027', label: "Vacances d'hivers", from: '2027-02-13', until: '2027-02-28' }, /chevauche/],
      ['a school year not in the data', { schoolYear: '2027-2028', label: 'Vacances de la Toussaint', from: '2027-10-23', until: '2027-11-07' }, /absente des données/],
      ['a period ending before it starts', { schoolYear: '2026-2027', label: "Vacances d'hiver", from: '2027-02-28', until: '2027-02-13' }, /finit avant/],
      ['a period running into the next rentrée', { schoolYear: '2025-2026', label: "Vacances d'été", from: '2026-07-04', until: '2026-09-02' }, /déborde sur la rentrée/],
    ])('refuses %s', (_label, correction, message) => {
      expect(() => schoolCalendar(data, 'A', [{ ...correction, reason: 'test' }])).toThrow(SchoolCalendarError);
      expect(() => schoolCalendar(data, 'A', [{ ...correction, reason: 'test' }])).toThrow(message);
    });
  });
});

describe('parseSchoolHolidays', () => {
  it('accepts the shipped file, two school years', () => {
    expect(Object.keys(data.schoolYears)).toEqual(['2025-2026', '2026-2027']);
    expect(zoneA.years.map((year) => [year.name, year.firstDay, year.lastDay])).toEqual([
      ['2025-2026', '2025-09-01', '2026-08-31'],
      ['2026-2027', '2026-09-01', undefined],
    ]);
  });

  it.each([
    ['a period ending before it starts', (f: any) => (f.schoolYears['2025-2026'].periods[0].until = '2025-10-01'), /periods\.0\.until/],
    ['an unknown zone', (f: any) => (f.schoolYears['2025-2026'].periods[0].zones = ['D']), /periods\.0\.zones\.0/],
    ['a missing year in the middle', (f: any) => {
      f.schoolYears['2027-2028'] = { firstDay: '2027-09-01', periods: [] };
      delete f.schoolYears['2026-2027'];
    }, /année manquante/],
    ['a first day in the wrong year', (f: any) => (f.schoolYears['2026-2027'].firstDay = '2027-09-01'), /rentrée attendue en 2026/],
    ['two overlapping periods of one zone', (f: any) => (f.schoolYears['2025-2026'].periods[2].from = '2026-01-03'), /zone A.*chevauche/],
    ['a misspelt key', (f: any) => (f.schoolYears['2025-2026'].firstday = '2025-09-01'), /school-holidays\.json: schoolYears\.2025-2026/],
  ])('refuses %s, naming the field', (_label, breakIt, message) => {
    const file = raw();
    breakIt(file);
    expect(() => parseSchoolHolidays(file)).toThrow(SchoolCalendarError);
    expect(() => parseSchoolHolidays(file)).toThrow(message);
  });
});

describe('calendar-day arithmetic without time zones', () => {
  // Every day from 2020 to 2031 (leap years, 53-week years, both daylight-saving changes) against luxon.
  it('agrees with luxon in Europe/Paris on every day of twelve years', () => {
    let day = '2020-01-01';
    for (let count = 0; day < '2032-01-01'; count += 1) {
      const paris = DateTime.fromISO(day, { zone: 'Europe/Paris' });
      expect(isoWeekdayOf(day)).toBe(paris.weekday);
      expect(isoWeekParts(day)).toEqual({ weekYear: paris.weekYear, weekNumber: paris.weekNumber });
      const next = addDays(day, 1);
      expect(next).toBe(paris.plus({ days: 1 }).toISODate());
      expect(addDays(next, -1)).toBe(day);
      if (paris.weekday === 1) expect(mondayOfIsoWeek(paris.weekYear, paris.weekNumber)).toBe(day);
      day = next;
    }
  });

  it.each([['2026-02-29'], ['2026-13-01'], ['2026-00-10'], ['2026-1-01'], ['26-01-01'], [' 2026-01-01'], ['2026-01-01T00:00']])(
    'refuses %j',
    (input) => {
      expect(() => addDays(input, 1)).toThrow(RangeError);
      expect(() => isoWeekdayOf(input)).toThrow(RangeError);
    },
  );

  it.each([
    ['2026-W53', '2026-W53'],
    ['2027-W53', undefined],
    ['2026-W00', undefined],
    ['2026-W54', undefined],
    ['2020-W53', '2020-W53'],
    ['2026w5', '2026-W05'],
  ])('parseIsoWeek(%s) is %s', (input, expected) => {
    expect(parseIsoWeek(input)).toBe(expected);
  });
});
