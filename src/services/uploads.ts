import { createHash } from 'node:crypto';
import type { StoredFileType } from '../data/absence-repository.ts';
import type { Executor } from '../data/database.ts';
import type { Repositories } from '../data/index.ts';

/**
 * Uploads a family sends with a request (an absence's certificate, a quotient's attestation): PDF,
 * JPEG or PNG, checked by content, 5 MB at most, kept in PostgreSQL (DESIGN §7 Documents, §11 Files).
 */

/** DESIGN §7 / issue 6: a file of 5 MB at most. */
export const CERTIFICATE_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The type of an upload read from its first bytes, never from its name or the browser's claim.
 * A small signature table rather than a dependency: three formats only (DESIGN §7 Documents).
 * - PDF: « %PDF- » at offset 0 (ISO 32000-1 §7.5.2);
 * - PNG: the 8-byte signature 89 50 4E 47 0D 0A 1A 0A (RFC 2083 §3.1);
 * - JPEG: FF D8 FF (SOI marker followed by another marker).
 */
const SIGNATURES: { type: StoredFileType; bytes: number[] }[] = [
  { type: 'application/pdf', bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'image/png', bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'image/jpeg', bytes: [0xff, 0xd8, 0xff] },
];

export function detectFileType(content: Buffer): StoredFileType | undefined {
  return SIGNATURES.find(({ bytes }) => content.length > bytes.length && bytes.every((byte, index) => content[index] === byte))?.type;
}

export const EXTENSIONS: Record<StoredFileType, string> = { 'application/pdf': 'pdf', 'image/jpeg': 'jpg', 'image/png': 'png' };

/** A file as the form sent it; `tooLarge` when it went over the limit (the body parser stopped reading it). */
export type UploadInput = { content: Buffer; originalName: string } | { tooLarge: true };

/** A file that passed the checks, with its type read from its content. */
export interface CheckedUpload {
  content: Buffer;
  originalName: string;
  type: StoredFileType;
}

/** The file checked by size and content, or the French message for the form field `field`. */
export function checkUpload(file: UploadInput, field: string): { file: CheckedUpload } | { error: { field: string; message: string } } {
  if ('tooLarge' in file || file.content.length > CERTIFICATE_MAX_BYTES) {
    return { error: { field, message: 'Le fichier dépasse 5 Mo : choisissez un fichier plus léger' } };
  }
  const type = detectFileType(file.content);
  if (!type) return { error: { field, message: 'Le fichier doit être un PDF, une image JPEG ou PNG (son contenu ne correspond à aucun de ces formats)' } };
  return { file: { ...file, type } };
}

/** Stores a checked file of the family in `stored_files`, in the action's transaction; answers its id. */
export function storeUpload(
  repositories: Repositories,
  communeId: number,
  familyId: number,
  file: CheckedUpload,
  defaultName: string,
  createdAt: Date,
  executor: Executor,
): Promise<number> {
  return repositories.absences.insertFile(
    communeId,
    {
      familyId,
      content: file.content,
      detectedType: file.type,
      sha256: createHash('sha256').update(file.content).digest('hex'),
      originalName: storedNameOf(file, defaultName),
      createdAt,
    },
    executor,
  );
}

/** The name a stored file keeps: the sender's, shortened, or `<defaultName>.<extension>`. */
export function storedNameOf(file: CheckedUpload, defaultName: string): string {
  return file.originalName.slice(0, 200) || `${defaultName}.${EXTENSIONS[file.type]}`;
}
