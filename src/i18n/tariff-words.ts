import type { PriceRule } from '../domain/tariffs.ts';
import { formatAmount } from './format.ts';

/**
 * The words of tariffs, from the codes of `src/domain/tariffs.ts`: the simulator says them, and an
 * invoice line can say the same (« tranche 451 à 700 € »).
 */

const wholeEuros = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 0 });
const ratePercent = new Intl.NumberFormat('fr-FR', { style: 'percent', maximumFractionDigits: 4 });

/** « 1 400 € »: a bound of a QF bracket, in whole euros. */
const quotientEuros = (euros: number) => `${wholeEuros.format(euros)}\u00a0€`;

/** « 0,65 % » from 0.0065. */
export function effortRateWords(rate: number): string {
  return ratePercent.format(rate);
}

/**
 * Which rule priced a unit: « tranche 451 à 700 € », « taux d'effort 0,65 % du quotient, plafonné à
 * 4,80 € », « tarif maximum : quotient non connu »…
 */
export function priceRuleWords(rule: PriceRule): string {
  switch (rule.kind) {
    case 'bracket':
      if (rule.upTo === null) return rule.from === 0 ? 'tarif unique' : `tranche au-delà de ${quotientEuros(rule.from - 1)}`;
      if (rule.from === 0) return `tranche jusqu'à ${quotientEuros(rule.upTo)}`;
      return `tranche ${wholeEuros.format(rule.from)} à ${quotientEuros(rule.upTo)}`;
    case 'effort': {
      const base = `taux d'effort ${effortRateWords(rule.rate)} du quotient`;
      if (rule.clamped === 'ceiling') return `${base}, plafonné à ${formatAmount(rule.ceiling)}`;
      if (rule.clamped === 'floor') return `${base}, porté au minimum de ${formatAmount(rule.floor)}`;
      return base;
    }
    case 'no_qf':
      return 'tarif maximum : quotient non connu';
    case 'non_resident':
      return 'tarif hors commune';
  }
}

/** « réduction fratrie 10 % » */
export function siblingReductionWords(percent: number): string {
  return `réduction fratrie ${percent}\u00a0%`;
}

/** « 8 repas », « 1 journée », « 3 séances »: a quantity of the commune file's unit. */
export function unitQuantityWords(quantity: number, unit: string): string {
  const plural = quantity > 1 && !/[sxz]$/.test(unit) ? `${unit}s` : unit;
  return `${quantity} ${plural}`;
}
