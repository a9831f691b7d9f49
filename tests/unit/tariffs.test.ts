import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { communeCalendar } from '../../src/domain/calendar/closed-days.ts';
import { parseSchoolHolidays } from '../../src/domain/calendar/school-holidays.ts';
import { daysOfMonth, monthsAhead, simulateMonth } from '../../src/domain/tariff-simulation.ts';
import {
  dayPrice,
  priceDays,
  priceLine,
  quotientOn,
  roundHalfUp,
  siblingReductionPercent,
  unitPrice,
  type QuotientValue,
  type Tariff,
} from '../../src/domain/tariffs.ts';
import { priceRuleWords } from '../../src/i18n/tariff-words.ts';

/** Échirolles-like brackets: ≤ 450, 451–700, 701–1000, 1001–1400, above. */
const brackets: Tariff = {
  brackets: [
    { upTo: 450, price: 100 },
    { upTo: 700, price: 220 },
    { upTo: 1000, price: 340 },
    { upTo: 1400, price: 450 },
    { upTo: null, price: 560 },
  ],
};

/** Le Mesnil-like taux d'effort: 0,65 % of the QF, between 1,30 € and 4,80 €. */
const effort: Tariff = { effort: { rate: 0.0065, floor: 130, ceiling: 480 } };
/** The same rate with no floor or ceiling in the way, to see the rounding. */
const bareEffort: Tariff = { effort: { rate: 0.0065, floor: 0, ceiling: 1_000_000 } };

const resident = (qf: number | null, childRank = 1) => ({ qf, resident: true, childRank });
const words = (text: string) => text.replace(/\s/g, ' ');

describe('unitPrice with QF brackets (upper bounds included, first match)', () => {
  it.each([
    [0, 100, { kind: 'bracket', from: 0, upTo: 450, top: false }, "tranche jusqu'à 450 €"],
    [450, 100, { kind: 'bracket', from: 0, upTo: 450, top: false }, "tranche jusqu'à 450 €"],
    [451, 220, { kind: 'bracket', from: 451, upTo: 700, top: false }, 'tranche 451 à 700 €'],
    [700, 220, { kind: 'bracket', from: 451, upTo: 700, top: false }, 'tranche 451 à 700 €'],
    [700.5, 340, { kind: 'bracket', from: 701, upTo: 1000, top: false }, 'tranche 701 à 1 000 €'],
    [1400, 450, { kind: 'bracket', from: 1001, upTo: 1400, top: false }, 'tranche 1 001 à 1 400 €'],
    [1401, 560, { kind: 'bracket', from: 1401, upTo: null, top: true }, 'tranche au-delà de 1 400 €'],
    [12_000, 560, { kind: 'bracket', from: 1401, upTo: null, top: true }, 'tranche au-delà de 1 400 €'],
  ])('a QF of %s € pays %s cents (%j)', (qf, price, rule, ruleWords) => {
    const unit = unitPrice(brackets, resident(qf));
    expect(unit).toEqual({ price, rule, siblingReductionPercent: 0 });
    expect(words(priceRuleWords(unit.rule))).toBe(ruleWords);
  });

  it('prices a family without a valid QF at the top bracket', () => {
    const unit = unitPrice(brackets, resident(null));
    expect(unit).toEqual({ price: 560, rule: { kind: 'no_qf', basis: 'top_bracket' }, siblingReductionPercent: 0 });
    expect(priceRuleWords(unit.rule)).toBe('tarif maximum : quotient non connu');
  });
});

