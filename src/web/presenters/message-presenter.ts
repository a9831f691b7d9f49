import type { Message, SentMessage } from '../../model/message.ts';
import { formatDateTime } from '../../i18n/format.ts';

export interface MessageSummaryView {
  id: number;
  subject: string;
  sentAt: string;
  unread: boolean;
  /** « Non lu » / « Lu »: said in words, the style only repeats it. */
  readLabel: string;
}

export interface MessageView {
  subject: string;
  sentAt: string;
  paragraphs: string[];
}

export interface SentMessageView {
  id: number;
  family: string;
  subject: string;
  sentAt: string;
  sentBy: string;
  readLabel: string;
  unread: boolean;
}

const paragraphsOf = (text: string) =>
  text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);

export function presentMessageList(messages: Message[]): MessageSummaryView[] {
  return messages.map((message) => ({
    id: message.id,
    subject: message.subject,
    sentAt: formatDateTime(message.sentAt),
    unread: message.readAt === null,
    readLabel: message.readAt === null ? 'Non lu' : 'Lu',
  }));
}

export function presentMessage(message: Message): MessageView {
  return { subject: message.subject, sentAt: formatDateTime(message.sentAt), paragraphs: paragraphsOf(message.body) };
}

export function presentSentMessages(messages: SentMessage[]): SentMessageView[] {
  return messages.map((message) => ({
    id: message.id,
    family: `${message.familyName} (dossier n° ${message.familyReference})`,
    subject: message.subject,
    sentAt: formatDateTime(message.sentAt),
    sentBy: message.sentByName,
    unread: message.readAt === null,
    readLabel: message.readAt ? `Lu le ${formatDateTime(message.readAt)} par ${message.readByName}` : 'Non lu',
  }));
}

/** « 1 message non lu », « 3 messages non lus », « Aucun message non lu ». */
export function unreadInWords(count: number): string {
  if (count === 0) return 'Aucun message non lu';
  return count === 1 ? '1 message non lu' : `${count} messages non lus`;
}
