import { Router, type Response } from 'express';
import { z } from 'zod';
import { DIRECT_DEBIT_NOTE } from '../../../i18n/payment-words.ts';
import type { Services } from '../../../services/index.ts';
import type { FormState } from '../../forms.ts';
import { requireParent } from '../../middleware/auth.ts';
import { INVOICE_FILTERS, presentAccount, presentInvoiceDetail, presentInvoiceList, type InvoiceFilter } from '../../presenters/invoice-presenter.ts';
import { presentPayForm, presentPendingPayments } from '../../presenters/online-payment-presenter.ts';
import { idParam } from '../../row-id.ts';

/** `?statut=a-payer` (the default) or `soldees`; anything else shows the default list. */
const listSchema = z.object({
  statut: z.enum(['a-payer', 'soldees']).catch('a-payer'),
});

/**
 * The list of `/factures`; on « À payer », where the commune takes payments online, the form that
 * pays the ticked invoices (`state`: that form again after a refusal, with its errors and ticks).
 */
export async function renderInvoiceList(services: Services, res: Response, statut: InvoiceFilter, state?: FormState): Promise<void> {
  const commune = res.locals.commune!;
  const settled = INVOICE_FILTERS.find((filter) => filter.value === statut)!.settled;
  const familyId = res.locals.user!.familyId!;
  const { invoices, balance } = await services.invoices.list(commune, familyId, settled);
  const { onDirectDebit, debits } = await services.directDebits.familyDebits(commune, familyId, invoices);
  const online = !settled && services.onlinePayments.available(commune);
  // A family on direct debit pays online only the invoices whose debit the bank sent back.
  const payable = onDirectDebit ? invoices.filter((invoice) => debits.get(invoice.id)?.state === 'rejected') : invoices;
  const leftToPay = online ? await services.payments.leftToPay(commune, payable.map((invoice) => invoice.id)) : undefined;
  const payForm = online ? presentPayForm(payable, state?.values, leftToPay) : undefined;
  // An online payment left unfinished (Back, a closed tab): what happened and what can be done now.
  const pendingPayments = online ? presentPendingPayments(await services.onlinePayments.pendingOf(commune, familyId), services.clock.now()) : [];
  res.status(state?.status ?? 200).render('pages/portal/invoices', {
    list: presentInvoiceList(statut, invoices, balance, debits),
    payForm,
    pendingPayments,
    directDebitNote: onDirectDebit && !settled ? DIRECT_DEBIT_NOTE : undefined,
    errors: state?.errors,
    values: state?.values,
  });
}

/** `/factures`, `/factures/:id`, `/factures/:id.pdf` and `/compte` (DESIGN §6): the family's invoices and its account. */
export function invoicesRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use(['/factures', '/compte'], requireParent);

  router.get('/factures', async (req, res) => {
    await renderInvoiceList(services, res, listSchema.parse(req.query).statut);
  });

  // Before `/factures/:id`, which would otherwise take « 12.pdf » as its id.
  router.get('/factures/:id.pdf', async (req, res) => {
    const commune = res.locals.commune!;
    const { filename, pdf } = await services.invoices.pdf(commune, req.user!.familyId!, idParam(req, 'id'));
    res
      .type('application/pdf')
      .set('Content-Disposition', `attachment; filename="${filename}"`)
      .set('X-Content-Type-Options', 'nosniff')
      .set('Cache-Control', 'private, no-store')
      .send(pdf);
  });

  router.get('/factures/:id', async (req, res) => {
    const commune = res.locals.commune!;
    const { invoice, creditNotes } = await services.invoices.detail(commune, req.user!.familyId!, idParam(req, 'id'));
    const { debits } = await services.directDebits.familyDebits(commune, req.user!.familyId!, [invoice]);
    // « En cours de paiement » never without its explanation and its way on (issue 18).
    const holding =
      invoice.status === 'in_payment' && services.onlinePayments.available(commune)
        ? (await services.onlinePayments.pendingOf(commune, req.user!.familyId!)).filter((pending) => pending.payment.invoices.some((paid) => paid.invoiceId === invoice.id))
        : [];
    res.render('pages/portal/invoice', {
      invoice: presentInvoiceDetail(invoice, creditNotes, debits.get(invoice.id)),
      pendingPayments: presentPendingPayments(holding, services.clock.now()),
    });
  });

  router.get('/compte', async (req, res) => {
    const summary = await services.invoices.account(res.locals.commune!, req.user!.familyId!);
    res.render('pages/portal/account', { account: presentAccount(summary) });
  });

  return router;
}
