import type { FrenchWeekday } from '../../domain/calendar/calendar-day.ts';
import type { Simulation } from '../../domain/tariff-simulation.ts';
import type { SimulatorForm } from '../../services/billing/simulator-service.ts';
import { closedDayWords } from '../../i18n/booking-words.ts';
import { formatAmount, formatMonth } from '../../i18n/format.ts';
import { priceRuleWords, unitQuantityWords } from '../../i18n/tariff-words.ts';
import { capitalise } from '../../i18n/service-name.ts';

/** The field of an activity's weekdays in the simulator's form. */
export const weekField = (code: string) => `jours_${code}`;

export interface SimulatorFormView {
  activities: {
    name: string;
    field: string;
    per: string;
    weekdays: { value: FrenchWeekday; label: string }[];
  }[];
  months: { value: string; label: string }[];
  asksResidence: boolean;
}

export function presentSimulatorForm(form: SimulatorForm): SimulatorFormView {
  return {
    activities: form.activities.map((activity) => ({
      name: activity.name,
      field: weekField(activity.code),
      per: `par ${activity.unit}`,
      weekdays: activity.days.map((weekday) => ({ value: weekday, label: capitalise(weekday) })),
    })),
    months: form.months.map((month) => ({ value: month, label: capitalise(formatMonth(month)) })),
    asksResidence: form.asksResidence,
  };
}

/** « lundi, mardi et jeudi » */
function listWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} et ${words.at(-1)}`;
}

const dayCount = (days: number) => (days > 1 ? `${days} jours` : `${days} jour`);

export interface SimulationView {
  month: string;
  /** What the prices were computed with: « quotient familial de 712 € », « quotient non connu ». */
  basis: string;
  prices: { name: string; price: string; per: string; rule: string }[];
  lines: {
    name: string;
    weekdays: string;
    quantity: string;
    price: string;
    rule: string;
    amount: string;
    closed: string | null;
  }[];
  total: string;
}

export function presentSimulation(
  simulation: Simulation,
  form: SimulatorForm,
  { qf, resident }: { qf: number | null; resident: boolean },
): SimulationView {
  const activity = (code: string) => form.activities.find((candidate) => candidate.code === code)!;
  const quotient = qf === null ? 'quotient familial non connu' : `quotient familial de ${new Intl.NumberFormat('fr-FR').format(qf)}\u00a0€`;
  return {
    month: formatMonth(simulation.month),
    basis: form.asksResidence && !resident ? `${quotient}, famille domiciliée hors de la commune` : quotient,
    prices: simulation.prices.map(({ code, unit }) => ({
      name: activity(code).name,
      price: formatAmount(unit.price),
      per: `par ${activity(code).unit}`,
      rule: capitalise(priceRuleWords(unit.rule)),
    })),
    lines: simulation.lines.map(({ code, weekdays, unit, line, closed }) => ({
      name: activity(code).name,
      weekdays: capitalise(listWords(weekdays)),
      quantity: unitQuantityWords(line.quantity, activity(code).unit),
      price: formatAmount(unit.price),
      rule: capitalise(priceRuleWords(unit.rule)),
      amount: formatAmount(line.amount),
      closed: closed.length
        ? `Pas d'accueil : ${closed.map((group) => `${closedDayWords({ open: false, reason: group.reason, ...(group.name ? { name: group.name } : {}) })} (${dayCount(group.days)})`).join(' ; ')}`
        : null,
    })),
    total: formatAmount(simulation.total),
  };
}
