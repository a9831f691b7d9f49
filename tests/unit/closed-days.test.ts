import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCommuneFile } from '../../src/config/commune-file.ts';
import { communeCalendar, dayStatus as statusOf, type ActivityDays } from '../../src/domain/calendar/closed-days.ts';
import { parseSchoolHolidays } from '../../src/domain/calendar/school-holidays.ts';
import { closedDayWords } from '../../src/i18n/booking-words.ts';

const readJson = (file: string) => JSON.parse(fs.readFileSync(path.resolve(file), 'utf8'));
const data = parseSchoolHolidays(readJson('seeds/calendar/school-holidays.json'));

const schoolDays: ActivityDays = { kind: 'school_day', days: ['lundi', 'mardi', 'jeudi', 'vendredi'] };
const wednesdays: ActivityDays = { kind: 'wednesday', days: ['mercredi'] };
const holidayCentre: ActivityDays = { kind: 'holidays', days: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'] };

// Échirolles is in zone A; the closure day falls on the Friday after Ascension 2027.
const echirolles = communeCalendar(data, {
  holidayZone: 'A',
  closureDays: [{ date: '2027-05-07', reason: "pont de l'Ascension" }],
});
const mesnil = communeCalendar(data, { holidayZone: 'C' });

const closed = (reason: string, label: string) => ({ open: false, reason, label });

/** The status with the words the pages and mails show for a closed day. */
function dayStatus(...args: Parameters<typeof statusOf>) {
  const status = statusOf(...args);
  return status.open ? status : { open: false, reason: status.reason, label: closedDayWords(status) };
}
const open = { open: true };

describe('dayStatus', () => {
  describe('a school-day activity (restauration, Monday, Tuesday, Thursday, Friday) in zone A', () => {
    it.each([
      ['an ordinary Tuesday', '2026-11-24', open],
      ['a Saturday', '2026-11-21', closed('weekend', 'Week-end')],
      ['a Sunday', '2026-11-22', closed('weekend', 'Week-end')],
      ['a Wednesday, not one of its days', '2026-11-25', closed('jour_sans_activite', "Pas d'accueil ce jour-là")],
      ['Ascension Thursday', '2026-05-14', closed('jour_ferie', 'Jour férié : Ascension')],
      ['Whit Monday', '2026-05-25', closed('jour_ferie', 'Jour férié : Lundi de Pentecôte')],
      ['Easter Monday, inside the zone-A spring holidays', '2026-04-06', closed('jour_ferie', 'Jour férié : Lundi de Pâques')],
      ['a Tuesday of the Toussaint holidays', '2026-10-20', closed('vacances', 'Vacances de la Toussaint')],
      ['the Friday of the Ascension bridge', '2026-05-15', closed('vacances', "Pont de l'Ascension")],
      ['a zone-A winter holiday day', '2026-02-10', closed('vacances', "Vacances d'hiver")],
      ['a summer day', '2026-07-07', closed('vacances', "Vacances d'été")],
      ['the first day of the 2026 rentrée', '2026-09-01', open],
      ['a commune closure day', '2027-05-07', closed('fermeture', "Fermeture : pont de l'Ascension")],
      ['Toussaint 2027, a Monday beyond the data: still a public holiday', '2027-11-01', closed('jour_ferie', 'Jour férié : Toussaint')],
      ['a Monday beyond the school-holiday data', '2027-09-06', closed('calendrier_inconnu', 'Calendrier scolaire pas encore publié')],
    ])('%s (%s)', (_label, day, expected) => {
      expect(dayStatus(day, schoolDays, echirolles)).toEqual(expected);
    });
  });

  describe('a Wednesday activity in zone A', () => {
    it.each([
      ['an ordinary Wednesday', '2026-11-25', open],
      ['a Thursday', '2026-11-26', closed('jour_sans_activite', "Pas d'accueil ce jour-là")],
      ['Armistice day, a Wednesday in 2026', '2026-11-11', closed('jour_ferie', 'Jour férié : Armistice 1918')],
      ['a Wednesday of the Toussaint holidays', '2026-10-21', closed('vacances', 'Vacances de la Toussaint')],
      ['a Wednesday of the summer', '2026-07-08', closed('vacances', "Vacances d'été")],
    ])('%s (%s)', (_label, day, expected) => {
      expect(dayStatus(day, wednesdays, echirolles)).toEqual(expected);
    });
  });

  describe('a holiday activity (accueil de loisirs) in zone A', () => {
    it.each([
      ['a Tuesday of the Toussaint holidays', '2026-10-20', open],
      ['a Wednesday of the summer', '2026-07-15', open],
      ['the Friday of the Ascension bridge', '2026-05-15', open],
      ['an ordinary school Tuesday', '2026-11-24', closed('hors_vacances', 'Hors vacances scolaires')],
      ['an ordinary school Wednesday', '2026-11-25', closed('hors_vacances', 'Hors vacances scolaires')],
      ['14 July, in the summer', '2026-07-14', closed('jour_ferie', 'Jour férié : Fête Nationale de la France')],
      ['a summer Saturday', '2026-07-11', closed('weekend', 'Week-end')],
      ['a day beyond the data', '2027-09-06', closed('calendrier_inconnu', 'Calendrier scolaire pas encore publié')],
    ])('%s (%s)', (_label, day, expected) => {
      expect(dayStatus(day, holidayCentre, echirolles)).toEqual(expected);
    });

    it('opens on a Saturday when the activity lists Saturday', () => {
      const withSaturday: ActivityDays = { ...holidayCentre, days: [...holidayCentre.days, 'samedi'] };
      expect(dayStatus('2026-07-11', withSaturday, echirolles)).toEqual(open);
      expect(dayStatus('2026-07-12', withSaturday, echirolles)).toEqual(closed('weekend', 'Week-end'));
    });
  });

  describe('zone A against zone C in 2025-2026', () => {
    it.each([
      ['zone-A winter holidays', '2026-02-10', closed('vacances', "Vacances d'hiver"), open],
      ['zone-C winter holidays', '2026-03-03', open, closed('vacances', "Vacances d'hiver")],
      ['zone-A spring holidays', '2026-04-14', closed('vacances', 'Vacances de printemps'), open],
      ['zone-C spring holidays', '2026-04-28', open, closed('vacances', 'Vacances de printemps')],
    ])('restauration during the %s (%s)', (_label, day, inA, inC) => {
      expect(dayStatus(day, schoolDays, echirolles)).toEqual(inA);
      expect(dayStatus(day, schoolDays, mesnil)).toEqual(inC);
    });

    it('opens the holiday centre of each zone in its own holidays only', () => {
      expect(dayStatus('2026-02-10', holidayCentre, echirolles)).toEqual(open);
      expect(dayStatus('2026-02-10', holidayCentre, mesnil)).toEqual(closed('hors_vacances', 'Hors vacances scolaires'));
    });
  });

  it("follows a commune's correction of a holiday period", () => {
    const corrected = communeCalendar(data, {
      holidayZone: 'A',
      holidayCorrections: [
        { schoolYear: '2026-2027', label: "Vacances d'hiver", from: '2027-02-06', until: '2027-02-21', reason: 'rectorat' },
      ],
    });
    expect(dayStatus('2027-02-08', schoolDays, corrected)).toEqual(closed('vacances', "Vacances d'hiver"));
    expect(dayStatus('2027-02-25', schoolDays, corrected)).toEqual(open);
    expect(dayStatus('2027-02-25', schoolDays, echirolles)).toEqual(closed('vacances', "Vacances d'hiver"));
  });

  it('counts Good Friday as a public holiday only in Alsace-Moselle', () => {
    const alsace = communeCalendar(data, { holidayZone: 'B' }, { alsaceMoselle: true });
    const elsewhere = communeCalendar(data, { holidayZone: 'B' });
    expect(dayStatus('2026-04-03', schoolDays, alsace)).toEqual(closed('jour_ferie', 'Jour férié : Vendredi saint'));
    expect(dayStatus('2026-04-03', schoolDays, elsewhere)).toEqual(open);
  });

  it('works with the shipped commune files as they are', () => {
    for (const file of ['echirolles', 'lemesnilsaintdenis', 'villennes']) {
      const commune = parseCommuneFile(`${file}.json`, readJson(`seeds/communes/${file}.json`));
      const calendar = communeCalendar(data, commune);
      const statuses = commune.activities.map((activity) => [activity.kind, dayStatus('2026-11-24', activity, calendar).open]);
      for (const [kind, isOpen] of statuses) expect(isOpen).toBe(kind === 'school_day');
    }
  });
});
