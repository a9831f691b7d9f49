import { Router, type NextFunction, type Request, type Response } from 'express';
import type { PassportStatic } from 'passport';
import { z } from 'zod';
import type { User } from '../../../data/user-repository.ts';
import { parseForm, renderWithErrors, setFlash } from '../../forms.ts';
import { homeFor, safeReturnPath } from '../../middleware/auth.ts';

const signInSchema = z.object({
  identifiant: z.string().trim().min(1, 'Saisissez votre identifiant ou votre adresse e-mail').max(254, 'Identifiant trop long'),
  motDePasse: z.string().min(1, 'Saisissez votre mot de passe').max(1024, 'Mot de passe trop long'),
  retour: z.string().optional(),
});

const VIEW = 'pages/portal/sign-in';
const INVALID_CREDENTIALS = 'Identifiant ou mot de passe incorrect.';

export function signInRouter(passport: PassportStatic['Passport']['prototype']): Router {
  const router = Router({ mergeParams: true });

  router.get('/connexion', (req, res) => {
    const commune = res.locals.commune!;
    if (req.user) {
      res.redirect(303, homeFor(req.user.role, commune.slug));
      return;
    }
    res.render(VIEW, { values: { retour: safeReturnPath(req.query.retour, commune.slug) } });
  });

  router.post('/connexion', (req: Request, res: Response, next: NextFunction) => {
    const commune = res.locals.commune!;
    const parsed = parseForm(signInSchema, req.body);
    if (!parsed.ok) {
      renderWithErrors(res, 400, VIEW, parsed.errors, parsed.values);
      return;
    }
    const { identifiant, retour } = parsed.data;
    passport.authenticate('local', (error: unknown, user: User | false) => {
      if (error) return next(error);
      if (!user) {
        // One message whatever failed, so the page never tells whether an account exists.
        renderWithErrors(res, 401, VIEW, [{ field: 'identifiant', message: INVALID_CREDENTIALS }], {
          identifiant,
          retour,
        });
        return;
      }
      // passport regenerates the session id here, against session fixation.
      req.logIn(user, (loginError) => {
        if (loginError) return next(loginError);
        setFlash(req, 'success', `Vous êtes connecté·e, ${user.firstName} ${user.lastName}.`);
        const destination =
          (user.role === 'parent' ? safeReturnPath(retour, commune.slug) : undefined) ?? homeFor(user.role, commune.slug);
        res.redirect(303, destination);
      });
    })(req, res, next);
  });

  router.post('/deconnexion', (req, res, next) => {
    const commune = res.locals.commune!;
    req.logOut((error) => {
      if (error) return next(error);
      setFlash(req, 'info', 'Vous êtes déconnecté·e. À bientôt !');
      res.redirect(303, `/${commune.slug}`);
    });
  });

  return router;
}
