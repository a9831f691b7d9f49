import { Router } from 'express';
import type { Services } from '../../../services/index.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { adminAccountsRouter } from './accounts.ts';
import { adminFamiliesRouter } from './families.ts';

/** The back-office, `/:commune/admin`, for the commune's Accueil-Éducation staff. */
export function adminRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use(requireStaff);

  router.get('/', async (_req, res) => {
    const commune = res.locals.commune!;
    res.render('pages/admin/home', { families: await services.families.listFamilies(commune.id) });
  });

  router.use(adminAccountsRouter(services));
  router.use(adminFamiliesRouter(services));
  return router;
}
