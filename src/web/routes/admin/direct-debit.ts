import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../../domain/errors.ts';
import { DEBIT_REJECTION_RECORDED, PAYMENT_FORM_WORDS } from '../../../i18n/payment-words.ts';
import type { Services } from '../../../services/index.ts';
import { schoolYears } from '../../../domain/date-input.ts';
import { monthIn } from '../../form-fields.ts';
import { sayingPaymentRefusals } from '../../payment-refusals.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { monthParam } from '../../presenters/invoicing-presenter.ts';
import { presentDebitFiles, presentDebitLine, REJECT_REASON_OPTIONS } from '../../presenters/mandate-presenter.ts';
import { idParam } from '../../row-id.ts';
import { DEBIT_REJECT_REASONS } from '../../../model/mandate.ts';

const rejectionSchema = z.object({
  motif: z.enum(DEBIT_REJECT_REASONS, { error: PAYMENT_FORM_WORDS.rejectReasonMissing }),
});

/** A real month of the school years around today (`src/domain/date-input.ts`). */
const exportSchema = (today: string) => z.object({ mois: monthIn(schoolYears(today)) });

/**
 * « Prélèvements » (issue 12 item 6): staff download the month's direct-debit file (pain.008), the
 * one place where IBANs appear whole. A POST (CSRF-checked): the first export of a month fixes its
 * debits; the same month again downloads the same file.
 */
export function adminDirectDebitRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  function requireFeature(res: Response) {
    const settings = res.locals.commune!.settings;
    if (!settings.features.directDebit || !settings.directDebit) throw new NotFoundError('direct debit is off');
  }

  async function render(req: Request, res: Response, state?: Partial<FormState>) {
    requireFeature(res);
    const files = await services.directDebits.files(res.locals.commune!);
    res.status(state?.status ?? 200).render('pages/admin/direct-debit', {
      files: presentDebitFiles(files),
      errors: state?.errors,
      values: state?.values ?? { mois: monthParam(services.invoicing.defaultMonth()) },
    });
  }

  /** « Enregistrer un rejet » of one debit: the debit, and the reasons a bank gives. */
  async function renderRejection(req: Request, res: Response, state?: Partial<FormState>) {
    requireFeature(res);
    const lineId = idParam(req, 'id');
    const line = (await services.directDebits.files(res.locals.commune!)).flatMap((file) => file.lines).find((candidate) => candidate.id === lineId);
    if (!line) throw new NotFoundError(`debit line ${lineId}`);
    res.status(state?.status ?? 200).render('pages/admin/debit-rejection', {
      line: presentDebitLine(line),
      reasons: REJECT_REASON_OPTIONS,
      errors: state?.errors,
      values: state?.values ?? {},
    });
  }

  router.get('/prelevements', (req, res) => render(req, res));
  router.get('/prelevements/lignes/:id/rejet', (req, res) => renderRejection(req, res));
  router.post(
    '/prelevements/lignes/:id/rejet',
    formPost({
      schema: rejectionSchema,
      act: sayingPaymentRefusals(async (form, req, res) => {
        requireFeature(res);
        await services.directDebits.recordRejection(res.locals.commune!, req.user!, idParam(req, 'id'), form.motif, formKeyOf(req.body));
        setFlash(req, 'success', DEBIT_REJECTION_RECORDED);
        res.redirect(303, `/${res.locals.commune!.slug}/admin/prelevements`);
      }),
      render: renderRejection,
    }),
  );

  router.post(
    '/prelevements',
    formPost({
      schema: () => exportSchema(services.invoicing.today()),
      act: sayingPaymentRefusals(async (form, req, res) => {
        requireFeature(res);
        const file = await services.directDebits.exportMonth(res.locals.commune!, req.user!, form.mois);
        res.attachment(file.fileName).type('application/xml').set('Cache-Control', 'no-store').send(file.xml);
      }),
      render,
    }),
  );

  return router;
}
