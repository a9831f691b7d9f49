import { Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { NotFoundError } from '../../../domain/errors.ts';
import type { Services } from '../../../services/index.ts';
import { INVOICES_FIELD } from '../../../services/payment/payment-service.ts';
import { formKeyOf, formPost } from '../../forms.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentPaymentOutcome } from '../../presenters/online-payment-presenter.ts';
import { parseRowId, rowIdList } from '../../row-id.ts';
import { renderInvoiceList } from './invoices.ts';

const paySchema = z.object({
  [INVOICES_FIELD]: rowIdList('Cette facture est inconnue.', 'Cochez au moins une facture à payer.'),
  // The total shown beside the ticks (cents, filled in by the page's script): compared, never used.
  montant: z
    .union([z.literal(''), z.string().regex(/^\d{1,9}$/, { error: 'Le montant envoyé est illisible : rechargez la page' })])
    .optional()
    .transform((value) => (value ? Number(value) : undefined)),
});

/** PayFiP's idOp: letters and digits (the simulator's are 32 hex digits); anything else is no operation of ours. */
const notificationSchema = z.object({ idop: z.string().regex(/^[A-Za-z0-9-]{1,64}$/) });

/**
 * `POST /paiement/notification`: PayFiP's server-to-server call once a payment's outcome is known.
 * It carries the operation id only and no CSRF token, so it is mounted before the CSRF check; the
 * service trusts only what it then asks PayFiP. Always 200 at once: PayFiP does not act on errors,
 * and the reconciliation job catches what failed here.
 */
export function onlinePaymentNotificationRouter(services: Services, logger: Logger): Router {
  const router = Router({ mergeParams: true });
  router.post('/paiement/notification', async (req, res) => {
    const parsed = notificationSchema.safeParse(req.body ?? {});
    if (parsed.success) {
      try {
        const outcome = await services.onlinePayments.notify(res.locals.commune!, parsed.data.idop);
        logger.info({ commune: res.locals.commune!.slug, idOp: parsed.data.idop, outcome }, 'payment notification');
      } catch (error) {
        logger.warn({ err: error, idOp: parsed.data.idop }, 'payment notification not applied; reconciliation will ask again');
      }
    }
    res.status(200).type('text/plain').send('OK');
  });
  return router;
}

/** `POST /paiement` (« Payer en ligne » on `/factures`) and `GET /paiement/retour` (the way back from PayFiP). */
export function onlinePaymentRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.post(
    '/paiement',
    requireParent,
    formPost({
      schema: paySchema,
      async act(form, req, res) {
        const started = await services.onlinePayments.start(res.locals.commune!, req.user!, form[INVOICES_FIELD], formKeyOf(req.body), form.montant);
        res.redirect(303, started.paymentPageUrl);
      },
      render: (_req, res, state) => renderInvoiceList(services, res, 'a-payer', state),
    }),
  );

  router.get('/paiement/retour', requireParent, async (req, res) => {
    const paymentId = parseRowId(req.query.paiement);
    if (paymentId === undefined) throw new NotFoundError(`no payment « ${String(req.query.paiement)} »`);
    const payment = await services.onlinePayments.returned(res.locals.commune!, req.user!.familyId!, paymentId);
    res.render('pages/portal/payment-return', { outcome: presentPaymentOutcome(payment) });
  });

  return router;
}
