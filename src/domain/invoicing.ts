import { deadlineFor, ruleFor, type BookingRule, type WindowOptions } from './booking-window.ts';
import { addDays, type CalendarDay } from './calendar/calendar-day.ts';
import { dayStatus, type ActivityDays, type CommuneCalendar } from './calendar/closed-days.ts';
import { dayPrice, priceLine, unitPrice, type DayCharge, type PriceRule, type Tariff } from './tariffs.ts';

/**
 * The monthly invoice of a family (DESIGN §7 Invoices; README « Facturation »). Pure: the service
 * gives the month's facts, read for every family of the commune at once; this module decides, day
 * by day, what is billed and at what price, and returns codes and numbers, never words.
 *
 * A day of a child at an activity is billed only when the activity is open that day (a school
 * holiday, a public holiday or a closure day bills nothing, whatever was booked) and a validated
 * registration of the child to the activity covers it. Then, in this order:
 * 1. an accepted justified absence: not billed;
 * 2. booked (`booked`, or `cancelled` at or after the cancellation deadline — a late cancellation
 *    is billed as booked): `no_show` when staff marked the child absent, else `booked` (present or
 *    not marked: the sheet is the exception, the booking the rule);
 * 3. not booked (no booking, cancelled before the deadline, or on the waiting list) but marked
 *    present: `unbooked`, billed where the tariff charges it (unit price plus the surcharge);
 * 4. anything else: not billed.
 * A late cancellation is `booked`, never `no_show`: the family told the commune, late.
 *
 * Prices: the QF valid on the first day of the month, the family's residence, and the child's rank
 * among the family's children billed that month, eldest first (birth date, then the member id; a
 * child without a birth date comes last). One line per child × activity × kind of day, with its
 * days; amounts and rounding are `tariffs.ts`'s (half up, per line).
 */

export interface InvoicingActivity extends ActivityDays {
  id: number;
  name: string;
  rules: { booking: BookingRule; cancelling?: BookingRule | undefined; tariff: Tariff };
}

export interface InvoicingChild {
  id: number;
  /** The name printed on the line (data, as the family file holds it). */
  name: string;
  birthDate: string | null;
}

export type BookingState = 'booked' | 'waiting' | 'cancelled';

export interface DayBooking {
  memberId: number;
  activityId: number;
  day: CalendarDay;
  status: BookingState;
  /** When the booking last changed: for a cancelled one, when it was cancelled. */
  changedAt: Date;
}

export interface DayMark {
  memberId: number;
  activityId: number;
  day: CalendarDay;
  status: 'present' | 'absent';
}

export interface DayRef {
  memberId: number;
  activityId: number;
  day: CalendarDay;
}

export interface RegistrationSpan {
  memberId: number;
  activityId: number;
  startsOn: CalendarDay;
  endsOn: CalendarDay;
}

/** One family's facts for the month. */
export interface FamilyMonth {
  familyId: number;
  children: readonly InvoicingChild[];
  /** The QF valid on the first day of the month (whole euros), or null: top price. */
  qf: number | null;
  resident: boolean;
  registrations: readonly RegistrationSpan[];
  bookings: readonly DayBooking[];
  attendance: readonly DayMark[];
  justifiedAbsences: readonly DayRef[];
}

/** The commune's side of a month: its days, calendar and activities. */
export interface CommuneMonth {
  /** First day of the month. */
  month: CalendarDay;
  calendar: CommuneCalendar;
  windowOptions: WindowOptions;
  activities: readonly InvoicingActivity[];
}

export interface ComputedLine {
  memberId: number;
  childName: string;
  activityId: number;
  activityName: string;
  charge: DayCharge;
  unitPriceCents: number;
  quantity: number;
  grossCents: number;
  siblingReductionPercent: number;
  reductionCents: number;
  amountCents: number;
  rule: PriceRule;
  days: CalendarDay[];
}

export interface ComputedInvoice {
  familyId: number;
  qf: number | null;
  lines: ComputedLine[];
  totalCents: number;
}

const CHARGE_ORDER: readonly DayCharge[] = ['booked', 'no_show', 'unbooked'];

