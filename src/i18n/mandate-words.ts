import type { RequestPayload } from '../model/request.ts';
import type { MandateStatus } from '../model/mandate.ts';
import type { BicProblem, IbanProblem } from '../domain/sepa.ts';

type MandatePayload = Extract<RequestPayload, { kind: 'sepa_mandate' }>;

/** A mandate request in words, for staff and for the family's history (the IBAN already masked). */
export function mandateInWords(payload: MandatePayload): string[] {
  return [
    `Titulaire du compte : ${payload.holderName}`,
    `IBAN : ${payload.ibanMasked}`,
    `BIC : ${payload.bic}`,
    `Adresse : ${payload.address}, ${payload.postcode} ${payload.city}`,
  ];
}

/** « compte FR76 •••• … 189 de Claire Martin », what the decision e-mail says was asked. */
export const mandateAsked = (payload: MandatePayload) => `compte ${payload.ibanMasked} de ${payload.holderName}`;

/** Why an IBAN is refused, next to the field. */
export const IBAN_PROBLEMS: Record<IbanProblem, string> = {
  empty: "Indiquez l'IBAN du compte à prélever, par exemple FR76 3000 6000 0112 3456 7890 189",
  format: "Cet IBAN n'a pas la forme attendue : vérifiez le pays et le nombre de caractères (27 pour un IBAN français)",
  checksum: "Cet IBAN n'est pas valide : une erreur de saisie s'est glissée, vérifiez-le sur votre RIB",
  not_sepa: "Ce compte n'est pas dans la zone SEPA : le prélèvement n'est possible que depuis un compte de la zone SEPA",
};

/** Why a BIC is refused, next to the field. */
export const BIC_PROBLEMS: Record<BicProblem, string> = {
  empty: 'Indiquez le BIC de votre banque, 8 ou 11 caractères, par exemple BNPAFRPP',
  format: "Ce BIC n'a pas la forme attendue : 8 ou 11 lettres et chiffres, par exemple BNPAFRPP ou BNPAFRPPXXX",
};

/** A mandate's status, as the parent's page says it. */
export const MANDATE_STATUS_LABELS: Record<MandateStatus, string> = {
  pending: 'En attente de validation',
  active: 'Actif',
  refused: 'Refusé',
};
