import type { StoredFileType } from './stored-file.ts';

/** A file of a parent's porte-documents: private to the account that stored it (`ownerId`). */
export interface PrivateFileMeta {
  id: number;
  ownerId: number;
  label: string;
  size: number;
  detectedType: StoredFileType;
  createdAt: Date;
}

export interface PrivateFile extends PrivateFileMeta {
  content: Buffer;
}
