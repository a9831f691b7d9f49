import type { RequestPayload } from '../model/request.ts';
import { MANDATE_TEXT_MAX, type DebitRejectReason, type InvoiceDebit, type Mandate, type MandateProblem, type MandateStatus } from '../model/mandate.ts';
import { formatDate } from './format.ts';
import type { BicProblem, IbanProblem, SepaTextProblem } from '../domain/sepa.ts';

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

/** Why the holder's name, address or town is refused, next to the field. */
const TEXT_PROBLEMS: Record<'titulaire' | 'adresse' | 'ville', Record<SepaTextProblem, string>> = {
  titulaire: {
    empty: 'Indiquez le nom du titulaire du compte',
    too_long: `Le nom du titulaire ne peut pas dépasser ${MANDATE_TEXT_MAX} caractères`,
    no_sepa_characters:
      'Écrivez le nom du titulaire en lettres, comme sur votre RIB (les accents sont acceptés) : les banques ne lisent pas les symboles ni les émojis, et refuseraient le prélèvement',
  },
  adresse: {
    empty: "Indiquez l'adresse du titulaire du compte",
    too_long: `L'adresse ne peut pas dépasser ${MANDATE_TEXT_MAX} caractères`,
    no_sepa_characters: "Écrivez l'adresse en lettres et en chiffres, par exemple 12 rue des Tilleuls : les banques ne lisent pas les symboles ni les émojis",
  },
  ville: {
    empty: 'Indiquez la ville du titulaire du compte',
    too_long: `La ville ne peut pas dépasser ${MANDATE_TEXT_MAX} caractères`,
    no_sepa_characters: 'Écrivez la ville en lettres, par exemple Le Mesnil-Saint-Denis : les banques ne lisent pas les symboles ni les émojis',
  },
};

/** A problem of the mandate form (src/services/payment/mandate-service.ts `MandateProblem`), next to its field. */
export function mandateProblemWords(problem: MandateProblem): string {
  switch (problem.field) {
    case 'iban':
      return IBAN_PROBLEMS[problem.problem];
    case 'bic':
      return BIC_PROBLEMS[problem.problem];
    case 'code_postal':
      return 'Indiquez un code postal de 5 chiffres, par exemple 78320';
    case 'autorisation':
      return 'Cochez la case pour autoriser le prélèvement';
    default:
      return TEXT_PROBLEMS[problem.field][problem.problem];
  }
}

/** Why a family cannot sign a second mandate: the one in force, or the one the service is still to decide. */
export function mandateAlreadyThereWords(current: Pick<Mandate, 'status' | 'reference' | 'createdAt'>): string {
  return current.status === 'active'
    ? `Votre mandat de prélèvement est déjà actif (référence ${current.reference}) : pour changer de compte, contactez le service`
    : `Votre mandat du ${formatDate(current.createdAt)} attend encore la réponse du service : un seul mandat à la fois`;
}

/**
 * Why the month's debit file is not written: these invoices' mandates have a holder or an address
 * the banks cannot read (written before such mandates were refused), and one such debit makes the
 * bank refuse the whole file.
 */
export function unwritableDebtorsWords(invoiceNumbers: readonly string[]): string {
  const which = invoiceNumbers.length > 1 ? `des factures ${invoiceNumbers.join(', ')}` : `de la facture ${invoiceNumbers[0]}`;
  return `Fichier non créé : le mandat ${which} a un titulaire ou une adresse que les banques ne peuvent pas lire (aucune lettre une fois les symboles retirés), et la banque refuserait tout le fichier. Encaissez ces factures au guichet, puis exportez à nouveau ; la famille devra signer un nouveau mandat.`;
}

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
