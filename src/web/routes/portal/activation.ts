import { Router, type Response } from 'express';
import { z } from 'zod';
import type { LinkState } from '../../../services/accounts/account-links.ts';
import type { Services } from '../../../services/index.ts';
import { formPost, setFlash, type FormState } from '../../forms.ts';
import { mailThrottledMessage } from '../../presenters/account-presenter.ts';
import { FLASH_WORDS } from '../../../i18n/flash-words.ts';

const VIEW = 'pages/portal/activation';

const passwordSchema = z.object({
  motDePasse: z.string({ error: 'Choisissez un mot de passe' }).min(1, 'Choisissez un mot de passe'),
  confirmation: z.string({ error: 'Saisissez à nouveau le mot de passe' }).min(1, 'Saisissez à nouveau le mot de passe'),
});

const statusOf = (link: LinkState) => (link.state === 'unknown' ? 404 : link.state === 'valid' ? 200 : 410);

/** `/activation/:token`: the e-mailed single-use link where a new account chooses its password. */
export function activationRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  /** The link's page: the form while the link is valid (with the refusal, if any), otherwise why it opens nothing. */
  async function renderLink(res: Response, token: string, refusal?: FormState) {
    const link = await services.activation.linkState(res.locals.commune!, token);
    if (link.state !== 'valid' || !refusal) {
      res.status(statusOf(link)).render(VIEW, { link });
      return;
    }
    // The password fields are never sent back.
    res.status(refusal.status).render(VIEW, { link, errors: refusal.errors, values: {} });
  }

  router.get('/activation/:token', (req, res) => renderLink(res, req.params.token));

  router.post(
    '/activation/:token',
    formPost({
      schema: passwordSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const user = await services.activation.activate(commune, req.params.token as string, form.motDePasse, form.confirmation);
        setFlash(req, 'success', FLASH_WORDS.accountActivated(user.identifier));
        res.redirect(303, `/${commune.slug}/connexion`);
      },
      render: (req, res, refusal) => renderLink(res, req.params.token as string, refusal),
    }),
  );

  router.post('/activation/:token/nouveau-lien', async (req, res) => {
    const commune = res.locals.commune!;
    const outcome = await services.activation.renewLink(commune, req.params.token, req.ip ?? null);
    if (outcome.throttled) {
      res.set('Retry-After', String(outcome.retryAfterSeconds));
      res.status(429).render('pages/portal/activation-renewed', { throttled: mailThrottledMessage(outcome.retryAfterSeconds) });
      return;
    }
    // A link sent and a valid link kept get the same answer: either way, the mailbox holds a valid one.
    const renewed = outcome.renewal !== 'impossible';
    res.status(renewed ? 200 : 410).render('pages/portal/activation-renewed', { renewed });
  });

  return router;
}
