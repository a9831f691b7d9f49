import type { Response } from 'express';
import type { StoredFile, StoredFileType } from '../model/stored-file.ts';
import { EXTENSIONS } from '../services/files/file-checks.ts';

/**
 * A stored file as a download, never shown inline (DESIGN §11 Files): `attachment`, the type
 * detected from its content, `nosniff`, and a sandboxing policy should a browser render it anyway
 * (a polyglot « PDF » that is also HTML). Every upload a person sent leaves through here.
 * `baseName` is a person's label: path separators and control characters are left out of the file
 * name the browser proposes, and an extension it already ends with is not repeated.
 */
export function sendFileDownload(res: Response, baseName: string, type: StoredFileType, content: Buffer) {
  const safe = baseName.replace(/[\u0000-\u001f\u007f/\\]+/g, '-').replace(/\.(pdf|jpe?g|png)$/i, '').trim() || 'document';
  res.attachment(`${safe}.${EXTENSIONS[type]}`);
  res.setHeader('Content-Type', type);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(content);
}

/** A file a family sent (`stored_files`), as a download under `name` (by default the name it was sent with). */
export function sendStoredFile(res: Response, file: StoredFile, name: string = file.originalName) {
  sendFileDownload(res, name, file.detectedType, file.content);
}
