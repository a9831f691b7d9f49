import type { CommuneFile } from '../config/commune-file.ts';
import type { StoredFileMeta } from './stored-file.ts';

/** A document type of the commune file (`documentTypes`): family-wide or per child. */
export type DocumentType = CommuneFile['documentTypes'][number];

export type DocumentSubmissionStatus = 'pending' | 'accepted' | 'refused';

/**
 * One sending of a requested document (issue 13): its pages, and the staff decision — accepted
 * until `validUntil` (the last valid day, inclusive) or refused with a reason.
 */
export interface DocumentSubmission {
  id: number;
  familyId: number;
  /** Null for a family-wide document. */
  memberId: number | null;
  typeCode: string;
  status: DocumentSubmissionStatus;
  submittedBy: number;
  submittedAt: Date;
  decidedBy: number | null;
  decidedAt: Date | null;
  validUntil: string | null;
  refusalReason: string | null;
  files: StoredFileMeta[];
}

/** A pending sending as the staff queue shows it: with the family and the child it is for. */
export interface QueuedDocument extends DocumentSubmission {
  familyName: string;
  familyReference: string;
  memberName: string | null;
  submittedByName: string;
}
