import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { familyStorageWords } from '../../../i18n/file-words.ts';
import type { Services } from '../../../services/index.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentDeclarationPage } from '../../presenters/quotient-presenter.ts';
import { singleFileUpload, uploadOf } from '../../uploads.ts';
import { FLASH_WORDS } from '../../../i18n/flash-words.ts';

const VIEW = 'pages/portal/quotient-familial';

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The declaration as sent. The value, the income, the date and the attestation are the service's
 * rules: it checks them all at once, so every problem is listed together (the file included).
 */
const declarationSchema = z.object({
  quotient: z.unknown().transform(textOf),
  revenu: z.unknown().transform(textOf),
  debut: z.unknown().transform(textOf),
});

/** `/quotient-familial`: the family's quotient, its declarations, and a new one (DESIGN §6), where the commune enables it. */
export function quotientRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/quotient-familial', requireParent);

  async function render(req: Request, res: Response, state: Partial<FormState> = {}) {
    const [page, storage] = await Promise.all([
      services.quotients.declarationPage(res.locals.commune!, req.user!),
      services.familyStorage(res.locals.commune!, req.user!.familyId!),
    ]);
    res.status(state.status ?? 200).render(VIEW, {
      ...presentDeclarationPage(page),
      pending: Boolean(page.pending),
      storageWords: familyStorageWords(storage),
      errors: state.errors,
      values: state.values ?? {},
    });
  }

  router.get('/quotient-familial', (req, res) => render(req, res));

  router.post(
    '/quotient-familial',
    // Multipart: the attestation.
    singleFileUpload('attestation'),
    formPost({
      schema: declarationSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const file = uploadOf(req);
        const input = { value: form.quotient, annualIncome: form.revenu, attestedFrom: form.debut, ...(file ? { file } : {}) };
        await services.quotients.declare(commune, req.user!, input, formKeyOf(req.body));
        setFlash(req, 'success', FLASH_WORDS.quotientDeclared);
        res.redirect(303, `/${commune.slug}/quotient-familial`);
      },
      render,
    }),
  );

  return router;
}
