import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { fieldErrorsOf, parseForm, renderWithErrors, setFlash } from '../../forms.ts';
import { mailThrottledMessage } from '../../presenters/account-presenter.ts';

const VIEW = 'pages/portal/activation';

const passwordSchema = z.object({
  motDePasse: z.string({ error: 'Choisissez un mot de passe' }).min(1, 'Choisissez un mot de passe'),
  confirmation: z.string({ error: 'Saisissez à nouveau le mot de passe' }).min(1, 'Saisissez à nouveau le mot de passe'),
});

/** `/activation/:token`: the e-mailed single-use link where a new account chooses its password. */
export function activationRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/activation/:token', async (req, res) => {
    const commune = res.locals.commune!;
    const link = await services.accounts.activationLinkState(commune, req.params.token);
    res.status(link.state === 'unknown' ? 404 : link.state === 'valid' ? 200 : 410).render(VIEW, { link });
  });

  router.post('/activation/:token', async (req, res) => {
    const commune = res.locals.commune!;
    const link = await services.accounts.activationLinkState(commune, req.params.token);
    if (link.state !== 'valid') {
      res.status(link.state === 'unknown' ? 404 : 410).render(VIEW, { link });
      return;
    }
    const parsed = parseForm(passwordSchema, req.body);
    if (!parsed.ok) {
      renderWithErrors(res, 400, VIEW, parsed.errors, parsed.values, { link });
      return;
    }
    try {
      const user = await services.accounts.activate(commune, req.params.token, parsed.data.motDePasse, parsed.data.confirmation);
      setFlash(req, 'success', `Votre espace est activé. Connectez-vous avec votre identifiant ${user.identifier} et votre nouveau mot de passe.`);
      res.redirect(303, `/${commune.slug}/connexion`);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      renderWithErrors(res, 400, VIEW, errors, {}, { link });
    }
  });

  router.post('/activation/:token/nouveau-lien', async (req, res) => {
    const commune = res.locals.commune!;
    const outcome = await services.accounts.renewActivationLink(commune, req.params.token, req.ip ?? null);
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
