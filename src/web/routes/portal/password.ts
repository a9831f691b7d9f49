import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { fieldErrorsOf, parseForm, renderWithErrors, setFlash } from '../../forms.ts';
import { requireRole } from '../../middleware/auth.ts';
import { mailThrottledMessage } from '../../presenters/account-presenter.ts';

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

/** Forgotten password (single-use link valid one hour) and change of password when signed in. */
export function passwordRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/mot-de-passe-oublie', (_req, res) => {
    res.render('pages/portal/forgotten-password');
  });

  router.post('/mot-de-passe-oublie', async (req, res) => {
    const commune = res.locals.commune!;
    const parsed = parseForm(forgottenSchema, req.body);
    if (!parsed.ok) {
      renderWithErrors(res, 400, 'pages/portal/forgotten-password', parsed.errors, parsed.values);
      return;
    }
    const outcome = await services.accounts.requestPasswordReset(commune, parsed.data.identifiant, req.ip ?? null);
    if (outcome.throttled) {
      res.set('Retry-After', String(outcome.retryAfterSeconds));
      const message = mailThrottledMessage(outcome.retryAfterSeconds);
      renderWithErrors(res, 429, 'pages/portal/forgotten-password', [{ field: 'identifiant', message }], parsed.data);
      return;
    }
    // The same answer whether or not an account exists.
    setFlash(
      req,
      'info',
      "Si un espace correspond à cet identifiant, un e-mail vient de lui être envoyé avec un lien valable une heure. Pensez à regarder dans vos courriers indésirables.",
    );
    res.redirect(303, `/${commune.slug}/mot-de-passe-oublie`);
  });

  router.get('/mot-de-passe/:token', async (req, res) => {
    const commune = res.locals.commune!;
    const link = await services.accounts.resetLinkState(commune, req.params.token);
    res.status(link.state === 'unknown' ? 404 : link.state === 'valid' ? 200 : 410).render('pages/portal/reset-password', { link });
  });

  router.post('/mot-de-passe/:token', async (req, res) => {
    const commune = res.locals.commune!;
    const link = await services.accounts.resetLinkState(commune, req.params.token);
    if (link.state !== 'valid') {
      res.status(link.state === 'unknown' ? 404 : 410).render('pages/portal/reset-password', { link });
      return;
    }
    const parsed = parseForm(newPasswordSchema, req.body);
    if (!parsed.ok) {
      renderWithErrors(res, 400, 'pages/portal/reset-password', parsed.errors, {}, { link });
      return;
    }
    try {
      await services.accounts.resetPassword(commune, req.params.token, parsed.data.motDePasse, parsed.data.confirmation);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      renderWithErrors(res, 400, 'pages/portal/reset-password', errors, {}, { link });
      return;
    }
    // Every session of the account was closed, this browser's included if it was signed in.
    req.session.regenerate(() => {
      setFlash(req, 'success', 'Votre nouveau mot de passe est enregistré. Vos connexions ouvertes ont été fermées : connectez-vous.');
      res.redirect(303, `/${commune.slug}/connexion`);
    });
  });

  router.get('/changer-mot-de-passe', requireRole('parent', 'agent', 'admin'), (_req, res) => {
    res.render('pages/portal/change-password');
  });

  router.post('/changer-mot-de-passe', requireRole('parent', 'agent', 'admin'), async (req, res) => {
    const commune = res.locals.commune!;
    const parsed = parseForm(changeSchema, req.body);
    if (!parsed.ok) {
      renderWithErrors(res, 400, 'pages/portal/change-password', parsed.errors, {});
      return;
    }
    try {
      await services.accounts.changePassword(
        commune,
        req.user!,
        { current: parsed.data.motDePasseActuel, password: parsed.data.motDePasse, confirmation: parsed.data.confirmation },
        req.sessionID,
      );
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      renderWithErrors(res, 400, 'pages/portal/change-password', errors, {});
      return;
    }
    setFlash(req, 'success', 'Votre mot de passe est modifié. Vos autres connexions ouvertes ont été fermées.');
    res.redirect(303, `/${commune.slug}/changer-mot-de-passe`);
  });

  return router;
}
