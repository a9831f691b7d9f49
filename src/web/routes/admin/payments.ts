import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { CHEQUE_NUMBER_MISSING, counterPaymentOutcomeWords, PAYMENT_FORM_WORDS, paymentRefusalWords, refundDoneWords } from '../../../i18n/payment-words.ts';
import { COUNTER_MEANS } from '../../../model/payment.ts';
import { sayingPaymentRefusals } from '../../payment-refusals.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { presentCounterForm, presentPayment, presentRefunds } from '../../presenters/payment-presenter.ts';
import { idParam, parseRowId, rowIdList } from '../../row-id.ts';

const counterSchema = z
  .object({
    factures: rowIdList(paymentRefusalWords('not_found'), paymentRefusalWords('none')),
    moyen: z.enum(COUNTER_MEANS, { error: PAYMENT_FORM_WORDS.chooseMeans }),
    numeroCheque: z.string().trim().max(40, PAYMENT_FORM_WORDS.chequeNumberTooLong).optional(),
    banque: z.string().trim().max(80, PAYMENT_FORM_WORDS.bankTooLong).optional(),
  })
  .superRefine((form, context) => {
    if (form.moyen === 'cheque' && !form.numeroCheque) context.addIssue({ code: 'custom', path: ['numeroCheque'], message: CHEQUE_NUMBER_MISSING });
  });

const refundDoneSchema = z.object({
  note: z.string().trim().min(1, PAYMENT_FORM_WORDS.refundHowMissing).max(200, PAYMENT_FORM_WORDS.refundHowTooLong),
});

/** The invoices ticked, as the form fills them back in. */
function tickedIds(values: Record<string, unknown> | undefined): number[] {
  const raw = values?.factures;
  return (Array.isArray(raw) ? raw : raw === undefined ? [] : [raw]).map(parseRowId).filter((id): id is number => id !== undefined);
}

/**
 * « Encaisser au guichet » (issue 12 item 5): staff tick a family's unpaid invoices, choose the
 * means (espèces, chèque with its number, CESU) and record the payment; the receipt page follows,
 * with its PDF.
 */
export function adminPaymentsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  async function renderCounter(req: Request, res: Response, state?: FormState) {
    const form = await services.payments.counterForm(res.locals.commune!, idParam(req, 'familyId'));
    const preselected = parseRowId(req.query.facture);
    const ticked = state ? tickedIds(state.values) : preselected === undefined ? [] : [preselected];
    res.status(state?.status ?? 200).render('pages/admin/counter-payment', {
      counter: presentCounterForm(form),
      ticked,
      errors: state?.errors,
      values: state?.values ?? { moyen: 'cash' },
    });
  }

  router.get('/familles/:familyId/encaissement', (req, res) => renderCounter(req, res));

  router.post(
    '/familles/:familyId/encaissement',
    formPost({
      schema: counterSchema,
      act: sayingPaymentRefusals(async (form, req, res) => {
        const commune = res.locals.commune!;
        const outcome = await services.payments.recordCounterPayment(
          commune,
          req.user!,
          idParam(req, 'familyId'),
          form.factures,
          form.moyen,
          { chequeNumber: form.numeroCheque, chequeBank: form.banque },
          formKeyOf(req.body),
        );
        setFlash(req, 'success', counterPaymentOutcomeWords(outcome));
        res.redirect(303, `/${commune.slug}/admin/paiements/${outcome.paymentId}`);
      }),
      render: (req, res, state) => renderCounter(req, res, state),
    }),
  );

  /** « À rembourser » (issue 18): money received for invoices that no longer owe it; staff record each refund done. */
  async function renderRefunds(req: Request, res: Response, state?: FormState) {
    const commune = res.locals.commune!;
    const [open, done] = await Promise.all([services.payments.refunds(commune, true), services.payments.refunds(commune, false)]);
    res.status(state?.status ?? 200).render('pages/admin/refunds', { refunds: presentRefunds(open, done), errors: state?.errors, postedId: state ? parseRowId(req.params.refundId) : undefined });
  }

  // Before `/paiements/:paymentId`.
  router.get('/paiements/a-rembourser', (req, res) => renderRefunds(req, res));

  router.post(
    '/paiements/a-rembourser/:refundId',
    formPost({
      schema: refundDoneSchema,
      act: sayingPaymentRefusals(async (form, req, res) => {
        const refund = await services.payments.recordRefundDone(res.locals.commune!, req.user!, idParam(req, 'refundId'), form.note, formKeyOf(req.body));
        setFlash(req, 'success', refundDoneWords(refund));
        res.redirect(303, `/${res.locals.commune!.slug}/admin/paiements/a-rembourser`);
      }),
      render: renderRefunds,
    }),
  );

  // Before `/paiements/:paymentId`.
  router.get('/paiements/:paymentId/recu.pdf', async (req, res) => {
    const { filename, pdf } = await services.payments.receiptPdf(res.locals.commune!, idParam(req, 'paymentId'));
    res
      .type('application/pdf')
      .set('Content-Disposition', `attachment; filename="${filename}"`)
      .set('X-Content-Type-Options', 'nosniff')
      .set('Cache-Control', 'private, no-store')
      .send(pdf);
  });

  router.get('/paiements/:paymentId', async (req, res) => {
    const payment = await services.payments.find(res.locals.commune!, idParam(req, 'paymentId'));
    const refunds = await services.payments.refundsOf(res.locals.commune!, payment.id);
    res.render('pages/admin/payment', { payment: presentPayment(payment), refunds: presentRefunds(refunds.filter((refund) => !refund.refundedAt), refunds.filter((refund) => refund.refundedAt)) });
  });

  return router;
}
