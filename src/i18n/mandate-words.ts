import type { RequestPayload } from '../model/request.ts';
import type { DebitRejectReason, InvoiceDebit, MandateStatus } from '../model/mandate.ts';
import { formatDate } from './format.ts';
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

/** A rejection's reason code in words (what the bank's notice says, as staff and families read it). */
export const DEBIT_REJECT_REASON_LABELS: Record<DebitRejectReason, string> = {
  AM04: 'provision insuffisante',
  AC04: 'compte clôturé',
  AC06: 'compte bloqué',
  AC01: 'coordonnées bancaires erronées',
  MD01: 'absence de mandat',
  MD06: 'contestation du titulaire du compte',
  MS02: 'refus du titulaire du compte',
  MS03: 'motif non communiqué par la banque',
};

/** Where an invoice's debit stands, in one sentence under its status (the family on direct debit). */
export function debitInWords(debit: InvoiceDebit): string {
  const date = formatDate(debit.date);
  switch (debit.state) {
    case 'scheduled':
      return `Sera prélevée à son échéance, le ${date}`;
    case 'submitted':
      return `Prélèvement demandé à votre banque pour le ${date}`;
    case 'collected':
      return `Prélevée le ${date}`;
    case 'rejected':
      return `Prélèvement du ${date} rejeté par votre banque (${DEBIT_REJECT_REASON_LABELS[debit.rejectReason!]}) : à régler en ligne ou au guichet`;
  }
}
