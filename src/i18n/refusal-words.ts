import type { FieldProblem } from '../domain/errors.ts';
import type { Refusal, RefusalCode } from '../domain/refusals.ts';
import { markingRefusalWords, periodRefusalWords } from './attendance-words.ts';
import { formatDate } from './format.ts';
import { dateRefusalWords } from './input-words.ts';
import { passwordProblemWords } from './password-words.ts';
import { formatWholeEuros } from './quotient-words.ts';

type Words = { [C in RefusalCode]: (refusal: Extract<Refusal, { code: C }>) => string };

/**
 * What a form says next to a field a service refused, by the refusal's code (`src/domain/refusals.ts`).
 * Typed by the codes: a new code, and the compiler asks for its words here.
 */
const WORDS: Words = {
  // billing
  month_not_over: () => 'Ce mois n’est pas terminé : ses factures s’émettent à partir du 1er du mois suivant',
  credit_note_reason_missing: () => 'Indiquez le motif de l’avoir',
  credit_note_line_unavailable: () => 'Une des lignes choisies est déjà annulée par un avoir, ou n’est pas sur cette facture',
  invoice_fully_credited: () => 'Cette facture est déjà entièrement annulée par un avoir',
  // family: registrations
  already_registered: ({ childFirstName, activityName, schoolYear }) =>
    `${childFirstName} est déjà inscrit·e, ou une demande est en cours, pour « ${activityName} » en ${schoolYear}`,
  child_not_in_family: () => 'Choisissez un enfant de votre famille',
  activity_not_offered: () => 'Choisissez une activité de la liste',
  school_year_not_open: () => 'Choisissez une année scolaire ouverte aux inscriptions',
  // family: the family file and accounts
  email_taken: ({ email }) => `L'adresse ${email} est déjà celle d'un autre compte`,
  account_exists: ({ email }) => `Un compte existe déjà avec l'adresse ${email}`,
  guardians_share_email: () => 'Chaque responsable doit avoir sa propre adresse e-mail',
  file_reference_exists: ({ reference }) => `Le dossier ${reference} existe déjà`,
  field_locked: ({ label }) => `« ${label} » ne peut pas être modifié en ligne : contactez le service`,
  field_not_for_member: () => 'Ce champ ne concerne pas ce membre de la famille',
  others_sign_in_address: ({ firstName, lastName }) =>
    `L'adresse e-mail de ${firstName} ${lastName} sert à se connecter à son espace : seule cette personne peut en demander le changement`,
  // family: quotient familial
  quotient_missing: () => 'Indiquez votre quotient familial en euros, par exemple 620',
  quotient_not_whole_euros: () => 'Indiquez le quotient familial en euros entiers, sans centimes, par exemple 620',
  quotient_too_high: ({ maxEuros }) => `Le quotient familial ne peut pas dépasser ${formatWholeEuros(maxEuros)} : vérifiez le montant`,
  income_not_whole_euros: () => 'Indiquez le revenu annuel en euros entiers, sans centimes, par exemple 24000',
  income_too_high: ({ maxEuros }) => `Le revenu annuel ne peut pas dépasser ${formatWholeEuros(maxEuros)} : vérifiez le montant`,
  attestation_start_missing: () => "Indiquez la date de début de validité de l'attestation, par exemple 01/01/2026",
  date_invalid: () => 'Saisissez une date valide, par exemple 01/01/2026',
  date_refused: ({ refusal }) => dateRefusalWords(refusal),
  attestation_expired: ({ validUntil }) =>
    `Cette attestation n'est valable que jusqu'au ${formatDate(validUntil)} : elle ne s'appliquerait à aucun mois à venir. Joignez une attestation plus récente`,
  attestation_start_too_late: ({ latestYear }) => `La date de début ne peut pas dépasser le 31 décembre ${latestYear}`,
  attestation_file_missing: () => 'Joignez votre attestation de quotient familial (PDF, JPEG ou PNG)',
  declaration_pending: ({ submittedAt }) => `Votre déclaration du ${formatDate(submittedAt)} attend encore la réponse du service : une seule déclaration à la fois`,
  staff_quotient_invalid: ({ maxEuros }) => `Indiquez un quotient familial en euros entiers, de 0 à ${formatWholeEuros(maxEuros)}`,
  start_date_invalid: () => 'Saisissez une date de début valide, par exemple 01/01/2026',
  end_date_invalid: () => 'Saisissez une date de fin valide, par exemple 31/12/2026, ou laissez le champ vide',
  end_before_start: () => 'La date de fin doit être le jour de début ou après',
  // family: staff deciding requests
  request_quotient_expired: ({ requestId, validUntil }) =>
    `La déclaration n° ${requestId} s'appuie sur une attestation valable jusqu'au ${formatDate(validUntil)} seulement : elle ne s'appliquerait à aucun mois à venir, refusez la demande`,
  request_email_not_from_holder: ({ requestId, firstName, lastName }) =>
    `La demande n° ${requestId} change l'adresse de connexion de ${firstName} ${lastName} sans venir de cette personne : refusez la demande`,
  request_email_taken: ({ email }) => `L'adresse ${email} est déjà celle d'un autre compte : refusez la demande`,
  request_mandate_not_pending: ({ requestId }) =>
    `Le mandat de la demande n° ${requestId} ne peut pas être activé : le prélèvement n'est pas ouvert ou le mandat a déjà été traité`,
  // booking
  absence_no_day: () => 'Cochez au moins un jour réservé',
  absence_day_not_booked: () => 'Cochez seulement des jours réservés de la liste',
  absence_reason_unknown: () => 'Choisissez un motif dans la liste',
  absence_details_too_long: () => 'Écrivez 1 000 caractères au plus',
  absence_details_missing: () => 'Précisez le motif de l’absence',
  week_missing: () => 'Choisissez une semaine',
  recurring_activity_not_registered: () => 'Choisissez une activité à laquelle votre enfant est inscrit',
  attendance_marking: ({ refusal }) => markingRefusalWords(refusal),
  attendance_period: ({ refusal }) => periodRefusalWords(refusal),
  attendance_child_not_on_sheet: () => "Un enfant n'est pas sur la feuille de ce jour : rechargez la page et pointez à nouveau",
  attendance_child_not_registered: ({ activityName }) => `Choisissez un enfant inscrit à « ${activityName} » ce jour-là`,
  attendance_child_booked: ({ childName }) => `${childName} a une réservation ce jour-là : pointez-le·la dans la liste`,
  // accounts
  activation_link_expired: () => "Ce lien d'activation n'est plus valable",
  activation_link_used: () => "Ce lien d'activation a déjà été utilisé",
  reset_link_expired: () => "Ce lien n'est plus valable",
  reset_link_used: () => 'Ce lien a déjà été utilisé',
  current_password_wrong: () => 'Le mot de passe actuel est incorrect',
  password_unchanged: () => "Le nouveau mot de passe doit être différent de l'actuel",
  password_weak: ({ problem }) => passwordProblemWords(problem),
  passwords_differ: () => 'Les deux mots de passe ne sont pas identiques',
  self_registration_closed: () => "La création d'espace en ligne n'est pas ouverte dans cette commune",
};

/** « Ce mois n’est pas terminé : … » — the sentence of a refusal, as the form shows it next to its field. */
export function refusalWords(refusal: { readonly code: string }): string {
  const words = (WORDS as Record<string, ((refusal: Refusal) => string) | undefined>)[refusal.code];
  if (!words) throw new Error(`no words for the refusal ${refusal.code}`);
  return words(refusal as Refusal);
}

/** A refused field's sentence: the schema's message as it is, a service's refusal in words. */
export function fieldProblemWords(problem: FieldProblem): string {
  return problem.refusal ? refusalWords(problem.refusal) : problem.message;
}
