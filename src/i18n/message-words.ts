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
