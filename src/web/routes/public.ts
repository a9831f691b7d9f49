import { Router } from 'express';
import type { Services } from '../../services/index.ts';

/** Routes outside any commune: the list of communes served and the health probe. */
export function publicRouter(services: Services): Router {
  const router = Router();

  router.get('/', async (_req, res) => {
    res.render('pages/public/communes', { communes: await services.communes.listAll() });
  });

  router.get('/health', async (_req, res) => {
    const database = await services.communes.databaseAnswers();
    res.status(database ? 200 : 503).json({ status: database ? 'ok' : 'unavailable', database });
  });

  return router;
}
