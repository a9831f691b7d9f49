import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../../domain/errors.ts';
import type { Services } from '../../../services/index.ts';
import { formPost, type FormState } from '../../forms.ts';
import { monthParam } from '../../presenters/invoicing-presenter.ts';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

const exportSchema = z.object({
  mois: z.string({ error: 'Choisissez un mois, par exemple 2026-11' }).regex(MONTH, 'Choisissez un mois, par exemple 2026-11'),
});

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

  function render(req: Request, res: Response, state?: Partial<FormState>) {
    requireFeature(res);
    res.status(state?.status ?? 200).render('pages/admin/direct-debit', {
      errors: state?.errors,
      values: state?.values ?? { mois: monthParam(services.invoicing.defaultMonth()) },
    });
  }

  router.get('/prelevements', (req, res) => render(req, res));

  router.post(
    '/prelevements',
    formPost({
      schema: exportSchema,
      async act(form, req, res) {
        requireFeature(res);
        const file = await services.debitExport.exportMonth(res.locals.commune!, req.user!, form.mois);
        res.attachment(file.fileName).type('application/xml').set('Cache-Control', 'no-store').send(file.xml);
      },
      render,
    }),
  );

  return router;
}
