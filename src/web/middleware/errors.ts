import type { NextFunction, Request, Response } from 'express';
import type { Logger } from 'pino';
import { ZodError } from 'zod';
import { ForbiddenError, NotFoundError } from '../../domain/errors.ts';
import { UnreadableFormError } from './csrf.ts';

function isCsrfError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: string }).code === 'EBADCSRFTOKEN';
}

/** body-parser's words for a urlencoded body over its limit, or with too many fields. */
function isTooLarge(error: unknown): boolean {
  const type = typeof error === 'object' && error !== null ? (error as { type?: string }).type : undefined;
  return type === 'entity.too.large' || type === 'parameters.too.many';
}

/** No route answered: the error handler's 404, so this page too renders safely. */
export function notFound(req: Request, _res: Response, next: NextFunction) {
  next(new NotFoundError(`no route for ${req.method} ${req.path}`));
}

/** Said when even the error page cannot be rendered: plain French, no template, no middleware. */
const LAST_RESORT = '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Une erreur est survenue</title><h1>Une erreur est survenue</h1><p>Votre demande n\'a pas été enregistrée ; réessayez dans quelques minutes.</p></html>';

/**
 * One place maps domain failures to a status and a French page. The pages depend on no middleware
 * having run: before the tenant they use the neutral layout, before the CSRF middleware the
 * layout shows no sign-out form; and a page that fails to render still answers in French.
 */
export function errorHandler(logger: Logger) {
  // Express recognises error handlers by their four parameters.
  return (error: unknown, req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    // The navigation marks the current page from it; set by an app-level middleware that may not have run.
    res.locals.requestPath ??= req.path;
    const page = (status: number, view: string, locals: Record<string, unknown> = {}) => {
      res.status(status).render(view, locals, (renderError: Error | null, html?: string) => {
        if (renderError) {
          logger.error({ err: renderError, reqId: req.id }, 'error page failed to render');
          res.type('html').send(LAST_RESORT);
          return;
        }
        res.send(html);
      });
    };
    if (error instanceof NotFoundError) return page(404, 'pages/errors/not-found');
    if (error instanceof ForbiddenError) return page(403, 'pages/errors/forbidden');
    if (isCsrfError(error)) return page(403, 'pages/errors/csrf', { back: req.originalUrl });
    // The form is shown by the GET of the same address on every page that takes a file.
    if (error instanceof UnreadableFormError) return page(400, 'pages/errors/unreadable-form', { back: req.originalUrl });
    if (isTooLarge(error)) return page(413, 'pages/errors/too-large');
    // A query or a body that a route parsed with `.parse` rather than answering it field by field:
    // the request is wrong, not the server (the configuration's schemas run at start-up only).
    if (error instanceof ZodError) return page(400, 'pages/errors/bad-request');
    const status = (error as { status?: number } | null)?.status;
    if (status && status >= 400 && status < 500) return page(status, 'pages/errors/bad-request');
    logger.error({ err: error, reqId: req.id }, 'unhandled error');
    page(500, 'pages/errors/server-error');
  };
}
