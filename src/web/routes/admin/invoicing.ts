import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { requiredText } from '../../form-fields.ts';
import { sayingPaymentRefusals } from '../../payment-refusals.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { pageQuery } from '../../paging.ts';
import { monthParam, presentInvoicingPage, presentStaffInvoice } from '../../presenters/invoicing-presenter.ts';
import { presentPayment } from '../../presenters/payment-presenter.ts';
import { creditNoteOutcomeWords, runOutcomeWords } from '../../../i18n/invoicing-words.ts';
import { idParam } from '../../row-id.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** `?mois=2026-10`: a month as the page writes it; anything else is the default month. */
const monthQuery = z.object({ mois: z.string().regex(MONTH).optional().catch(undefined) });

const issueSchema = z.object({
  mois: z.string({ error: 'Choisissez un mois' }).regex(MONTH, 'Choisissez un mois'),
});

const creditNoteSchema = z.object({
  motif: requiredText('Indiquez le motif de l’avoir', 500),
});

/**
 * « Facturation » (DESIGN §8, issue 11 item 4): staff choose a month, read the preview, issue the
 * month's invoices, open any invoice of the commune and correct one by a credit note.
 */
export function adminInvoicingRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  async function renderPage(res: Response, month: string, pageNumber: number, state?: FormState) {
    const page = await services.invoicing.page(res.locals.commune!, `${month}-01`);
    res.status(state?.status ?? 200).render('pages/admin/invoicing', {
      ...presentInvoicingPage(page, pageNumber),
      errors: state?.errors,
      values: state?.values,
    });
  }

  async function renderInvoice(req: Request, res: Response, state?: FormState) {
    const invoice = await services.invoicing.invoiceForStaff(res.locals.commune!, idParam(req, 'invoiceId'));
    const payments = await services.payments.listForInvoice(res.locals.commune!, invoice.invoice.id);
    res.status(state?.status ?? 200).render('pages/admin/invoice', {
      invoice: presentStaffInvoice(invoice),
      payments: payments.map(presentPayment),
      errors: state?.errors,
      values: state?.values,
    });
  }

  router.get('/facturation', async (req, res) => {
    const { mois } = monthQuery.parse(req.query);
    const { page } = pageQuery.parse(req.query);
    await renderPage(res, mois ?? monthParam(services.invoicing.defaultMonth()), page);
  });

  router.post(
    '/facturation',
    formPost({
      schema: issueSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const outcome = await services.invoicing.issue(commune, req.user!, `${form.mois}-01`, formKeyOf(req.body));
        setFlash(req, outcome.issued ? 'success' : 'info', runOutcomeWords(outcome));
        res.redirect(303, `/${commune.slug}/admin/facturation?mois=${form.mois}`);
      },
      render: async (req, res, state) => {
        const mois = typeof req.body?.mois === 'string' && MONTH.test(req.body.mois) ? req.body.mois : monthParam(services.invoicing.defaultMonth());
        await renderPage(res, mois, 1, state);
      },
    }),
  );

  router.get('/facturation/factures/:invoiceId', async (req, res) => {
    await renderInvoice(req, res);
  });

  router.post(
    '/facturation/factures/:invoiceId/avoir',
    formPost({
      schema: creditNoteSchema,
      act: sayingPaymentRefusals(async (form, req, res) => {
        const commune = res.locals.commune!;
        const invoiceId = idParam(req, 'invoiceId');
        const outcome = await services.invoicing.creditNote(commune, req.user!, invoiceId, { reason: form.motif, lineIds: 'all' }, formKeyOf(req.body));
        setFlash(req, 'success', creditNoteOutcomeWords(outcome));
        res.redirect(303, `/${commune.slug}/admin/facturation/factures/${invoiceId}`);
      }),
      render: (req, res, state) => renderInvoice(req, res, state),
    }),
  );

  return router;
}
