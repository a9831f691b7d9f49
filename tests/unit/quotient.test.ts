import { describe, expect, it } from 'vitest';
import {
  attestationStartProblem,
  declaredPeriod,
  firstDayOfMonth,
  firstDayOfNextMonth,
  pricingStart,
  quotientValidOn,
  wholeEurosOf,
} from '../../src/domain/quotient.ts';
import { QUOTIENT_ROWS, VALID_ON_CASES } from '../support/quotient-cases.ts';

describe('quotientValidOn', () => {
  it.each(VALID_ON_CASES)('%s', (_, keys, day, expected) => {
    const rows = keys.map((key, index) => ({ ...QUOTIENT_ROWS[key], id: index + 1 }));
    expect(quotientValidOn(rows, day)?.key).toBe(expected);
  });

  it('for one start and one instant set, takes the row stored last (highest id)', () => {
    const setAt = new Date('2026-01-05T10:00:00Z');
    const rows = [
      { id: 7, validFrom: '2026-01-01', validUntil: null, setAt, value: 1 },
      { id: 9, validFrom: '2026-01-01', validUntil: null, setAt, value: 2 },
      { id: 8, validFrom: '2026-01-01', validUntil: null, setAt, value: 3 },
    ];
    expect(quotientValidOn(rows, '2026-03-01')?.value).toBe(2);
  });

  it('refuses a day that is not a calendar day rather than compare it as text', () => {
    expect(() => quotientValidOn([], '2026-13-01')).toThrow(RangeError);
    expect(() => quotientValidOn([], '1/12/2026')).toThrow(RangeError);
  });
});

describe('the months', () => {
  it.each([
    ['2026-11-23', '2026-11-01', '2026-12-01'],
    ['2026-12-31', '2026-12-01', '2027-01-01'],
    ['2026-02-28', '2026-02-01', '2026-03-01'],
    ['2026-01-01', '2026-01-01', '2026-02-01'],
  ])('%s is in the month of %s, the next month starts on %s', (day, first, next) => {
    expect(firstDayOfMonth(day)).toBe(first);
    expect(firstDayOfNextMonth(day)).toBe(next);
  });
});

describe('pricingStart: from the next invoiced month, never retroactively', () => {
  it.each([
    ['accepted mid-month: the first of the next month', '2026-11-23', undefined, '2026-12-01'],
    ['accepted on the first of a month: still the next month', '2026-11-01', undefined, '2026-12-01'],
    ['accepted on 31 December: January of the next year', '2026-12-31', undefined, '2027-01-01'],
    ['next month already invoiced: the month after the last invoiced one', '2026-11-23', '2026-12', '2027-01-01'],
    ['an older invoiced month changes nothing', '2026-11-23', '2026-10', '2026-12-01'],
  ])('%s', (_, decidedOn, lastInvoicedMonth, expected) => {
    expect(pricingStart(decidedOn, lastInvoicedMonth)).toBe(expected);
  });

  it('refuses a last invoiced month that is not YYYY-MM', () => {
    expect(() => pricingStart('2026-11-23', '2026-1')).toThrow(RangeError);
  });
});

describe('declaredPeriod', () => {
  it.each([
    ['an attestation of the current year: from next month to 31 December', '2026-01-01', '2026-11-23', undefined, { applies: true, validFrom: '2026-12-01', validUntil: '2026-12-31' }],
    ["an attestation starting next year: from its own start, for its year", '2027-01-01', '2026-11-23', undefined, { applies: true, validFrom: '2027-01-01', validUntil: '2027-12-31' }],
    ['an attestation starting after next month begins: from its own start', '2026-12-15', '2026-11-23', undefined, { applies: true, validFrom: '2026-12-15', validUntil: '2026-12-31' }],
    ['accepted in December for the current year: its year is over before it could price', '2026-01-01', '2026-12-02', undefined, { applies: false, reason: 'expired', validUntil: '2026-12-31' }],
    ['December already invoiced: nothing left of 2026 to price', '2026-06-01', '2026-11-23', '2026-12', { applies: false, reason: 'expired', validUntil: '2026-12-31' }],
  ] as const)('%s', (_, attestedFrom, decidedOn, lastInvoicedMonth, expected) => {
    expect(declaredPeriod(attestedFrom, decidedOn, lastInvoicedMonth)).toEqual(expected);
  });
});

describe('attestationStartProblem', () => {
  it.each([
    ['2026-01-01', undefined],
    ['2026-12-01', undefined],
    ['2027-01-01', undefined],
    ['2027-12-31', undefined],
    ['2025-06-01', 'expired'],
    ['2028-01-01', 'too_far'],
  ])('an attestation from %s, declared on 23 November 2026: %s', (attestedFrom, expected) => {
    expect(attestationStartProblem(attestedFrom, '2026-11-23')).toBe(expected);
  });
});

describe('wholeEurosOf', () => {
  it.each([
    ['620', 620],
    ['0', 0],
    [' 1 250 ', 1250],
    ['1\u202f250', 1250],
    ['1\u00a0250', 1250],
    ['620 €', 620],
    ['620€', 620],
    ['620,50', undefined],
    ['620.5', undefined],
    ['-3', undefined],
    ['', undefined],
    ['six cents', undefined],
    ['1234567890', undefined],
  ])('« %s » → %s', (text, expected) => {
    expect(wholeEurosOf(text)).toBe(expected);
  });
});
