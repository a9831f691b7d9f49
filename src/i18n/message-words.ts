import { FILE_KIND_LABELS, formatFileSize } from './file-words.ts';
import { formatDate, formatTime } from './format.ts';

/** « jeudi 26 novembre 2026 à 10 h 05 »: when a message was written, in Paris time. */
export function formatMessageTime(value: Date): string {
  return `${formatDate(value)} à ${formatTime(value).replace('h', ' h ')}`;
}

/** « 1 message non lu », « 3 messages non lus », « Aucun message non lu ». */
export function unreadInWords(count: number): string {
  if (count === 0) return 'Aucun message non lu';
  return count === 1 ? '1 message non lu' : `${count} messages non lus`;
}

/** « 1 conversation attend une réponse », « 3 conversations attendent une réponse ». */
export function unansweredInWords(count: number): string {
  if (count === 0) return 'Aucune conversation n’attend de réponse';
  return count === 1 ? '1 conversation attend une réponse' : `${count} conversations attendent une réponse`;
}

/** « PDF, 120 Ko », « Image JPEG, 2,4 Mo ». */
export function fileInWords(detectedType: keyof typeof FILE_KIND_LABELS, size: number): string {
  return `${FILE_KIND_LABELS[detectedType]}, ${formatFileSize(size)}`;
}

/** What the messages' forms refuse, as codes the service gives. */
export type MessageFormProblem =
  | { code: 'body_missing' }
  | { code: 'body_too_long'; length: number; max: number }
  | { code: 'subject_unknown' }
  | { code: 'child_unknown' }
  | { code: 'attachment_empty' }
  | { code: 'agent_unknown' }
  | { code: 'too_many_threads'; limit: number; retryAfterSeconds: number }
  | { code: 'too_many_messages'; limit: number; retryAfterSeconds: number };

/** « dans 12 minutes », « dans 1 minute ». */
const waitWords = (seconds: number) => {
  const minutes = Math.max(1, Math.ceil(seconds / 60));
  return minutes === 1 ? 'dans 1 minute' : `dans ${minutes} minutes`;
};

/** The sentence next to the field for each refusal of a messages' form. */
export function messageFormWords(problem: MessageFormProblem): string {
  switch (problem.code) {
    case 'body_missing':
      return 'Écrivez votre message';
    case 'body_too_long':
      return `Votre message compte ${problem.length} caractères : raccourcissez-le à ${problem.max} caractères au plus`;
    case 'subject_unknown':
      return "Choisissez l'objet de votre message dans la liste";
    case 'child_unknown':
      return 'Choisissez un de vos enfants dans la liste, ou « Toute la famille »';
    case 'attachment_empty':
      return 'Le fichier choisi est vide : choisissez un autre fichier, ou aucun';
    case 'agent_unknown':
      return 'Choisissez un agent du service dans la liste';
    case 'too_many_threads':
      return `Vous avez ouvert ${problem.limit} conversations dans l'heure : votre message n'est pas envoyé, il reste ci-dessous. Réessayez ${waitWords(problem.retryAfterSeconds)}, ou écrivez dans une conversation déjà ouverte`;
    case 'too_many_messages':
      return `Vous avez envoyé ${problem.limit} messages dans l'heure : votre message n'est pas envoyé, il reste ci-dessous. Réessayez ${waitWords(problem.retryAfterSeconds)}`;
  }
}
