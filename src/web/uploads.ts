import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import type { UserRole } from '../model/user.ts';
import { CERTIFICATE_MAX_BYTES } from '../services/files/file-checks.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the multipart parser when the file went over the size limit. */
    uploadTooLarge?: boolean;
    /** Set by the multi-file parser when the form sent more files than it takes. */
    uploadTooMany?: boolean;
  }
}

/**
 * The parser of a multipart form that carries one file (an absence's certificate, a quotient's
 * attestation). Its body must be read before the CSRF check, which reads `req.body._csrf`: mounted
 * before the CSRF middleware, the parser acts only on the POST of a signed-in user of `roles` (a
 * parent unless said) to `path`; a text field holds `maxFieldBytes` at most;
 * the CSRF check then runs as on every form. The file stays in memory (5 MB at most) and goes to
 * PostgreSQL, never to disk.
 */
export function singleFileUploadParser(path: RegExp, field: string, roles: readonly UserRole[] = ['parent'], maxFieldBytes = 10_000) {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: CERTIFICATE_MAX_BYTES, files: 1, fields: 200, fieldSize: maxFieldBytes, parts: 210 },
  }).single(field);
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || !path.test(req.path) || !req.user || !roles.includes(req.user.role)) return next();
    upload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
        // The fields written before the file (the CSRF token first) are kept; the file is not.
        req.uploadTooLarge = true;
        return next();
      }
      if (error instanceof multer.MulterError) return next(Object.assign(new Error(error.message), { status: 400 }));
      next(error as Error | undefined);
    });
  };
}

/** The file the form sent, as the services take it: none, too large, or its bytes and name. */
export function uploadOf(req: Request): { content: Buffer; originalName: string } | { tooLarge: true } | undefined {
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

/**
 * The parser of a multipart form that carries several files in one field (the pages of a requested
 * document), mounted like `singleFileUploadParser`. `maxBytes` is the largest file any document
 * type of the commune allows; each type's own limit is checked by the service.
 */
export function multiFileUploadParser(path: RegExp, field: string, maxFiles: number, maxBytes: (res: Response) => number) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'POST' || !path.test(req.path) || req.user?.role !== 'parent') return next();
    const upload = multer({
      storage: multer.memoryStorage(),
      limits: { fileSize: maxBytes(res), files: maxFiles, fields: 50, fieldSize: 10_000, parts: 50 + maxFiles },
    }).array(field, maxFiles);
    upload(req, res, (error: unknown) => {
      if (error instanceof multer.MulterError && error.code === 'LIMIT_FILE_SIZE') {
        req.uploadTooLarge = true;
        return next();
      }
      if (error instanceof multer.MulterError && (error.code === 'LIMIT_FILE_COUNT' || error.code === 'LIMIT_UNEXPECTED_FILE')) {
        req.uploadTooMany = true;
        return next();
      }
      if (error instanceof multer.MulterError) return next(Object.assign(new Error(error.message), { status: 400 }));
      next(error as Error | undefined);
    });
  };
}

/** The files of a multi-file form: none, too many, too large, or each one's bytes and name. */
export function uploadsOf(req: Request): { tooLarge: true } | { tooMany: true } | { content: Buffer; originalName: string }[] {
  if (req.uploadTooLarge) return { tooLarge: true };
  if (req.uploadTooMany) return { tooMany: true };
  return Array.isArray(req.files) ? req.files.map(fileInput) : [];
}
