import { Router } from 'express';
import type { Services } from '../../../services/index.ts';
import { requireParent } from '../../middleware/auth.ts';
import { idParam } from '../../row-id.ts';

/** `/paiements/:id/recu.pdf`: the receipt of one of the family's paid payments; another family's is not found. */
export function paymentsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/paiements', requireParent);

  router.get('/paiements/:id/recu.pdf', async (req, res) => {
    const { filename, pdf } = await services.payments.receiptPdf(res.locals.commune!, idParam(req, 'id'), req.user!.familyId!);
    res
      .type('application/pdf')
      .set('Content-Disposition', `attachment; filename="${filename}"`)
      .set('X-Content-Type-Options', 'nosniff')
      .set('Cache-Control', 'private, no-store')
      .send(pdf);
  });

  return router;
}