/** 'YYYY-MM-01' → the month's first and last day. */
export function monthPeriod(month: CalendarDay): { start: CalendarDay; end: CalendarDay } {
  if (!/^\d{4}-\d{2}-01$/.test(month)) throw new RangeError(`not the first day of a month: ${month}`);
  const [year, monthNumber] = month.split('-').map(Number) as [number, number];
  const next = monthNumber === 12 ? `${year + 1}-01-01` : `${year}-${String(monthNumber + 1).padStart(2, '0')}-01`;
  return { start: month, end: addDays(next, -1) };
}

/** Every day of the month, in order. */
export function daysOfMonth(month: CalendarDay): CalendarDay[] {
  const { start, end } = monthPeriod(month);
  const days: CalendarDay[] = [];
  for (let day = start; day <= end; day = addDays(day, 1)) days.push(day);
  return days;
}

/** Lower case, without accents, hyphens, apostrophes or spaces: « Villennes-sur-Seine » = « villennes sur seine ». */
function cityKey(city: string): string {
  return city
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase()
    .replace(/^(st|ste)\b/, (word) => (word === 'st' ? 'saint' : 'sainte'))
    .replace(/[^a-z0-9]/g, '');
}

/**
 * Whether a family lives in the commune: its city is the commune's name or one of the commune's
 * `billing.residentCities` (compared without accents, case, hyphens or spaces). The city decides,
 * not the postcode: several communes share one (78670 is Villennes-sur-Seine and Médan). A family
 * whose file has no city is resident: the non-resident price is only billed on a known address.
 */
export function isResident(family: { city: string | null }, commune: { name: string; residentCities?: readonly string[] }): boolean {
  if (!family.city || !family.city.trim()) return true;
  const key = cityKey(family.city);
  return [commune.name, ...(commune.residentCities ?? [])].some((city) => cityKey(city) === key);
}

/** The children in the order of their rank: eldest first, then the member id; no birth date last. */
export function siblingOrder<C extends { id: number; birthDate: string | null }>(children: readonly C[]): C[] {
  return [...children].sort((a, b) => {
    if (a.birthDate !== b.birthDate) {
      if (a.birthDate === null) return 1;
      if (b.birthDate === null) return -1;
      return a.birthDate < b.birthDate ? -1 : 1;
    }
    return a.id - b.id;
  });
}

const key = (memberId: number, activityId: number, day: CalendarDay) => `${memberId}:${activityId}:${day}`;

/**
 * What one day costs a family, as a kind of day, or null when it is not billed (rules 1 to 4 above;
 * the day is known open and registered).
 */
export function chargeOf(
  facts: { booking: DayBooking | undefined; mark: DayMark['status'] | undefined; justified: boolean },
  cancellationDeadline: () => Date,
): DayCharge | null {
  if (facts.justified) return null;
  const { booking, mark } = facts;
  if (booking?.status === 'booked') return mark === 'absent' ? 'no_show' : 'booked';
  if (booking?.status === 'cancelled' && booking.changedAt.getTime() >= cancellationDeadline().getTime()) return 'booked';
  return mark === 'present' ? 'unbooked' : null;
}

