import type { CalendarDay } from './calendar/calendar-day.ts';

/**
 * Tariffs (DESIGN §7): what one unit of an activity costs a family, and what a line of an invoice
 * or of an estimate comes to. Pure: the caller gives the tariff of the activity (commune file), the
 * family's quotient familial already checked for the priced day, and the child's rank.
 *
 * Money is integer cents. Rounding is half up, to the cent, in two places only:
 * - a taux d'effort: rate × QF is rounded once, to give the unit price (before floor and ceiling);
 * - a line: unit price × quantity is exact; a sibling reduction is applied to that product and the
 *   line's amount is rounded half up (the reduction is what is left: gross − amount).
 * A surcharge for a day attended without booking is rounded half up once, on the unit price.
 * Every product and quotient below stays in integers, so no floating-point error can move a cent.
 */

/** A bracket: up to `upTo` euros of QF included (`null`: no upper bound, the top bracket). */
export interface Bracket {
  upTo: number | null;
  /** Unit price, cents. */
  price: number;
}

/** Linear « taux d'effort »: `rate` × QF (euros) gives the unit price in euros, kept between floor and ceiling (cents). */
export interface EffortRate {
  rate: number;
  floor: number;
  ceiling: number;
}

export interface SiblingReduction {
  /** From this child on (2 = the second child), `percent` off the line. */
  fromChild: number;
  percent: number;
}

/**
 * An activity's tariff, as the commune file holds it (validated there): `brackets` or `effort`,
 * exactly one, and the options.
 */
export interface Tariff {
  brackets?: readonly Bracket[] | undefined;
  effort?: EffortRate | undefined;
  /** One unit price for families living outside the commune, whatever their QF (cents). */
  nonResidentPrice?: number | undefined;
  /** A day attended without booking costs the unit price plus this percentage; absent: not billed. */
  unbookedSurchargePercent?: number | undefined;
  /** A booked day neither attended nor justified: billed in full (default), or a fixed penalty (cents). */
  noShow?: 'full' | { penalty: number } | undefined;
  /** Sorted by `fromChild`; the last entry at or below the child's rank applies. */
  siblingReduction?: readonly SiblingReduction[] | undefined;
}

/** Which rule gave the unit price: data for the words (« tranche 451 à 700 € »), never words. */
export type PriceRule =
  | { kind: 'bracket'; from: number; upTo: number | null; top: boolean }
  | { kind: 'effort'; rate: number; floor: number; ceiling: number; clamped: 'floor' | 'ceiling' | null }
  | { kind: 'no_qf'; basis: 'top_bracket' | 'ceiling' }
  | { kind: 'non_resident' };

export interface PricingContext {
  /** The family's QF in euros, valid for the priced period (see `quotientOn`); null without one. */
  qf: number | null;
  /** Whether the family lives in the commune; only matters where the tariff has a non-resident price. */
  resident: boolean;
  /** 1 for the first (or only) child of the family, 2 for the second… Default 1. */
  childRank?: number;
}

export interface UnitPrice {
  /** Cents. */
  price: number;
  rule: PriceRule;
  /** The sibling reduction for this child (0 without one), applied per line by `priceLine`. */
  siblingReductionPercent: number;
}

/** The kinds of billed days: booked (attended or not known absent), booked but absent and not justified, attended without booking. */
export type DayCharge = 'booked' | 'no_show' | 'unbooked';

export interface ChargedPrice {
  charge: DayCharge;
  /** Cents per day. */
  price: number;
  basis: { kind: 'unit' } | { kind: 'surcharge'; percent: number } | { kind: 'penalty' };
  siblingReductionPercent: number;
}

export interface PricedLine {
  unitPrice: number;
  quantity: number;
  /** unitPrice × quantity, cents. */
  gross: number;
  siblingReductionPercent: number;
  /** gross − amount, cents. */
  reduction: number;
  /** What the line costs, cents. */
  amount: number;
}

/** A QF as staff set it or a parent declared it; `validUntil` null: no end date. */
export interface QuotientValue {
  value: number;
  validFrom: CalendarDay;
  validUntil: CalendarDay | null;
}

