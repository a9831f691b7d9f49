import type { NextFunction, Request, RequestHandler, Response } from 'express';
import multer from 'multer';
import { ValidationError } from '../domain/errors.ts';
import { fieldTooLongWords, UNREADABLE_UPLOAD } from '../i18n/input-words.ts';
import { CERTIFICATE_MAX_BYTES } from '../services/files/file-checks.ts';

/** Why a multipart body could not be read whole: the form shows it again (400) and nothing is done. */
type UploadFailure = { code: 'unreadable'; field: string } | { code: 'field_too_long'; field: string; maxBytes: number };

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the multipart parser when the file went over the size limit. */
    uploadTooLarge?: boolean;
    /** Set by the multi-file parser when the form sent more files than it takes. */
    uploadTooMany?: boolean;
    /** Set by the multipart parser when the body was cut short, malformed, or a text over its limit. */
    uploadFailure?: UploadFailure;
  }
}

/**
 * Upload parsing is declared with the route that takes the upload, before its handler:
 *
 *     router.post('/quotient-familial', singleFileUpload('attestation'), formPost({ … }))
 *
 * No path pattern is kept in step elsewhere. The CSRF check has already run on the whole commune
 * router (it reads a multipart form's token from the first part, see `middleware/csrf.ts`), so the
 * body is read only for a request that comes from the portal's own page, after the route's role
 * check. The file stays in memory and goes to PostgreSQL, never to disk.
 *
 * Whatever the body, the handler runs: a file over its limit sets `uploadTooLarge` (the service
 * refuses it with its own message, the text kept); a body cut short, malformed, or with a text
 * over its limit sets `uploadFailure`, and `uploadOf`/`uploadsOf` turn it into a ValidationError,
 * so `formPost` shows the form again (400) with what could be read.
 */
export function singleFileUpload(field: string, { maxFieldBytes = 10_000 }: { maxFieldBytes?: number } = {}): RequestHandler {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: CERTIFICATE_MAX_BYTES, files: 1, fields: 200, fieldSize: maxFieldBytes, parts: 210 },
  }).single(field);
  return (req, res, next) => upload(req, res, (error: unknown) => recordFailure(req, error, field, maxFieldBytes, next));
}

/**
 * The parser of a multipart form that carries several files in one field (the pages of a requested
 * document), declared like `singleFileUpload`. `maxBytes` is the largest file any document type
 * of the commune allows; each type's own limit is checked by the service.
 */
export function multiFileUpload(field: string, maxFiles: number, maxBytes: (res: Response) => number): RequestHandler {
  const maxFieldBytes = 10_000;
  return (req, res, next) => {
    const upload = multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: maxBytes(res), files: maxFiles, fields: 50, fieldSize: maxFieldBytes, parts: 50 + maxFiles },
    }).array(field, maxFiles);
    upload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError && (error.code === 'LIMIT_FILE_COUNT' || error.code === 'LIMIT_UNEXPECTED_FILE')) {
        req.uploadTooMany = true;
        return next();
      }
      recordFailure(req, error, field, maxFieldBytes, next);
    });
  };
}

/** Every way a body can fail to be read becomes a mark on the request: the route's form answers it. */
function recordFailure(req: Request, error: unknown, fileField: string, maxFieldBytes: number, next: NextFunction) {
  if (!error) return next();
  if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
    // The fields written before the file (the CSRF token first) are kept; the file is not.
    req.uploadTooLarge = true;
  } else if (error instanceof multer.MulterError && error.code === 'LIMIT_FIELD_VALUE') {
    req.uploadFailure = { code: 'field_too_long', field: error.field ?? fileField, maxBytes: maxFieldBytes };
  } else {
    // busboy's « Unexpected end of form », a malformed part, a file in another field, too many parts.
    req.uploadFailure = { code: 'unreadable', field: fileField };
  }
  next();
}

/** A body that could not be read whole: the form is shown again, with what could be read. */
function refuseFailure(req: Request) {
  const failure = req.uploadFailure;
  if (!failure) return;
  const message = failure.code === 'field_too_long' ? fieldTooLongWords(failure.maxBytes) : UNREADABLE_UPLOAD;
  throw new ValidationError([{ field: failure.field, message }]);
}

/**
 * The file the form sent, as the services take it: none, too large, or its bytes and name. A body
 * that could not be read whole throws a ValidationError (the form again, 400).
 */
export function uploadOf(req: Request): { content: Buffer; originalName: string } | { tooLarge: true } | undefined {
  refuseFailure(req);
  if (req.uploadTooLarge) return { tooLarge: true };
  // No file chosen: browsers send a part with no file name, which multer skips. A chosen file that
  // is empty is kept, so the check refuses it with its own message rather than ignoring it.
  if (!req.file) return undefined;
  return fileInput(req.file);
}

/** Browsers send the name in UTF-8; busboy reads it as latin1. */
function fileInput(file: Express.Multer.File): { content: Buffer; originalName: string } {
  return { content: file.buffer, originalName: Buffer.from(file.originalname, 'latin1').toString('utf8') };
}

/** The files of a multi-file form: none, too many, too large, or each one's bytes and name. */
export function uploadsOf(req: Request): { tooLarge: true } | { tooMany: true } | { content: Buffer; originalName: string }[] {
  refuseFailure(req);
  if (req.uploadTooLarge) return { tooLarge: true };
  if (req.uploadTooMany) return { tooMany: true };
  return Array.isArray(req.files) ? req.files.map(fileInput) : [];
}

/**
 * « Écrire au service », a family's answer in a thread and a staff answer carry an optional file:
 * multipart. A message of 5 000 characters is up to 15 000 bytes in UTF-8 (3 bytes for some characters).
 */
export const messageAttachmentUpload = () => singleFileUpload('piece_jointe', { maxFieldBytes: 20_000 });
