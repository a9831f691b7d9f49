import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { parseMonthInput, schoolYears } from '../../../domain/date-input.ts';
import { monthIn, requiredText } from '../../form-fields.ts';
import { sayingPaymentRefusals } from '../../payment-refusals.ts';
import { formKeyOf, formPost, parseForm, setFlash, type FormState } from '../../forms.ts';
import { pageQuery } from '../../paging.ts';
import { monthParam, presentInvoicingPage, presentStaffInvoice } from '../../presenters/invoicing-presenter.ts';
import { presentPayment } from '../../presenters/payment-presenter.ts';
import { creditNoteOutcomeWords, runOutcomeWords } from '../../../i18n/invoicing-words.ts';
import { idParam } from '../../row-id.ts';

/** The month of `?mois=2026-10` and of the form: a real month of the school years around today. */
const monthSchema = (today: string) => z.object({ mois: monthIn(schoolYears(today)) });

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
    const { page } = pageQuery.parse(req.query);
    const defaultMonth = monthParam(services.invoicing.defaultMonth());
    if (req.query.mois === undefined || req.query.mois === '') return renderPage(res, defaultMonth, page);
    // Anything else than a month of the span: the default month, and the French message (400).
    const asked = parseForm(monthSchema(services.invoicing.today()), req.query);
    if (asked.ok) return renderPage(res, asked.data.mois, page);
    // The summary links to the month picker (`field-mois-choisi`).
    const errors = asked.errors.map((error) => ({ ...error, field: 'mois-choisi' }));
    await renderPage(res, defaultMonth, page, { status: 400, errors, values: {} });
  });

  router.post(
    '/facturation',
    formPost({
      schema: () => monthSchema(services.invoicing.today()),
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const outcome = await services.invoicing.issue(commune, req.user!, `${form.mois}-01`, formKeyOf(req.body));
        setFlash(req, outcome.issued ? 'success' : 'info', runOutcomeWords(outcome));
        res.redirect(303, `/${commune.slug}/admin/facturation?mois=${form.mois}`);
      },
      render: async (req, res, state) => {
        const sent = parseMonthInput(req.body?.mois, schoolYears(services.invoicing.today()));
        const mois = sent.ok ? sent.value : monthParam(services.invoicing.defaultMonth());
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