/** A tariff the commune file should have refused; pricing with it would bill a wrong amount. */
export class TariffError extends Error {}

/** `numerator / denominator` rounded half up, for a non-negative numerator and a positive denominator (integers). */
export function roundHalfUp(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || numerator < 0 || denominator <= 0) {
    throw new RangeError(`cannot round ${numerator} / ${denominator}`);
  }
  return Math.floor((2 * numerator + denominator) / (2 * denominator));
}

/** A taux d'effort in millionths (0.0065 → 6500): the schema allows six decimals at most. */
export const RATE_SCALE = 1_000_000;
export function rateInMillionths(rate: number): number {
  const scaled = Math.round(rate * RATE_SCALE);
  if (Math.abs(scaled - rate * RATE_SCALE) > 1e-6 || scaled <= 0) throw new TariffError(`invalid effort rate: ${rate}`);
  return scaled;
}

/** A QF in euros, to whole cents (a QF is a whole number of euros in practice; cents are kept if given). */
function qfInCents(qf: number): number {
  if (!Number.isFinite(qf) || qf < 0) throw new RangeError(`invalid quotient: ${qf}`);
  return Math.round(qf * 100);
}

export function isQuotientValidOn(quotient: QuotientValue, day: CalendarDay): boolean {
  return quotient.validFrom <= day && (quotient.validUntil === null || day <= quotient.validUntil);
}

/**
 * The family's QF on `day` (for an invoice: the first day of the month), or null when none is
 * valid — missing or expired, the family then pays the top price. Of several valid values, the one
 * that started last wins (a newer declaration replaces the older one).
 */
export function quotientOn(quotients: readonly QuotientValue[] | QuotientValue | null | undefined, day: CalendarDay): number | null {
  const list = quotients == null ? [] : Array.isArray(quotients) ? quotients : [quotients as QuotientValue];
  let best: QuotientValue | undefined;
  for (const quotient of list) {
    if (isQuotientValidOn(quotient, day) && (!best || quotient.validFrom > best.validFrom)) best = quotient;
  }
  return best ? best.value : null;
}

/** The reduction percentage of the child of rank `childRank` (1 = first child: none). */
export function siblingReductionPercent(tariff: Tariff, childRank = 1): number {
  let percent = 0;
  for (const step of tariff.siblingReduction ?? []) {
    if (step.fromChild <= childRank) percent = step.percent;
  }
  return percent;
}

function bracketPrice(brackets: readonly Bracket[], qf: number | null): { price: number; rule: PriceRule } {
  const top = brackets.at(-1);
  if (!top || top.upTo !== null) throw new TariffError('brackets without a top bracket');
  if (qf === null) return { price: top.price, rule: { kind: 'no_qf', basis: 'top_bracket' } };
  const qfCents = qfInCents(qf);
  let from = 0;
  for (const [index, bracket] of brackets.entries()) {
    // Upper bounds are included: a QF of 450 is in the « jusqu'à 450 € » bracket, 451 in the next.
    if (bracket.upTo === null || qfCents <= bracket.upTo * 100) {
      return { price: bracket.price, rule: { kind: 'bracket', from, upTo: bracket.upTo, top: index === brackets.length - 1 } };
    }
    from = bracket.upTo + 1;
  }
  throw new TariffError('no bracket matches');
}

function effortPrice(effort: EffortRate, qf: number | null): { price: number; rule: PriceRule } {
  const base = { rate: effort.rate, floor: effort.floor, ceiling: effort.ceiling };
  if (qf === null) return { price: effort.ceiling, rule: { kind: 'no_qf', basis: 'ceiling' } };
  // QF (cents of euro) × rate gives cents of euro directly; rounded half up once, then clamped.
  const raw = roundHalfUp(qfInCents(qf) * rateInMillionths(effort.rate), RATE_SCALE);
  if (raw < effort.floor) return { price: effort.floor, rule: { kind: 'effort', ...base, clamped: 'floor' } };
  if (raw > effort.ceiling) return { price: effort.ceiling, rule: { kind: 'effort', ...base, clamped: 'ceiling' } };
  return { price: raw, rule: { kind: 'effort', ...base, clamped: null } };
}

