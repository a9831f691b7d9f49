import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { communeCalendar } from '../../src/domain/calendar/closed-days.ts';
import { parseSchoolHolidays } from '../../src/domain/calendar/school-holidays.ts';
import {
  chargeOf,
  daysOfMonth,
  dueOn,
  invoiceFamily,
  invoiceNumber,
  isResident,
  monthPeriod,
  siblingOrder,
  totalsPerActivity,
  type CommuneMonth,
  type DayBooking,
  type FamilyMonth,
  type InvoicingActivity,
} from '../../src/domain/invoicing.ts';

const data = parseSchoolHolidays(JSON.parse(fs.readFileSync(path.resolve('seeds/calendar/school-holidays.json'), 'utf8')));
// Zone A (Échirolles): the Toussaint holidays run from Saturday 17 October to Sunday 1 November 2026.
const calendar = communeCalendar(data, { holidayZone: 'A' });

// Booking and cancelling close on Thursday 11:00 of the week before (Échirolles' rule).
const weekly = { type: 'weekly' as const, weekday: 'jeudi' as const, time: '11:00', weeksBefore: 1 };
const brackets = (...prices: number[]) =>
  [450, 700, 1000, 1400, null].map((upTo, index) => ({ upTo, price: prices[index]! }));

const RESTAURATION: InvoicingActivity = {
  id: 1,
  name: 'Restauration scolaire',
  kind: 'school_day',
  days: ['lundi', 'mardi', 'jeudi', 'vendredi'],
  rules: {
    booking: weekly,
    tariff: { brackets: brackets(100, 220, 340, 450, 560), unbookedSurchargePercent: 50, noShow: { penalty: 250 } },
  },
};
const MERCREDI: InvoicingActivity = {
  id: 2,
  name: 'Mercredi – accueil de loisirs',
  kind: 'wednesday',
  days: ['mercredi'],
  rules: {
    booking: weekly,
    tariff: { brackets: brackets(350, 700, 1050, 1400, 1750), siblingReduction: [{ fromChild: 2, percent: 10 }, { fromChild: 3, percent: 20 }] },
  },
};

const OCTOBER: CommuneMonth = { month: '2026-10-01', calendar, windowOptions: {}, activities: [RESTAURATION, MERCREDI] };
const LEA = { id: 11, name: 'Léa Martin', birthDate: '2017-04-12' };
const HUGO = { id: 12, name: 'Hugo Martin', birthDate: '2020-09-03' };
const SCHOOL_YEAR = { startsOn: '2026-09-01', endsOn: '2027-07-02' };

const booked = (memberId: number, activityId: number, day: string): DayBooking => ({
  memberId,
  activityId,
  day,
  status: 'booked',
  changedAt: new Date('2026-09-20T10:00:00+02:00'),
});
const cancelled = (memberId: number, activityId: number, day: string, at: string): DayBooking => ({
  memberId,
  activityId,
  day,
  status: 'cancelled',
  changedAt: new Date(at),
});

/**
 * The fixture month: the Martin family, October 2026, QF 620 € (bracket 451 to 700 €), resident.
 *
 * Léa (born 2017, the eldest: rank 1), restauration, booked every school day from 1 to 16 October,
 * and on 19 and 20 October, in the Toussaint holidays:
 * - Tuesday 6: cancelled on Thursday 1 October at 10:00, before the cutoff (Thursday 1, 11:00);
 * - Tuesday 13: cancelled on Friday 9 October, after the cutoff (Thursday 8, 11:00): billed;
 * - Thursday 15: a justified absence, accepted;
 * - Friday 16: booked, marked absent and not justified (a no-show: this commune's penalty, 2,50 €);
 * - Monday 12: not booked, but she came (marked present): the unit price plus 50 %;
 * - Monday 19, Tuesday 20: booked but the holidays close the restaurant.
 * Hugo (born 2020: rank 2, 10 % off the mercredi), mercredi on 7, 14 and 21 October (21: holidays),
 * and marked present at the restauration on Friday 9 without being registered to it.
 */
const MARTIN: FamilyMonth = {
  familyId: 7,
  children: [HUGO, LEA],
  qf: 620,
  resident: true,
  registrations: [
    { memberId: LEA.id, activityId: RESTAURATION.id, ...SCHOOL_YEAR },
    { memberId: HUGO.id, activityId: MERCREDI.id, ...SCHOOL_YEAR },
  ],
  bookings: [
    ...['01', '02', '05', '08', '09', '15', '16', '19', '20'].map((d) => booked(LEA.id, RESTAURATION.id, `2026-10-${d}`)),
    cancelled(LEA.id, RESTAURATION.id, '2026-10-06', '2026-10-01T10:00:00+02:00'),
    cancelled(LEA.id, RESTAURATION.id, '2026-10-13', '2026-10-09T09:00:00+02:00'),
    ...['07', '14', '21'].map((d) => booked(HUGO.id, MERCREDI.id, `2026-10-${d}`)),
  ],
  attendance: [
    { memberId: LEA.id, activityId: RESTAURATION.id, day: '2026-10-01', status: 'present' },
    { memberId: LEA.id, activityId: RESTAURATION.id, day: '2026-10-12', status: 'present' },
    { memberId: LEA.id, activityId: RESTAURATION.id, day: '2026-10-15', status: 'absent' },
    { memberId: LEA.id, activityId: RESTAURATION.id, day: '2026-10-16', status: 'absent' },
    { memberId: HUGO.id, activityId: RESTAURATION.id, day: '2026-10-09', status: 'present' },
  ],
  justifiedAbsences: [{ memberId: LEA.id, activityId: RESTAURATION.id, day: '2026-10-15' }],
};

