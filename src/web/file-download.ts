import type { Response } from 'express';
import type { StoredFileType } from '../model/absence.ts';
import { EXTENSIONS } from '../services/uploads.ts';

/**
 * A stored file as a download, never shown inline (DESIGN §11 Files): `attachment`, the type
 * detected from its content, `nosniff`. `baseName` is a person's label: path separators and
 * control characters are left out of the file name the browser proposes.
 */
export function sendFileDownload(res: Response, baseName: string, type: StoredFileType, content: Buffer) {
  const safe = baseName.replace(/[\u0000-\u001f\u007f/\\]+/g, '-').trim() || 'document';
  res.attachment(`${safe}.${EXTENSIONS[type]}`);
  res.setHeader('Content-Type', type);
  res.setHeader('X-Content-Type-Options', 'nosniff');
  res.setHeader('Cache-Control', 'private, no-store');
  res.send(content);
}
