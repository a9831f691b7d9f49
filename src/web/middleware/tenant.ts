import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../../services/index.ts';

/**
 * Resolves `/:commune` (404 listing the communes served when unknown) and the signed-in person.
 * A session signed in at another commune is treated as anonymous here, but left intact: the person
 * may have both portals open in two tabs (DESIGN §4, §11).
 */
export function resolveTenant(services: Services) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const slug = String(req.params.commune ?? '');
    const commune = /^[a-z0-9]+$/.test(slug) ? await services.communes.findBySlug(slug) : undefined;
    if (!commune) {
      const communes = await services.communes.listAll();
      res.status(404).render('pages/errors/unknown-commune', { communes, slug });
      return;
    }
    res.locals.commune = commune;
    res.locals.url = (path = '/') => `/${commune.slug}${path === '/' ? '' : path}`;

    const sessionUser = req.session.passport?.user;
    if (sessionUser && sessionUser.communeId === commune.id) {
      const user = await services.auth.findSessionUser(commune.id, sessionUser.userId);
      if (user && user.status === 'active') {
        req.user = user;
        res.locals.user = user;
      }
    }
    next();
  };
}
