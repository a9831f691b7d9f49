import { formatDate } from './format.ts';

/**
 * The words of the quotient familial. A QF and a declared income are whole euros by nature (a CAF
 * attestation gives them so), not amounts to pay: « 620 € », « 24 000 € », without cents. Amounts
 * to pay stay integer cents, written by `formatAmount`.
 */
const wholeEuros = new Intl.NumberFormat('fr-FR', { style: 'currency', currency: 'EUR', maximumFractionDigits: 0, minimumFractionDigits: 0 });

/** « 620 € », « 1 250 € » */
export function formatWholeEuros(euros: number): string {
  return wholeEuros.format(euros);
}

export const QUOTIENT_SOURCE_LABELS = {
  staff: 'Saisi par le service',
  declaration: 'Déclaré par la famille',
} as const;

/** « du jeudi 1er janvier 2026 au jeudi 31 décembre 2026 », « à partir du … (sans date de fin) » */
export function validityInWords(validFrom: string, validUntil: string | null): string {
  return validUntil ? `du ${formatDate(validFrom)} au ${formatDate(validUntil)}` : `à partir du ${formatDate(validFrom)}, sans date de fin`;
}

/** A declaration in words, one line each: the value, the income, the attestation's start, the file. */
export function quotientDeclarationInWords(payload: { value: number; annualIncome: number | null; attestedFrom: string; fileName: string }): string[] {
  return [
    `Quotient familial déclaré : ${formatWholeEuros(payload.value)}`,
    ...(payload.annualIncome === null ? [] : [`Revenu annuel déclaré : ${formatWholeEuros(payload.annualIncome)}`]),
    `Attestation valable à partir du ${formatDate(payload.attestedFrom)}`,
    `Attestation jointe : ${payload.fileName}`,
  ];
}
