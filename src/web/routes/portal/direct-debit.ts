import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentMandatePage } from '../../presenters/mandate-presenter.ts';

const VIEW = 'pages/portal/direct-debit';

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The mandate as sent. The IBAN, the BIC and the address are the service's rules: it checks them
 * all at once, so every problem is listed together.
 */
const mandateSchema = z.object({
  titulaire: z.unknown().optional().transform(textOf),
  iban: z.unknown().optional().transform(textOf),
  bic: z.unknown().optional().transform(textOf),
  adresse: z.unknown().optional().transform(textOf),
  code_postal: z.unknown().optional().transform(textOf),
  ville: z.unknown().optional().transform(textOf),
  autorisation: z.unknown().optional().transform((value) => value === 'oui'),
});

/** `/prelevement`: the family's direct-debit mandate, and a new one (DESIGN §6), where the commune enables it. */
export function directDebitRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/prelevement', requireParent);

  async function render(req: Request, res: Response, state: Partial<FormState> = {}) {
    const page = await services.mandates.page(res.locals.commune!, req.user!);
    res.status(state.status ?? 200).render(VIEW, {
      ...presentMandatePage(page),
      creditorName: res.locals.commune!.settings.directDebit?.creditorName,
      errors: state.errors,
      values: state.values ?? {},
    });
  }

  router.get('/prelevement', (req, res) => render(req, res));

  router.post(
    '/prelevement',
    formPost({
      schema: mandateSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const input = {
          holderName: form.titulaire,
          iban: form.iban,
          bic: form.bic,
          address: form.adresse,
          postcode: form.code_postal,
          city: form.ville,
          authorised: form.autorisation,
        };
        await services.mandates.request(commune, req.user!, input, formKeyOf(req.body));
        setFlash(req, 'success', 'Votre mandat de prélèvement est envoyé : le service vous répondra par e-mail.');
        res.redirect(303, `/${commune.slug}/prelevement`);
      },
      render,
    }),
  );

  return router;
}