const BRACKET_451_700 = { kind: 'bracket', from: 451, upTo: 700, top: false };

describe('invoiceFamily: the fixture month, written out by hand', () => {
  it('bills Léa six booked meals, one no-show and one meal without booking, and Hugo two Wednesdays less 10 %', () => {
    expect(invoiceFamily(OCTOBER, MARTIN)).toEqual({
      familyId: 7,
      qf: 620,
      lines: [
        {
          memberId: LEA.id,
          childName: 'Léa Martin',
          activityId: RESTAURATION.id,
          activityName: 'Restauration scolaire',
          charge: 'booked',
          unitPriceCents: 220,
          quantity: 6,
          grossCents: 1320,
          siblingReductionPercent: 0,
          reductionCents: 0,
          amountCents: 1320,
          rule: BRACKET_451_700,
          // 1, 2, 5, 8, 9 booked; 13 cancelled late. Not 6 (cancelled in time), 15 (justified), 19–20 (holidays).
          days: ['2026-10-01', '2026-10-02', '2026-10-05', '2026-10-08', '2026-10-09', '2026-10-13'],
        },
        {
          memberId: LEA.id,
          childName: 'Léa Martin',
          activityId: RESTAURATION.id,
          activityName: 'Restauration scolaire',
          charge: 'no_show',
          unitPriceCents: 250,
          quantity: 1,
          grossCents: 250,
          siblingReductionPercent: 0,
          reductionCents: 0,
          amountCents: 250,
          rule: BRACKET_451_700,
          days: ['2026-10-16'],
        },
        {
          memberId: LEA.id,
          childName: 'Léa Martin',
          activityId: RESTAURATION.id,
          activityName: 'Restauration scolaire',
          charge: 'unbooked',
          // 2,20 € + 50 %.
          unitPriceCents: 330,
          quantity: 1,
          grossCents: 330,
          siblingReductionPercent: 0,
          reductionCents: 0,
          amountCents: 330,
          rule: BRACKET_451_700,
          days: ['2026-10-12'],
        },
        {
          memberId: HUGO.id,
          childName: 'Hugo Martin',
          activityId: MERCREDI.id,
          activityName: 'Mercredi – accueil de loisirs',
          charge: 'booked',
          unitPriceCents: 700,
          quantity: 2,
          grossCents: 1400,
          siblingReductionPercent: 10,
          reductionCents: 140,
          amountCents: 1260,
          rule: BRACKET_451_700,
          days: ['2026-10-07', '2026-10-14'],
        },
      ],
      // 13,20 + 2,50 + 3,30 + 12,60 = 31,60 €
      totalCents: 3160,
    });
  });

  it('sums the run per activity: days and amounts', () => {
    const totals = totalsPerActivity([invoiceFamily(OCTOBER, MARTIN)]);
    expect(Object.fromEntries(totals)).toEqual({
      [RESTAURATION.id]: { days: 8, amountCents: 1900 },
      [MERCREDI.id]: { days: 2, amountCents: 1260 },
    });
  });
});

describe('invoiceFamily: prices', () => {
  const onlyHugo: FamilyMonth = { ...MARTIN, bookings: MARTIN.bookings.filter((b) => b.memberId === HUGO.id), attendance: [] };

  it.each([
    ['a QF of 450: the first bracket', 450, true, 350],
    ['a QF of 451: the second bracket', 451, true, 700],
    ['no valid QF: the top bracket', null, true, 1750],
  ])('%s', (_case, qf, resident, unit) => {
    const line = invoiceFamily(OCTOBER, { ...onlyHugo, qf, resident }).lines[0]!;
    expect(line.unitPriceCents).toBe(unit);
  });

  it('gives the rank among the children billed this month: Hugo alone is the first child, without reduction', () => {
    const line = invoiceFamily(OCTOBER, onlyHugo).lines[0]!;
    expect(line).toMatchObject({ siblingReductionPercent: 0, amountCents: 1400 });
  });

  it('bills a family outside the commune the non-resident price where the tariff has one', () => {
    const withNonResident: CommuneMonth = {
      ...OCTOBER,
      activities: [RESTAURATION, { ...MERCREDI, rules: { ...MERCREDI.rules, tariff: { ...MERCREDI.rules.tariff, nonResidentPrice: 2200 } } }],
    };
    const line = invoiceFamily(withNonResident, { ...onlyHugo, resident: false }).lines[0]!;
    expect(line).toMatchObject({ unitPriceCents: 2200, rule: { kind: 'non_resident' } });
  });

  it('leaves out days attended without booking where the tariff does not charge them', () => {
    const noSurcharge: CommuneMonth = {
      ...OCTOBER,
      activities: [{ ...RESTAURATION, rules: { ...RESTAURATION.rules, tariff: { brackets: brackets(100, 220, 340, 450, 560) } } }, MERCREDI],
    };
    const lines = invoiceFamily(noSurcharge, MARTIN).lines;
    expect(lines.map((line) => line.charge)).toEqual(['booked', 'no_show', 'booked']);
    // Without a penalty, a no-show is billed in full.
    expect(lines[1]).toMatchObject({ unitPriceCents: 220, days: ['2026-10-16'] });
  });

  it('issues nothing for a month without any billed day', () => {
    const november: CommuneMonth = { ...OCTOBER, month: '2026-11-01' };
    expect(invoiceFamily(november, MARTIN)).toMatchObject({ lines: [], totalCents: 0 });
  });
});