describe('unitPrice with a taux d’effort', () => {
  it.each([
    ['below the floor', 100, 130, 'floor', "taux d'effort 0,65 % du quotient, porté au minimum de 1,30 €"],
    ['exactly at the floor (1,30 €)', 200, 130, null, "taux d'effort 0,65 % du quotient"],
    ['between floor and ceiling', 700, 455, null, "taux d'effort 0,65 % du quotient"],
    ['rounded down to the ceiling (480,35 c)', 739, 480, null, "taux d'effort 0,65 % du quotient"],
    ['just above the ceiling (481 c)', 740, 480, 'ceiling', "taux d'effort 0,65 % du quotient, plafonné à 4,80 €"],
    ['far above the ceiling', 3000, 480, 'ceiling', "taux d'effort 0,65 % du quotient, plafonné à 4,80 €"],
  ])('%s: a QF of %s € pays %s cents', (_label, qf, price, clamped, ruleWords) => {
    const unit = unitPrice(effort, resident(qf));
    expect(unit.price).toBe(price);
    expect(unit.rule).toEqual({ kind: 'effort', rate: 0.0065, floor: 130, ceiling: 480, clamped });
    expect(words(priceRuleWords(unit.rule))).toBe(ruleWords);
  });

  it('prices a family without a valid QF at the ceiling', () => {
    expect(unitPrice(effort, resident(null))).toEqual({ price: 480, rule: { kind: 'no_qf', basis: 'ceiling' }, siblingReductionPercent: 0 });
  });

  // rate × QF is rounded half up to the cent once; the arithmetic is in integers, so 190 × 0,65 %
  // (123,5 c, which floating point computes as 123,4999…) still rounds up.
  it.each([
    [450, 293], // 292,5 c
    [449, 292], // 291,85 c
    [451, 293], // 293,15 c
    [190, 124], // 123,5 c
    [1, 1], // 0,65 c
    [712.5, 463], // 463,125 c
    [0, 0],
  ])('rounds rate × QF half up: a QF of %s € gives %s cents', (qf, price) => {
    expect(unitPrice(bareEffort, resident(qf)).price).toBe(price);
  });
});

describe('quotientOn: the QF valid on a day (missing or expired → none, hence the top price)', () => {
  const year2026: QuotientValue = { value: 612, validFrom: '2026-01-01', validUntil: '2026-12-31' };
  const from2027: QuotientValue = { value: 980, validFrom: '2027-01-01', validUntil: null };

  it.each([
    ['no QF at all', null, '2026-12-01', null],
    ['an empty list', [], '2026-12-01', null],
    ['a QF valid on the day', year2026, '2026-12-01', 612],
    ['on its first day', year2026, '2026-01-01', 612],
    ['on its last day', year2026, '2026-12-31', 612],
    ['the day after it expired', year2026, '2027-01-01', null],
    ['before it starts', from2027, '2026-12-01', null],
    ['without an end date', from2027, '2030-06-01', 980],
    ['two QFs, the newer one wins where both are valid', [{ ...year2026, validUntil: null }, from2027], '2027-03-01', 980],
    ['two QFs, only the older one yet', [year2026, from2027], '2026-12-01', 612],
  ] as const)('%s', (_label, quotients, day, expected) => {
    expect(quotientOn(quotients as QuotientValue[] | QuotientValue | null, day)).toBe(expected);
  });

  it('prices an expired QF at the top bracket', () => {
    expect(unitPrice(brackets, resident(quotientOn(year2026, '2027-01-01'))).price).toBe(560);
    expect(unitPrice(brackets, resident(quotientOn(year2026, '2026-12-01'))).price).toBe(220);
  });
});

describe('non-resident price', () => {
  const villennes: Tariff = { ...brackets, nonResidentPrice: 620 };

  it.each([
    ['a non-resident with a low QF', { qf: 300, resident: false }, 620, 'non_resident'],
    ['a non-resident without a QF', { qf: null, resident: false }, 620, 'non_resident'],
    ['a resident with the same QF', { qf: 300, resident: true }, 100, 'bracket'],
  ])('%s pays %s cents', (_label, context, price, kind) => {
    const unit = unitPrice(villennes, context);
    expect(unit.price).toBe(price);
    expect(unit.rule.kind).toBe(kind);
  });

  it('prices a non-resident by QF where the commune has no non-resident price', () => {
    expect(unitPrice(brackets, { qf: 300, resident: false }).price).toBe(100);
  });

  it('says the rule', () => {
    expect(priceRuleWords({ kind: 'non_resident' })).toBe('tarif hors commune');
  });
});

describe('sibling reduction', () => {
  const tariff: Tariff = { ...brackets, siblingReduction: [{ fromChild: 2, percent: 10 }, { fromChild: 3, percent: 20 }] };

  it.each([
    [1, 0],
    [2, 10],
    [3, 20],
    [5, 20],
  ])('child of rank %s: %s %', (rank, percent) => {
    expect(siblingReductionPercent(tariff, rank)).toBe(percent);
    expect(unitPrice(tariff, resident(600, rank)).siblingReductionPercent).toBe(percent);
  });

  it('is none where the tariff has none', () => {
    expect(siblingReductionPercent(brackets, 4)).toBe(0);
  });
});

