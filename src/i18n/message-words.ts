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

const FILE_KINDS: Record<string, string> = { 'application/pdf': 'PDF', 'image/jpeg': 'image JPEG', 'image/png': 'image PNG' };

/** « PDF, 120 Ko », « image JPEG, 2,4 Mo ». */
export function fileInWords(detectedType: string, size: number): string {
  const kind = FILE_KINDS[detectedType] ?? detectedType;
  const amount =
    size < 1024 * 1024
      ? `${Math.max(1, Math.round(size / 1024))} Ko`
      : `${(size / (1024 * 1024)).toLocaleString('fr-FR', { maximumFractionDigits: 1 })} Mo`;
  return `${kind}, ${amount}`;
}
