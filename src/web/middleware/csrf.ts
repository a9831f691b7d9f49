import busboy from 'busboy';
import type { NextFunction, Request, Response } from 'express';
import { csrfSync } from 'csrf-sync';

declare module 'express-serve-static-core' {
  interface Request {
    /** The `_csrf` field of a multipart form, read from the start of its body (see `readMultipartToken`). */
    multipartCsrfToken?: string;
  }
}

/**
 * Synchroniser-token CSRF protection (csrf-sync): the token lives in the session and every
 * form posts it back as `_csrf`. Pages ask for it lazily, so a page without a form opens no session.
 *
 * The check runs on every POST of the commune router, before any route: a urlencoded form's token is
 * in `req.body`; a multipart form's is read from the start of its body by `readMultipartToken`, so a
 * route that takes a file declares its parser with itself (`src/web/uploads.ts`) and reads the body
 * only once the request is known to come from the portal's own page.
 */
export function csrfProtection() {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => ((req.body as Record<string, unknown> | undefined)?._csrf as string | undefined) ?? req.multipartCsrfToken,
  });
  const exposeToken = (req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = () => generateToken(req);
    next();
  };
  return [exposeToken, readMultipartToken, csrfSynchronisedProtection];
}

/** How far into a multipart body the token is looked for: every form of the portal writes it first. */
const TOKEN_WITHIN_BYTES = 64 * 1024;

/** A multipart body whose start cannot be read as form data (no boundary, another boundary, cut short). */
export class UnreadableFormError extends Error {
  readonly status = 400;
  constructor() {
    super('multipart body unreadable before its CSRF token');
  }
}

/**
 * Reads the `_csrf` field of a multipart POST from the start of its body, then gives the bytes read
 * back to the request (`unshift`), so the route's own parser reads the whole body afterwards. Only
 * the first 64 KiB are read here, whoever sends them. A body whose start is not form data at all
 * answers 400: without its token it cannot be trusted to show the form it claims to come from.
 */
export function readMultipartToken(req: Request, _res: Response, next: NextFunction) {
  if (req.method !== 'POST' || !req.is('multipart/form-data')) return next();
  firstField(req, '_csrf', TOKEN_WITHIN_BYTES).then(({ value, readable }) => {
    if (!readable) return next(new UnreadableFormError());
    req.multipartCsrfToken = value;
    next();
  }, next);
}

/**
 * The value of field `name` if it comes within `limit` bytes of the body's start, and whether the
 * body read as form data at all (one part at least, no parse error). The bytes read are pushed back.
 */
function firstField(req: Request, name: string, limit: number): Promise<{ value?: string; readable: boolean }> {
  return new Promise((resolve) => {
    let parser: busboy.Busboy;
    try {
      parser = busboy({ headers: req.headers, limits: { fieldSize: 1024 } });
    } catch {
      // No boundary in the Content-Type.
      resolve({ readable: false });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let parts = 0;
    let settled = false;

    const settle = (result: { value?: string; readable: boolean }, giveBack: boolean) => {
      if (settled) return;
      settled = true;
      req.removeListener('readable', onReadable);
      req.removeListener('end', onEnd);
      req.removeListener('error', onError);
      req.removeListener('close', onError);
      parser.removeAllListeners();
      parser.on('error', () => {});
      // Before 'end' was emitted: the route's parser reads these bytes again, then the rest.
      if (giveBack && chunks.length) req.unshift(Buffer.concat(chunks));
      resolve(result);
    };
    parser.on('field', (field: string, value: string) => {
      parts += 1;
      if (field === name) settle({ value, readable: true }, true);
    });
    parser.on('file', (_field: string, stream: NodeJS.ReadableStream) => {
      parts += 1;
      stream.resume();
    });
    parser.on('error', () => settle({ readable: parts > 0 }, true));

    function onReadable() {
      let chunk: Buffer | null;
      while (!settled && (chunk = req.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        // The parser sees `limit` bytes at most, however large the chunks.
        parser.write(chunk.subarray(0, Math.max(0, limit - size)));
        size += chunk.length;
        if (!settled && size >= limit) settle({ readable: parts > 0 }, true);
      }
    }
    function onEnd() {
      // The whole body was read without the token: the answer is a refusal, nothing to give back.
      parser.end();
      settle({ readable: parts > 0 }, false);
    }
    function onError() {
      settle({ readable: false }, false);
    }
    req.on('readable', onReadable);
    req.on('end', onEnd);
    req.on('error', onError);
    // The client went away mid-body: nobody is left to answer, but the promise ends.
    req.on('close', onError);
  });
}
