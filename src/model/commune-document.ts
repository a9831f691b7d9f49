import type { StoredFileType } from './stored-file.ts';

/** A document the commune publishes for its families (règlement intérieur, menus, forms). */
export interface CommuneDocumentMeta {
  id: number;
  title: string;
  description: string;
  /** A form to fill in and send back, as the document type `documentTypeCode` of the commune file. */
  toReturn: boolean;
  documentTypeCode: string | null;
  size: number;
  detectedType: StoredFileType;
  originalName: string;
  publishedAt: Date;
}

export interface CommuneDocument extends CommuneDocumentMeta {
  content: Buffer;
}

/** What staff publish, once the file has passed the checks. */
export interface CommuneDocumentInput {
  title: string;
  description: string;
  toReturn: boolean;
  documentTypeCode: string | null;
}
