import type { DocumentState } from '../domain/document-status.ts';
import { formatDate } from './format.ts';

/** The words of requested documents (issue 13): statuses, and why a registration or a booking waits for one. */

/** « Attestation d'assurance extrascolaire » de Léa, or of the family. */
export const documentOf = (typeName: string, childFirstName: string | null) =>
  childFirstName ? `le document « ${typeName} » de ${childFirstName}` : `le document « ${typeName} » de la famille`;

/** The status as a tag says it: words always, the colour only repeats them. */
export function documentStatusWords(state: DocumentState): string {
  switch (state.code) {
    case 'missing':
      return 'À fournir';
    case 'pending':
      return 'Transmis, en cours de vérification';
    case 'accepted':
      return `Validé jusqu'au ${formatDate(state.validUntil)}`;
    case 'refused':
      return 'Refusé, à fournir de nouveau';
    case 'expired':
      return `Expiré le ${formatDate(state.validUntil)}, à fournir de nouveau`;
  }
}

export type DocumentPurpose = 'registration' | 'booking';

/**
 * Why a registration request or a booking is refused: « Pour « Restauration scolaire », le document
 * « Attestation d'assurance » de Léa est à fournir : envoyez-le depuis « Mes documents ». »
 */
export function missingDocumentSentence(state: DocumentState, document: string, activityName: string, purpose: DocumentPurpose): string {
  const start = `Pour « ${activityName} », ${document}`;
  switch (state.code) {
    case 'pending':
      return `${start} est en cours de vérification par le service : vous pourrez ${purpose === 'registration' ? "demander l'inscription" : 'réserver'} une fois le document validé`;
    case 'refused':
      return `${start} a été refusé (${state.reason}) : envoyez-en un nouveau depuis « Mes documents »`;
    case 'expired':
      return `${start} a expiré le ${formatDate(state.validUntil)} : envoyez-en un nouveau depuis « Mes documents »`;
    case 'missing':
    case 'accepted':
      return `${start} est à fournir : envoyez-le depuis « Mes documents »`;
  }
}

/** A booking refused for a document, in the week's list of refused days. */
export const documentMissingForBooking = (documentName: string) => `document « ${documentName} » à fournir d'abord (Mes documents)`;

/** « 350 Ko », « 1,2 Mo »: the size of a file sent. */
export function fileSizeWords(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(1, Math.round(bytes / 1024))} Ko`;
  return `${(bytes / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
}

const FORMAT_WORDS = { pdf: 'PDF', jpeg: 'JPEG', png: 'PNG' } as const;

/** « PDF, JPEG ou PNG, 5 Mo au plus par fichier » */
export function acceptedFormatsWords(formats: readonly ('pdf' | 'jpeg' | 'png')[], maxSizeMb: number): string {
  const words = formats.map((format) => FORMAT_WORDS[format]);
  const list = words.length > 1 ? `${words.slice(0, -1).join(', ')} ou ${words.at(-1)}` : words[0]!;
  return `${list}, ${maxSizeMb} Mo au plus par fichier`;
}

/** What the documents' forms refuse, as codes the services give (requested documents, porte-documents, documentation). */
export type DocumentFormProblem =
  | { code: 'document_unknown' }
  | { code: 'valid_until_missing' }
  | { code: 'refusal_reason_missing' }
  | { code: 'label_missing' }
  | { code: 'label_too_long'; max: number }
  | { code: 'title_missing' }
  | { code: 'title_too_long'; max: number }
  | { code: 'description_too_long'; max: number }
  | { code: 'type_unknown' }
  | { code: 'type_for_return_missing' }
  | { code: 'publication_file_missing' };

/** The sentence next to the field for each refusal of a documents' form. */
export function documentFormWords(problem: DocumentFormProblem): string {
  switch (problem.code) {
    case 'document_unknown':
      return 'Choisissez un document de la liste';
    case 'valid_until_missing':
      return "Indiquez la fin de validité du document, une date postérieure à aujourd'hui";
    case 'refusal_reason_missing':
      return 'Indiquez le motif du refus : la famille le recevra par e-mail';
    case 'label_missing':
      return 'Saisissez le nouveau nom du document';
    case 'label_too_long':
      return `Le nom du document ne peut pas dépasser ${problem.max} caractères`;
    case 'title_missing':
      return 'Saisissez le titre du document';
    case 'title_too_long':
      return `Le titre ne peut pas dépasser ${problem.max} caractères`;
    case 'description_too_long':
      return `La description ne peut pas dépasser ${problem.max} caractères`;
    case 'type_unknown':
      return 'Choisissez un type de document de la liste';
    case 'type_for_return_missing':
      return 'Choisissez le document demandé sous lequel la famille renverra ce formulaire';
    case 'publication_file_missing':
      return 'Choisissez le fichier à publier (PDF, JPEG ou PNG)';
  }
}

/** « Attestation d'assurance de Léa »: a sending as the decision mail and the flash name it. */
export const documentLabelWords = (typeName: string, childFirstName: string | null) => (childFirstName ? `${typeName} de ${childFirstName}` : typeName);

/** The name a porte-documents file takes when neither the parent nor the file gave one. */
export const DEFAULT_PRIVATE_FILE_LABEL = 'Document';

/** The page where a family sends its documents, as a link names it. */
export const MY_DOCUMENTS = 'Mes documents';