describe('priceLine: unit price × quantity, less the sibling reduction, rounded half up per line', () => {
  it.each([
    ['no reduction', 220, 8, 0, { gross: 1760, reduction: 0, amount: 1760 }],
    ['no day', 220, 0, 10, { gross: 0, reduction: 0, amount: 0 }],
    ['10 % of 1,25 €: 112,5 c rounds up to 113', 125, 1, 10, { gross: 125, reduction: 12, amount: 113 }],
    ['10 % of 9 days at 3,50 €: exact', 350, 9, 10, { gross: 3150, reduction: 315, amount: 2835 }],
    ['20 % of 3 × 3,33 €: 799,2 c rounds down to 799', 333, 3, 20, { gross: 999, reduction: 200, amount: 799 }],
    ['15 % of 7 × 0,45 €: 267,75 c rounds up to 268', 45, 7, 15, { gross: 315, reduction: 47, amount: 268 }],
    ['the reduction is per line, not per day: 10 % of 3 × 1,25 € is 337,5 → 338, not 3 × 113', 125, 3, 10, { gross: 375, reduction: 37, amount: 338 }],
  ])('%s', (_label, price, quantity, percent, expected) => {
    expect(priceLine({ price, siblingReductionPercent: percent }, quantity)).toEqual({
      unitPrice: price,
      quantity,
      siblingReductionPercent: percent,
      ...expected,
    });
  });

  it('refuses a fractional quantity or price rather than bill a fraction of a cent', () => {
    expect(() => priceLine({ price: 120, siblingReductionPercent: 0 }, 1.5)).toThrow(RangeError);
    expect(() => priceLine({ price: 120.5, siblingReductionPercent: 0 }, 1)).toThrow(RangeError);
  });
});

describe('dayPrice: what each kind of billed day costs', () => {
  const unit = unitPrice({ ...brackets, siblingReduction: [{ fromChild: 2, percent: 10 }] }, resident(600, 2));

  it.each([
    ['a booked day, at the unit price', {}, 'booked', { price: 220, basis: { kind: 'unit' }, siblingReductionPercent: 10 }],
    ['a no-show, billed in full by default', {}, 'no_show', { price: 220, basis: { kind: 'unit' }, siblingReductionPercent: 10 }],
    ['a no-show, billed in full', { noShow: 'full' }, 'no_show', { price: 220, basis: { kind: 'unit' }, siblingReductionPercent: 10 }],
    ['a no-show with a penalty, which no sibling reduction lowers', { noShow: { penalty: 250 } }, 'no_show', { price: 250, basis: { kind: 'penalty' }, siblingReductionPercent: 0 }],
    ['a day attended without booking, +50 %', { unbookedSurchargePercent: 50 }, 'unbooked', { price: 330, basis: { kind: 'surcharge', percent: 50 }, siblingReductionPercent: 10 }],
    ['a day attended without booking, +0 %: the unit price', { unbookedSurchargePercent: 0 }, 'unbooked', { price: 220, basis: { kind: 'surcharge', percent: 0 }, siblingReductionPercent: 10 }],
  ] as const)('%s', (_label, options, charge, expected) => {
    expect(dayPrice({ ...brackets, ...options } as Tariff, unit, charge)).toEqual({ charge, ...expected });
  });

  it('rounds a surcharge half up on the unit price: 2,25 € + 50 % = 3,375 € → 3,38 €', () => {
    const price = unitPrice({ effort: { rate: 0.0045, floor: 0, ceiling: 1000 } }, resident(500));
    expect(price.price).toBe(225);
    expect(dayPrice({ effort: { rate: 0.0045, floor: 0, ceiling: 1000 }, unbookedSurchargePercent: 50 }, price, 'unbooked')!.price).toBe(338);
  });

  it('bills nothing for a day attended without booking where the commune does not charge it', () => {
    expect(dayPrice(brackets, unit, 'unbooked')).toBeNull();
  });
});

