import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ForbiddenError, NotFoundError } from '../../domain/errors.ts';

function isCsrfError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'EBADCSRFTOKEN';
}

export function notFound(_req: Request, res: Response) {
  res.status(404).render('pages/errors/not-found');
}

/** One place maps domain failures to a status and a French page. */
export function errorHandler(logger: Logger) {
  // Express recognises error handlers by their four parameters.
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (error instanceof NotFoundError) {
      res.status(404).render('pages/errors/not-found');
      return;
    }
    if (error instanceof ForbiddenError) {
      res.status(403).render('pages/errors/forbidden');
      return;
    }
    if (isCsrfError(error)) {
      res.status(403).render('pages/errors/csrf', { back: req.originalUrl });
      return;
    }
    const status = (error as { status?: number }).status;
    if (status && status >= 400 && status < 500) {
      res.status(status).render('pages/errors/bad-request');
      return;
    }
    logger.error({ err: error, reqId: req.id }, 'unhandled error');
    res.status(500).render('pages/errors/server-error');
  };
}
