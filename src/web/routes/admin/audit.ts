import { Router } from 'express';
import type { Services } from '../../../services/index.ts';
import { requireRole } from '../../middleware/auth.ts';
import { pageQuery } from '../../paging.ts';
import { presentAuditEntries } from '../../presenters/audit-presenter.ts';

/** « Journal »: every staff action of the commune, newest first; admins only (DESIGN §8). */
export function adminAuditRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/journal', requireRole('admin'), async (req, res) => {
    const commune = res.locals.commune!;
    const { page } = pageQuery.parse(req.query);
    const { entries, hasOlder } = await services.journal.listJournal(commune.id, page);
    res.render('pages/admin/journal', {
      entries: presentAuditEntries(entries),
      page,
      olderPage: hasOlder ? page + 1 : undefined,
      newerPage: page > 1 ? page - 1 : undefined,
    });
  });

  return router;
}