describe('priceDays: one line in one call', () => {
  const tariff: Tariff = { ...brackets, unbookedSurchargePercent: 50, noShow: { penalty: 250 }, siblingReduction: [{ fromChild: 2, percent: 10 }] };

  it.each([
    ['booked days of a second child', 'booked', 3, { unitPrice: 220, gross: 660, reduction: 66, amount: 594 }],
    ['days attended without booking: 3,30 € each, less 10 %', 'unbooked', 2, { unitPrice: 330, gross: 660, reduction: 66, amount: 594 }],
    ['no-shows at the penalty, no reduction', 'no_show', 2, { unitPrice: 250, gross: 500, reduction: 0, amount: 500 }],
  ] as const)('%s', (_label, charge, quantity, expected) => {
    expect(priceDays(tariff, { qf: 600, resident: true, childRank: 2 }, charge, quantity)!.line).toMatchObject({ quantity, ...expected });
  });

  it('gives nothing for days attended without booking where the commune does not bill them', () => {
    expect(priceDays(brackets, { qf: 600, resident: true }, 'unbooked', 2)).toBeNull();
  });
});

describe('roundHalfUp', () => {
  it.each([
    [0, 100, 0],
    [49, 100, 0],
    [50, 100, 1],
    [149, 100, 1],
    [150, 100, 2],
    [2925, 10, 293],
  ])('%s / %s → %s', (numerator, denominator, expected) => {
    expect(roundHalfUp(numerator, denominator)).toBe(expected);
  });
});

describe('simulateMonth: a typical week over a month of the commune’s calendar', () => {
  const data = parseSchoolHolidays(JSON.parse(fs.readFileSync(path.resolve('seeds/calendar/school-holidays.json'), 'utf8')));
  const zoneA = communeCalendar(data, { holidayZone: 'A' });
  const canteen = { code: 'restauration', kind: 'school_day' as const, days: ['lundi', 'mardi', 'jeudi', 'vendredi'] as const, tariff: brackets };
  const holidays = { code: 'vacances', kind: 'holidays' as const, days: ['lundi', 'mardi', 'mercredi', 'jeudi', 'vendredi'] as const, tariff: brackets };
  const simulate = (month: string, qf: number | null) =>
    simulateMonth([canteen, holidays], zoneA, { month, week: { restauration: ['lundi', 'jeudi'], vacances: ['lundi'] }, pricing: { qf, resident: true } });

  it('counts the open days of the chosen weekdays: December 2026 has the Christmas holidays and Christmas Day', () => {
    const december = simulate('2026-12', 600);
    // Mondays 7, 14 and Thursdays 3, 10, 17 are school days; 21, 28, 24, 31 are holidays.
    expect(december.lines[0]).toMatchObject({
      code: 'restauration',
      weekdays: ['lundi', 'jeudi'],
      unit: { price: 220 },
      line: { quantity: 5, amount: 1100 },
      closed: [{ reason: 'vacances', name: 'Vacances de Noël', days: 4 }],
    });
    // The holiday centre opens on the holiday Mondays 21 and 28 only.
    expect(december.lines[1]).toMatchObject({ code: 'vacances', line: { quantity: 2, amount: 440 } });
    expect(december.total).toBe(1540);
  });

  it('makes a month with holidays cheaper than one without', () => {
    const january = simulate('2027-01', 600);
    expect(january.lines[0]!.line.quantity).toBe(8);
    expect(january.lines[0]!.line.amount).toBe(1760);
    expect(simulate('2026-12', 600).lines[0]!.line.amount).toBeLessThan(january.lines[0]!.line.amount);
  });

  it('prices every activity, chosen or not, and leaves out an activity with no day chosen', () => {
    const result = simulateMonth([canteen, holidays], zoneA, { month: '2027-01', week: { restauration: ['mardi'] }, pricing: { qf: null, resident: true } });
    expect(result.prices.map((price) => [price.code, price.unit.price])).toEqual([
      ['restauration', 560],
      ['vacances', 560],
    ]);
    expect(result.lines.map((line) => line.code)).toEqual(['restauration']);
  });

  it('lists the months to come, from the next one to the end of the school year', () => {
    expect(monthsAhead('2026-11-23', '2027-07-02')).toEqual([
      '2026-12', '2027-01', '2027-02', '2027-03', '2027-04', '2027-05', '2027-06', '2027-07',
    ]);
    expect(monthsAhead('2026-12-31', '2027-01-15')).toEqual(['2027-01']);
    expect(monthsAhead('2026-11-23', undefined)).toEqual([]);
    expect(daysOfMonth('2027-02')).toHaveLength(28);
  });
});