describe('chargeOf', () => {
  const deadline = () => new Date('2026-10-08T11:00:00+02:00');
  const booking = (status: DayBooking['status'], at = '2026-09-20T10:00:00+02:00') => ({ ...booked(1, 1, '2026-10-13'), status, changedAt: new Date(at) });
  it.each([
    ['booked, not marked', booking('booked'), undefined, false, 'booked'],
    ['booked, present', booking('booked'), 'present', false, 'booked'],
    ['booked, absent', booking('booked'), 'absent', false, 'no_show'],
    ['booked, absent, justified', booking('booked'), 'absent', true, null],
    ['cancelled before the cutoff', booking('cancelled', '2026-10-08T10:59:59+02:00'), undefined, false, null],
    ['cancelled at the cutoff', booking('cancelled', '2026-10-08T11:00:00+02:00'), undefined, false, 'booked'],
    ['cancelled late, then marked absent', booking('cancelled', '2026-10-09T09:00:00+02:00'), 'absent', false, 'booked'],
    ['cancelled late, justified', booking('cancelled', '2026-10-09T09:00:00+02:00'), undefined, true, null],
    ['cancelled in time, yet present', booking('cancelled', '2026-10-01T09:00:00+02:00'), 'present', false, 'unbooked'],
    ['waiting, present', booking('waiting'), 'present', false, 'unbooked'],
    ['waiting, not marked', booking('waiting'), undefined, false, null],
    ['no booking, present', undefined, 'present', false, 'unbooked'],
    ['no booking, absent', undefined, 'absent', false, null],
  ] as const)('%s → %s', (_case, facts, mark, justified, expected) => {
    expect(chargeOf({ booking: facts, mark, justified }, deadline)).toBe(expected);
  });
});

describe('isResident', () => {
  const villennes = { name: 'Villennes-sur-Seine', residentCities: ['Les Grands Champs'] };
  it.each([
    ['the commune’s name', 'Villennes-sur-Seine', true],
    ['without accents, hyphens or capitals', 'VILLENNES SUR SEINE', true],
    ['a listed locality', 'les grands-champs', true],
    ['another commune with the same postcode', 'Médan', false],
    ['no city in the file', null, true],
  ])('%s (%s) → %s', (_case, city, expected) => {
    expect(isResident({ city }, villennes)).toBe(expected);
  });
  it('compares accents away: « Échirolles » = « echirolles »', () => {
    expect(isResident({ city: 'echirolles' }, { name: 'Échirolles' })).toBe(true);
  });
});

describe('the other rules of a run', () => {
  it('orders siblings eldest first, then by id, without birth date last', () => {
    const order = siblingOrder([
      { id: 3, birthDate: null },
      { id: 2, birthDate: '2019-01-01' },
      { id: 1, birthDate: '2019-01-01' },
      { id: 4, birthDate: '2015-06-30' },
    ]);
    expect(order.map((child) => child.id)).toEqual([4, 1, 2, 3]);
  });

  it.each([
    ['2026-10-01', '2026-10-31', 31],
    ['2027-02-01', '2027-02-28', 28],
    ['2026-12-01', '2026-12-31', 31],
  ])('the month of %s ends on %s', (month, end, count) => {
    expect(monthPeriod(month)).toEqual({ start: month, end });
    expect(daysOfMonth(month)).toHaveLength(count);
  });

  it('refuses a month that does not start on the 1st', () => {
    expect(() => monthPeriod('2026-10-02')).toThrow(RangeError);
  });

  it.each([
    ['invoice', 2026, 123, 'FAC-2026-000123'],
    ['credit_note', 2027, 4, 'AV-2027-000004'],
  ] as const)('numbers a %s of %d, n° %d: %s', (kind, year, sequence, number) => {
    expect(invoiceNumber(kind, year, sequence)).toBe(number);
  });

  it('sets the due date dueDays after the issue day', () => {
    expect(dueOn('2026-12-01', 30)).toBe('2026-12-31');
  });
});
