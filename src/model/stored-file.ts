/**
 * Files people send, kept in PostgreSQL (DESIGN §11 Files): one shape for every table that holds
 * them, and the codes of what an upload check or a limit refuses (said in src/i18n/file-words.ts).
 */
export type StoredFileType = 'application/pdf' | 'image/jpeg' | 'image/png';

export interface StoredFileMeta {
  id: number;
  familyId: number;
  size: number;
  detectedType: StoredFileType;
  sha256: string;
  originalName: string;
  createdAt: Date;
}

export interface StoredFile extends StoredFileMeta {
  content: Buffer;
}

/** What makes a PDF able to act when opened, as the PDF reader found it. */
export type ActiveContent = 'javascript' | 'embedded_file' | 'xfa' | 'launch' | 'media';

/** Why a file, or a sending of files, is refused: codes the services give, words said by i18n. */
export type FileProblem =
  | { code: 'missing'; purpose: 'store' | 'send' }
  | { code: 'empty' }
  | { code: 'too_large'; maxBytes: number }
  | { code: 'unknown_type' }
  | { code: 'type_not_allowed'; types: readonly StoredFileType[] }
  | { code: 'broken_pdf' }
  | { code: 'encrypted_pdf' }
  | { code: 'active_pdf'; reason: ActiveContent | 'pattern' }
  | { code: 'too_complex_pdf' }
  | { code: 'too_many_files'; maxFiles: number }
  | { code: 'sending_too_many_pages'; maxPages: number; pages: number }
  | { code: 'sending_too_large'; maxBytes: number; bytes: number }
  | { code: 'family_budget'; fileBytes: number; usedBytes: number; budgetBytes: number }
  | { code: 'account_quota'; fileBytes: number; usedBytes: number; quotaBytes: number };

/** The space a family's files take against its budget (issue 18 item 7). */
export interface FamilyStorage {
  usedBytes: number;
  budgetBytes: number;
}
