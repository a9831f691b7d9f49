import type { NextFunction, Request, Response } from 'express';
import multer from 'multer';
import type { UserRole } from '../model/user.ts';
import { CERTIFICATE_MAX_BYTES } from '../services/uploads.ts';

declare module 'express-serve-static-core' {
  interface Request {
    /** Set by the multipart parser when the file went over the size limit. */
    uploadTooLarge?: boolean;
  }
}

/**
 * The parser of a multipart form that carries one file (an absence's certificate, a quotient's
 * attestation). Its body must be read before the CSRF check, which reads `req.body._csrf`: mounted
 * before the CSRF middleware, the parser acts only on the POST of a signed-in user of `roles` (a
 * parent unless said) to `path`;
 * the CSRF check then runs as on every form. The file stays in memory (5 MB at most) and goes to
 * PostgreSQL, never to disk.
 */
export function singleFileUploadParser(path: RegExp, field: string, roles: readonly UserRole[] = ['parent']) {
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: CERTIFICATE_MAX_BYTES, files: 1, fields: 200, fieldSize: 10_000, parts: 210 },
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
  if (!req.file || req.file.size === 0) return undefined;
  // Browsers send the name in UTF-8; busboy reads it as latin1.
  return { content: req.file.buffer, originalName: Buffer.from(req.file.originalname, 'latin1').toString('utf8') };
}
