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
