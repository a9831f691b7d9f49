import { Router } from 'express';
import type { Services } from '../../../services/index.ts';
import { requireStaff } from '../../middleware/auth.ts';

/** The back-office, `/:commune/admin`, for the commune's Accueil-Éducation staff. */
export function adminRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use(requireStaff);

  router.get('/', async (_req, res) => {
    const commune = res.locals.commune!;
    res.render('pages/admin/home', { families: await services.families.listFamilies(commune.id) });
  });

  return router;
}
