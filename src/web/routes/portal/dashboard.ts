import { Router } from 'express';
import type { Services } from '../../../services/index.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentMembers } from '../../presenters/family-presenter.ts';

export function dashboardRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/tableau-de-bord', requireParent, async (req, res) => {
    const commune = res.locals.commune!;
    const { family, members } = await services.families.getOverview(commune.id, req.user!.familyId!);
    res.render('pages/portal/dashboard', {
      family,
      members: presentMembers(members, services.clock.now()),
    });
  });

  return router;
}
