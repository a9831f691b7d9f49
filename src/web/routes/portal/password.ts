import { Router, type Response } from 'express';
import { z } from 'zod';
import { ValidationError } from '../../../domain/errors.ts';
import type { LinkState } from '../../../services/accounts/account-links.ts';
import type { Services } from '../../../services/index.ts';
import { formPost, setFlash, type FormState } from '../../forms.ts';
import { requireRole } from '../../middleware/auth.ts';
import { mailThrottledMessage } from '../../presenters/account-presenter.ts';
import { FLASH_WORDS } from '../../../i18n/flash-words.ts';

const forgottenSchema = z.object({
  identifiant: z.string({ error: 'Saisissez votre identifiant ou votre adresse e-mail' }).trim().min(1, 'Saisissez votre identifiant ou votre adresse e-mail').max(254),
});

const newPasswordSchema = z.object({
  motDePasse: z.string({ error: 'Choisissez un mot de passe' }).min(1, 'Choisissez un mot de passe'),
  confirmation: z.string({ error: 'Saisissez à nouveau le mot de passe' }).min(1, 'Saisissez à nouveau le mot de passe'),
});

const changeSchema = newPasswordSchema.extend({
  motDePasseActuel: z.string({ error: 'Saisissez votre mot de passe actuel' }).min(1, 'Saisissez votre mot de passe actuel'),
});

const statusOf = (link: LinkState) => (link.state === 'unknown' ? 404 : link.state === 'valid' ? 200 : 410);

/** Forgotten password (single-use link valid one hour) and change of password when signed in. */
export function passwordRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/mot-de-passe-oublie', (_req, res) => {
    res.render('pages/portal/forgotten-password');
  });

  router.post(
    '/mot-de-passe-oublie',
    formPost({
      schema: forgottenSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const outcome = await services.passwords.requestReset(commune, form.identifiant, req.ip ?? null);
        if (outcome.throttled) {
          res.set('Retry-After', String(outcome.retryAfterSeconds));
          throw new ValidationError([{ field: 'identifiant', message: mailThrottledMessage(outcome.retryAfterSeconds) }], 429);
        }
        // The same answer whether or not an account exists.
        setFlash(req, 'info', FLASH_WORDS.resetLinkMaybeSent);
        res.redirect(303, `/${commune.slug}/mot-de-passe-oublie`);
      },
      render: (_req, res, { status, errors, values }) => res.status(status).render('pages/portal/forgotten-password', { errors, values }),
    }),
  );

  /** The reset link's page: the form while the link is valid (with the refusal, if any), otherwise why it opens nothing. */
  async function renderResetLink(res: Response, token: string, refusal?: FormState) {
    const link = await services.passwords.resetLinkState(res.locals.commune!, token);
    if (link.state !== 'valid' || !refusal) {
      res.status(statusOf(link)).render('pages/portal/reset-password', { link });
      return;
    }
    res.status(refusal.status).render('pages/portal/reset-password', { link, errors: refusal.errors, values: {} });
  }

  router.get('/mot-de-passe/:token', (req, res) => renderResetLink(res, req.params.token));

  router.post(
    '/mot-de-passe/:token',
    formPost({
      schema: newPasswordSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        await services.passwords.reset(commune, req.params.token as string, form.motDePasse, form.confirmation);
        // Every session of the account was closed, this browser's included if it was signed in.
        req.session.regenerate(() => {
          setFlash(req, 'success', FLASH_WORDS.passwordReset);
          res.redirect(303, `/${commune.slug}/connexion`);
        });
      },
      render: (req, res, refusal) => renderResetLink(res, req.params.token as string, refusal),
    }),
  );

  router.get('/changer-mot-de-passe', requireRole('parent', 'agent', 'admin'), (_req, res) => {
    res.render('pages/portal/change-password');
  });

  router.post(
    '/changer-mot-de-passe',
    requireRole('parent', 'agent', 'admin'),
    formPost({
      schema: changeSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const change = { current: form.motDePasseActuel, password: form.motDePasse, confirmation: form.confirmation };
        await services.passwords.change(commune, req.user!, change, req.sessionID);
        setFlash(req, 'success', FLASH_WORDS.passwordChanged);
        res.redirect(303, `/${commune.slug}/changer-mot-de-passe`);
      },
      render: (_req, res, { status, errors }) => res.status(status).render('pages/portal/change-password', { errors, values: {} }),
    }),
  );

  return router;
}
