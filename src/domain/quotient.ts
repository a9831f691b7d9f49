import { assertCalendarDay, type CalendarDay } from './calendar/calendar-day.ts';

/**
 * The quotient familial (QF) rules (DESIGN §7 Tariffs, issue 11 item 2). A family's values form a
 * history; these rules say which one prices a day, and from when a declared value applies.
 */

/** What the rules need of a stored value. */
export interface QuotientPeriod {
  id: number;
  validFrom: CalendarDay;
  /** Included; null: until further notice. */
  validUntil: CalendarDay | null;
  setAt: Date;
}

/** A QF and an annual income are whole euros (a CAF attestation gives them so); bounds against typing slips. */
export const QUOTIENT_MAX = 99_999;
export const ANNUAL_INCOME_MAX = 9_999_999;

const covers = (quotient: QuotientPeriod, day: CalendarDay) =>
  quotient.validFrom <= day && (quotient.validUntil === null || quotient.validUntil >= day);

/** Later start first; for one start, the value set last (a correction) wins. */
function supersedes(a: QuotientPeriod, b: QuotientPeriod): boolean {
  if (a.validFrom !== b.validFrom) return a.validFrom > b.validFrom;
  if (a.setAt.getTime() !== b.setAt.getTime()) return a.setAt > b.setAt;
  return a.id > b.id;
}

/**
 * The value valid on `day`: among the values whose period covers the day (started on or before it,
 * not ended before it), the one that started last; undefined when none does (the family then pays
 * the top price). A value that has ended no longer counts, so an older value still running (one
 * staff set « until further notice ») applies again after it.
 */
export function quotientValidOn<Q extends QuotientPeriod>(quotients: readonly Q[], day: CalendarDay): Q | undefined {
  assertCalendarDay(day);
  let chosen: Q | undefined;
  for (const quotient of quotients) {
    if (covers(quotient, day) && (!chosen || supersedes(quotient, chosen))) chosen = quotient;
  }
  return chosen;
}

/** 'YYYY-MM-01' of the month of `day`. */
export function firstDayOfMonth(day: CalendarDay): CalendarDay {
  return `${assertCalendarDay(day).slice(0, 7)}-01`;
}

/** 'YYYY-MM-01' of the month after the month of `day`. */
export function firstDayOfNextMonth(day: CalendarDay): CalendarDay {
  const [year, month] = assertCalendarDay(day).split('-').map(Number) as [number, number];
  return month === 12 ? `${year + 1}-01-01` : `${year}-${String(month + 1).padStart(2, '0')}-01`;
}

/**
 * The first day a value accepted on `decidedOn` may price: « from the next invoiced month, never
 * retroactively ». That is the first day of the month after the decision, and never a month already
 * invoiced: with `lastInvoicedMonth` ('YYYY-MM'), not before the month after it. So the value valid
 * on the first day of the current month — the one its invoice reads — never changes.
 */
export function pricingStart(decidedOn: CalendarDay, lastInvoicedMonth?: string): CalendarDay {
  const next = firstDayOfNextMonth(decidedOn);
  if (lastInvoicedMonth === undefined) return next;
  if (!/^\d{4}-\d{2}$/.test(lastInvoicedMonth)) throw new RangeError(`mois attendu au format AAAA-MM : ${JSON.stringify(lastInvoicedMonth)}`);
  const afterInvoiced = firstDayOfNextMonth(`${lastInvoicedMonth}-01`);
  return afterInvoiced > next ? afterInvoiced : next;
}

/** A CAF attestation is valid for the civil year it starts in: until 31 December of that year. */
export function attestationEnd(attestedFrom: CalendarDay): CalendarDay {
  return `${assertCalendarDay(attestedFrom).slice(0, 4)}-12-31`;
}

/** The period a declaration accepted on `decidedOn` gets, or why it would price no month at all. */
export type DeclaredPeriod =
  | { applies: true; validFrom: CalendarDay; validUntil: CalendarDay }
  | { applies: false; reason: 'expired'; validUntil: CalendarDay };

/**
 * A declared value starts at the later of `pricingStart` and the attestation's own start (never
 * before the attestation says), and ends with the attestation's civil year. An attestation whose
 * year is over by the time it would start prices nothing: `expired`.
 */
export function declaredPeriod(attestedFrom: CalendarDay, decidedOn: CalendarDay, lastInvoicedMonth?: string): DeclaredPeriod {
  const start = pricingStart(decidedOn, lastInvoicedMonth);
  const validFrom = assertCalendarDay(attestedFrom) > start ? attestedFrom : start;
  const validUntil = attestationEnd(attestedFrom);
  return validFrom > validUntil ? { applies: false, reason: 'expired', validUntil } : { applies: true, validFrom, validUntil };
}

/**
 * What is wrong with an attestation's start date declared on `today`, if anything: its civil year
 * is over by the time it could apply (`expired`), or it starts after next year (`too_far`: a typing
 * slip, no attestation is issued that early).
 */
export function attestationStartProblem(attestedFrom: CalendarDay, today: CalendarDay): 'expired' | 'too_far' | undefined {
  if (!declaredPeriod(attestedFrom, today).applies) return 'expired';
  if (Number(attestedFrom.slice(0, 4)) > Number(today.slice(0, 4)) + 1) return 'too_far';
  return undefined;
}

/** « 1 200 », « 620 » → 1200, 620; anything else (cents, a sign, letters) → undefined. */
export function wholeEurosOf(text: string): number | undefined {
  const digits = text.replace(/[\s\u00a0\u202f]/g, '').replace(/€$/, '');
  if (!/^\d{1,9}$/.test(digits)) return undefined;
  return Number(digits);
}
