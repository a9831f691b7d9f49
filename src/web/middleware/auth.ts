import type { NextFunction, Request, Response } from 'express';
import type { UserRole } from '../../model/user.ts';
import { ForbiddenError } from '../../domain/errors.ts';

/** Anonymous visitors go to the commune's sign-in page and come back here afterwards. */
export function requireRole(...roles: UserRole[]) {
  return (req: Request, res: Response, next: NextFunction) => {
    const commune = res.locals.commune!;
    if (!req.user) {
      const back = encodeURIComponent(req.originalUrl);
      res.redirect(303, `/${commune.slug}/connexion?retour=${back}`);
      return;
    }
    if (!roles.includes(req.user.role)) {
      next(new ForbiddenError(`role ${req.user.role} may not open ${req.originalUrl}`));
      return;
    }
    next();
  };
}

export const requireParent = requireRole('parent');
export const requireStaff = requireRole('agent', 'admin');

/** Where a person lands after signing in, by role. */
export function homeFor(role: UserRole, slug: string): string {
  return role === 'parent' ? `/${slug}/tableau-de-bord` : `/${slug}/admin`;
}

/** Only a path inside the same commune is a safe place to go back to after sign-in. */
export function safeReturnPath(candidate: unknown, slug: string): string | undefined {
  if (typeof candidate !== 'string') return undefined;
  if (!candidate.startsWith(`/${slug}/`)) return undefined;
  if (candidate.includes('//') || candidate.includes('\\') || /[\u0000-\u001f]/.test(candidate)) return undefined;
  return candidate;
}