/** A family's invoice for the month: its lines (possibly none) and total. */
export function invoiceFamily(commune: CommuneMonth, family: FamilyMonth): ComputedInvoice {
  const { start, end } = monthPeriod(commune.month);
  const inMonth = (day: CalendarDay) => day >= start && day <= end;
  const bookings = new Map(family.bookings.filter((b) => inMonth(b.day)).map((b) => [key(b.memberId, b.activityId, b.day), b]));
  const marks = new Map(family.attendance.filter((m) => inMonth(m.day)).map((m) => [key(m.memberId, m.activityId, m.day), m.status]));
  const justified = new Set(family.justifiedAbsences.filter((a) => inMonth(a.day)).map((a) => key(a.memberId, a.activityId, a.day)));
  const activities = new Map(commune.activities.map((activity) => [activity.id, activity]));

  // Every (child, activity, day) with a fact, inside a registration, on an open day.
  const candidates = new Map<string, DayRef>();
  for (const fact of [...bookings.values(), ...family.attendance.filter((m) => inMonth(m.day))]) {
    candidates.set(key(fact.memberId, fact.activityId, fact.day), { memberId: fact.memberId, activityId: fact.activityId, day: fact.day });
  }
  const registered = (ref: DayRef) =>
    family.registrations.some((r) => r.memberId === ref.memberId && r.activityId === ref.activityId && r.startsOn <= ref.day && ref.day <= r.endsOn);

  // child → activity → charge → days
  const billed = new Map<number, Map<number, Map<DayCharge, CalendarDay[]>>>();
  for (const [dayKey, ref] of candidates) {
    const activity = activities.get(ref.activityId);
    if (!activity || !registered(ref) || !dayStatus(ref.day, activity, commune.calendar).open) continue;
    const charge = chargeOf({ booking: bookings.get(dayKey), mark: marks.get(dayKey), justified: justified.has(dayKey) }, () =>
      deadlineFor(ruleFor(activity.rules, 'cancelling'), ref.day, commune.windowOptions),
    );
    // A kind of day the tariff does not bill (attendance without booking, without a surcharge) is left out.
    if (charge === null || (charge === 'unbooked' && activity.rules.tariff.unbookedSurchargePercent === undefined)) continue;
    const byActivity = billed.get(ref.memberId) ?? new Map<number, Map<DayCharge, CalendarDay[]>>();
    const byCharge = byActivity.get(ref.activityId) ?? new Map<DayCharge, CalendarDay[]>();
    byCharge.set(charge, [...(byCharge.get(charge) ?? []), ref.day]);
    byActivity.set(ref.activityId, byCharge);
    billed.set(ref.memberId, byActivity);
  }

  const lines: ComputedLine[] = [];
  const children = siblingOrder(family.children.filter((child) => billed.has(child.id)));
  children.forEach((child, index) => {
    const byActivity = billed.get(child.id)!;
    for (const activity of commune.activities) {
      const byCharge = byActivity.get(activity.id);
      if (!byCharge) continue;
      const tariff = activity.rules.tariff;
      const unit = unitPrice(tariff, { qf: family.qf, resident: family.resident, childRank: index + 1 });
      for (const charge of CHARGE_ORDER) {
        const days = byCharge.get(charge);
        const charged = days && dayPrice(tariff, unit, charge);
        if (!days || !charged) continue;
        const priced = priceLine(charged, days.length);
        lines.push({
          memberId: child.id,
          childName: child.name,
          activityId: activity.id,
          activityName: activity.name,
          charge,
          unitPriceCents: priced.unitPrice,
          quantity: priced.quantity,
          grossCents: priced.gross,
          siblingReductionPercent: priced.siblingReductionPercent,
          reductionCents: priced.reduction,
          amountCents: priced.amount,
          rule: unit.rule,
          days: [...days].sort(),
        });
      }
    }
  });
  return { familyId: family.familyId, qf: family.qf, lines, totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0) };
}

/** The run's totals per activity (the preview's summary): days and cents. */
export function totalsPerActivity(invoices: readonly ComputedInvoice[]): Map<number, { days: number; amountCents: number }> {
  const totals = new Map<number, { days: number; amountCents: number }>();
  for (const invoice of invoices) {
    for (const line of invoice.lines) {
      const total = totals.get(line.activityId) ?? { days: 0, amountCents: 0 };
      totals.set(line.activityId, { days: total.days + line.quantity, amountCents: total.amountCents + line.amountCents });
    }
  }
  return totals;
}

/** The due date: `dueDays` calendar days after the issue day. */
export function dueOn(issueDay: CalendarDay, dueDays: number): CalendarDay {
  return addDays(issueDay, dueDays);
}

/** An invoice number, « FAC-2026-000123 »; a credit note's, « AV-2026-000004 ». */
export function invoiceNumber(kind: 'invoice' | 'credit_note', year: number, sequence: number): string {
  return `${kind === 'invoice' ? 'FAC' : 'AV'}-${year}-${String(sequence).padStart(6, '0')}`;
}