/**
 * The unit price of an activity for a family: the non-resident price for a family outside the
 * commune (where the tariff has one), else the QF's bracket or taux d'effort; without a valid QF,
 * the top price (top bracket, or the ceiling). The sibling reduction is returned, not applied: it
 * is taken off each line by `priceLine`.
 */
export function unitPrice(tariff: Tariff, { qf, resident, childRank = 1 }: PricingContext): UnitPrice {
  const siblingReduction = siblingReductionPercent(tariff, childRank);
  if (!resident && tariff.nonResidentPrice !== undefined) {
    return { price: tariff.nonResidentPrice, rule: { kind: 'non_resident' }, siblingReductionPercent: siblingReduction };
  }
  const priced = tariff.brackets
    ? bracketPrice(tariff.brackets, qf)
    : tariff.effort
      ? effortPrice(tariff.effort, qf)
      : undefined;
  if (!priced) throw new TariffError('tariff without brackets or effort rate');
  return { ...priced, siblingReductionPercent: siblingReduction };
}

/**
 * What one day of a kind costs, from the unit price: a booked day the unit price; a booked day
 * neither attended nor justified the unit price or the commune's penalty (a penalty is a fixed
 * amount: no sibling reduction); a day attended without booking the unit price plus the
 * commune's surcharge, rounded half up — or null where the commune does not bill it.
 */
export function dayPrice(tariff: Tariff, unit: UnitPrice, charge: DayCharge): ChargedPrice | null {
  switch (charge) {
    case 'booked':
      return { charge, price: unit.price, basis: { kind: 'unit' }, siblingReductionPercent: unit.siblingReductionPercent };
    case 'no_show': {
      const noShow = tariff.noShow ?? 'full';
      return noShow === 'full'
        ? { charge, price: unit.price, basis: { kind: 'unit' }, siblingReductionPercent: unit.siblingReductionPercent }
        : { charge, price: noShow.penalty, basis: { kind: 'penalty' }, siblingReductionPercent: 0 };
    }
    case 'unbooked': {
      const percent = tariff.unbookedSurchargePercent;
      if (percent === undefined) return null;
      return {
        charge,
        price: roundHalfUp(unit.price * (100 + percent), 100),
        basis: { kind: 'surcharge', percent },
        siblingReductionPercent: unit.siblingReductionPercent,
      };
    }
  }
}

/** A line: unit price × quantity, less the sibling reduction, rounded half up (see the top of this file). */
export function priceLine(price: { price: number; siblingReductionPercent: number }, quantity: number): PricedLine {
  if (!Number.isSafeInteger(quantity) || quantity < 0) throw new RangeError(`invalid quantity: ${quantity}`);
  if (!Number.isSafeInteger(price.price) || price.price < 0) throw new RangeError(`invalid price: ${price.price}`);
  const percent = price.siblingReductionPercent;
  if (!Number.isInteger(percent) || percent < 0 || percent > 100) throw new RangeError(`invalid reduction: ${percent}`);
  const gross = price.price * quantity;
  const amount = roundHalfUp(gross * (100 - percent), 100);
  return { unitPrice: price.price, quantity, gross, siblingReductionPercent: percent, reduction: gross - amount, amount };
}

/**
 * One invoice line in one call: `quantity` days of one kind for one child, priced with the family's
 * context — or null where the commune does not bill that kind of day (attendance without booking).
 */
export function priceDays(
  tariff: Tariff,
  context: PricingContext,
  charge: DayCharge,
  quantity: number,
): { unit: UnitPrice; charged: ChargedPrice; line: PricedLine } | null {
  const unit = unitPrice(tariff, context);
  const charged = dayPrice(tariff, unit, charge);
  return charged ? { unit, charged, line: priceLine(charged, quantity) } : null;
}
