import { describe, expect, it } from 'vitest';
import { addWorkingHours } from '../../src/domain/working-hours.ts';
import { formatDateTime } from '../../src/i18n/format.ts';

const paris = (local: string, offset: '+01:00' | '+02:00') => new Date(`${local}${offset}`);

describe('addWorkingHours (48 working hours, Monday–Friday, public holidays excluded, Europe/Paris)', () => {
  it.each([
    ['Friday 16:00 → Tuesday 16:00', paris('2026-11-20T16:00', '+01:00'), 'mardi 24 novembre 2026 à 16h00'],
    ['Monday 09:30 → Wednesday 09:30', paris('2026-11-23T09:30', '+01:00'), 'mercredi 25 novembre 2026 à 09h30'],
    ['Wednesday 10:00 before Ascension → Monday 10:00', paris('2026-05-13T10:00', '+02:00'), 'lundi 18 mai 2026 à 10h00'],
    ['Thursday before Easter Monday → Tuesday', paris('2026-04-02T15:00', '+02:00'), 'mardi 7 avril 2026 à 15h00'],
    ['Friday before Whit Monday → Wednesday', paris('2026-05-22T11:00', '+02:00'), 'mercredi 27 mai 2026 à 11h00'],
    ['on Armistice day (a Wednesday), counting from Thursday', paris('2026-11-11T10:00', '+01:00'), 'samedi 14 novembre 2026 à 00h00'],
    ['Friday before the spring daylight-saving weekend', paris('2026-03-27T16:00', '+01:00'), 'mardi 31 mars 2026 à 16h00'],
    ['Friday before the autumn daylight-saving weekend', paris('2026-10-23T16:00', '+02:00'), 'mardi 27 octobre 2026 à 16h00'],
    ['at night, Tuesday 23:45 → Thursday 23:45', paris('2026-11-24T23:45', '+01:00'), 'jeudi 26 novembre 2026 à 23h45'],
    ['on a Sunday, counting from Monday 00:00', paris('2026-11-22T14:00', '+01:00'), 'mercredi 25 novembre 2026 à 00h00'],
    ['on Saturday night after Christmas Friday', paris('2026-12-26T23:00', '+01:00'), 'mercredi 30 décembre 2026 à 00h00'],
    ['across New Year: Thursday 31 December 12:00', paris('2026-12-31T12:00', '+01:00'), 'mardi 5 janvier 2027 à 12h00'],
  ])('%s', (_label, start, expected) => {
    expect(formatDateTime(addWorkingHours(start, 48))).toBe(expected);
  });

  it('gives the same instant whatever the time zone of the server', () => {
    const start = paris('2026-03-27T16:00', '+01:00');
    const original = process.env.TZ;
    const answers = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Europe/Paris'].map((zone) => {
      process.env.TZ = zone;
      return addWorkingHours(start, 48).toISOString();
    });
    process.env.TZ = original;
    expect(new Set(answers)).toEqual(new Set(['2026-03-31T14:00:00.000Z']));
  });

  it('counts Alsace-Moselle holidays only when asked', () => {
    // Good Friday 3 April 2026 is a holiday in Alsace-Moselle only.
    const start = paris('2026-04-02T12:00', '+02:00');
    expect(formatDateTime(addWorkingHours(start, 24))).toBe('vendredi 3 avril 2026 à 12h00');
    expect(formatDateTime(addWorkingHours(start, 24, { alsaceMoselle: true }))).toBe('mardi 7 avril 2026 à 12h00');
  });
});
