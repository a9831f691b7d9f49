import type { NextFunction, Request, Response } from 'express';
import { csrfSync } from 'csrf-sync';

/**
 * Synchroniser-token CSRF protection (csrf-sync): the token lives in the session and every
 * form posts it back as `_csrf`. Pages ask for it lazily, so a page without a form opens no session.
 */
export function csrfProtection() {
  const { csrfSynchronisedProtection, generateToken } = csrfSync({
    getTokenFromRequest: (req) => (req.body as Record<string, unknown> | undefined)?._csrf as string | undefined,
  });
  const exposeToken = (req: Request, res: Response, next: NextFunction) => {
    res.locals.csrfToken = () => generateToken(req);
    next();
  };
  return [exposeToken, csrfSynchronisedProtection];
}
