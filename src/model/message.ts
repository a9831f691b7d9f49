export interface Message {
  id: number;
  communeId: number;
  familyId: number;
  subject: string;
  body: string;
  sentBy: number;
  sentAt: Date;
  readAt: Date | null;
  readBy: number | null;
}

/** A sent message as staff list it: with the family and the names of the agent and the reader. */
export interface SentMessage extends Message {
  familyName: string;
  familyReference: string;
  sentByName: string;
  readByName: string | null;
}
