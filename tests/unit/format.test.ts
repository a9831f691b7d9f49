import { describe, expect, it } from 'vitest';
import { formatAmount, formatDate, formatDateTime, formatDateWithoutYear } from '../../src/i18n/format.ts';
import { ageOn } from '../../src/web/presenters/family-presenter.ts';

describe('formatDate', () => {
  it.each([
    ['2026-11-26', 'jeudi 26 novembre 2026'],
    // Late evening UTC is already the next day in Paris.
    [new Date('2026-11-25T23:30:00Z'), 'jeudi 26 novembre 2026'],
    [new Date('2026-03-29T00:30:00Z'), 'dimanche 29 mars 2026'],
    ['2027-01-01', 'vendredi 1er janvier 2027'],
  ])('formats %s as « %s »', (input, expected) => {
    expect(formatDate(input)).toBe(expected);
  });

  it('writes the first of the month « 1er », with or without the year and the time', () => {
    expect(formatDate('2026-12-01')).toBe('mardi 1er décembre 2026');
    expect(formatDateWithoutYear('2026-12-01')).toBe('mardi 1er décembre');
    expect(formatDateWithoutYear('2026-11-30')).toBe('lundi 30 novembre');
    expect(formatDateTime(new Date('2026-10-01T09:00:00Z'))).toBe('jeudi 1er octobre 2026 à 11h00');
    expect(formatDate('2026-12-11')).toBe('vendredi 11 décembre 2026');
  });

  it('formats an instant with its Paris time, across the daylight-saving change', () => {
    expect(formatDateTime(new Date('2026-11-26T10:00:00Z'))).toBe('jeudi 26 novembre 2026 à 11h00');
    expect(formatDateTime(new Date('2026-03-26T10:00:00Z'))).toBe('jeudi 26 mars 2026 à 11h00');
    expect(formatDateTime(new Date('2026-04-02T09:00:00Z'))).toBe('jeudi 2 avril 2026 à 11h00');
  });
});

describe('formatAmount', () => {
  it.each([
    [1250, '12,50\u00a0€'],
    [0, '0,00\u00a0€'],
    [123456, '1\u202f234,56\u00a0€'],
    [-500, '-5,00\u00a0€'],
  ])('formats %i cents as « %s »', (cents, expected) => {
    expect(formatAmount(cents)).toBe(expected);
  });
});

describe('ageOn', () => {
  it.each([
    ['2017-04-12', '2026-04-11T21:59:00Z', 8],
    // 22:00 UTC on 11 April is already the 12th in Paris: the birthday has come.
    ['2017-04-12', '2026-04-11T22:00:00Z', 9],
    ['2020-02-29', '2026-02-28T12:00:00Z', 5],
    ['2020-02-29', '2026-03-01T12:00:00Z', 6],
  ])('a child born %s is %i… at %s', (birthDate, now, expected) => {
    expect(ageOn(birthDate, new Date(now))).toBe(expected);
  });
});
