import { Router, type Request, type Response } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { NotFoundError } from '../../../domain/errors.ts';
import type { Services } from '../../../services/index.ts';
import { INVOICES_FIELD } from '../../../services/payment/payment-service.ts';
import { cancelledPaymentWords, PAYMENT_FORM_WORDS } from '../../../i18n/payment-words.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentPaymentOutcome } from '../../presenters/online-payment-presenter.ts';
import { sayingPaymentRefusals } from '../../payment-refusals.ts';
import { idParam, parseRowId, rowIdList } from '../../row-id.ts';
import { renderInvoiceList } from './invoices.ts';

const paySchema = z.object({
  [INVOICES_FIELD]: rowIdList(PAYMENT_FORM_WORDS.unknownInvoice, PAYMENT_FORM_WORDS.noInvoiceTicked),
  // The total shown beside the ticks (cents, filled in by the page's script): compared, never used.
  montant: z
    .union([z.literal(''), z.string().regex(/^\d{1,9}$/, { error: PAYMENT_FORM_WORDS.unreadableAmount })])
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

/**
 * `POST /paiement` (« Payer en ligne » on `/factures`), `GET /paiement/retour` (the way back from
 * PayFiP, and the page of a payment left unfinished), and its two choices (issue 18 point 3):
 * `POST /paiement/:paymentId/reprendre` and `POST /paiement/:paymentId/annuler`.
 */
export function onlinePaymentRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  const now = () => services.clock.now();
  const paymentPage = (res: Response, paymentId: number) => `/${res.locals.commune!.slug}/paiement/retour?paiement=${paymentId}`;

  router.post(
    '/paiement',
    requireParent,
    formPost({
      schema: paySchema,
      act: sayingPaymentRefusals(async (form, req, res) => {
        const started = await services.onlinePayments.start(res.locals.commune!, req.user!, form[INVOICES_FIELD], formKeyOf(req.body), form.montant);
        res.redirect(303, started.paymentPageUrl ?? paymentPage(res, started.paymentId));
      }, now),
      render: (_req, res, state) => renderInvoiceList(services, res, 'a-payer', state),
    }),
  );

  async function renderPayment(req: Request, res: Response, paymentId: number, state?: FormState) {
    const shown = await services.onlinePayments.returned(res.locals.commune!, req.user!.familyId!, paymentId);
    res.status(state?.status ?? 200).render('pages/portal/payment-return', { outcome: presentPaymentOutcome(shown, services.clock.now()), errors: state?.errors });
  }

  router.get('/paiement/retour', requireParent, async (req, res) => {
    const paymentId = parseRowId(req.query.paiement);
    if (paymentId === undefined) throw new NotFoundError(`no payment « ${String(req.query.paiement)} »`);
    await renderPayment(req, res, paymentId);
  });

  router.post(
    '/paiement/:paymentId/reprendre',
    requireParent,
    formPost({
      schema: z.object({}),
      act: sayingPaymentRefusals(async (_form, req, res) => {
        const paymentId = idParam(req, 'paymentId');
        const page = await services.onlinePayments.resume(res.locals.commune!, req.user!.familyId!, paymentId);
        res.redirect(303, page ?? paymentPage(res, paymentId));
      }, now),
      render: (req, res, state) => renderPayment(req, res, idParam(req, 'paymentId'), state),
    }),
  );

  router.post(
    '/paiement/:paymentId/annuler',
    requireParent,
    formPost({
      schema: z.object({}),
      act: sayingPaymentRefusals(async (_form, req, res) => {
        const paymentId = idParam(req, 'paymentId');
        const payment = await services.onlinePayments.cancel(res.locals.commune!, req.user!.familyId!, paymentId);
        if (payment.status === 'cancelled') {
          setFlash(req, 'success', cancelledPaymentWords(payment));
          res.redirect(303, `/${res.locals.commune!.slug}/factures`);
        } else {
          res.redirect(303, paymentPage(res, paymentId));
        }
      }, now),
      render: (req, res, state) => renderPayment(req, res, idParam(req, 'paymentId'), state),
    }),
  );

  return router;
}
