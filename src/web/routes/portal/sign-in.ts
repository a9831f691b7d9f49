import { Router, type NextFunction, type Request, type Response } from 'express';
import type { PassportStatic } from 'passport';
import type { IVerifyOptions } from 'passport-local';
import { z } from 'zod';
import type { User } from '../../../data/user-repository.ts';
import type { AuthenticationFailure, SignInContext } from '../../../services/auth-service.ts';
import { formatDateTime } from '../../../i18n/format.ts';
import { parseForm, renderWithErrors, setFlash } from '../../forms.ts';
import { homeFor, safeReturnPath } from '../../middleware/auth.ts';
import { theService } from '../../../i18n/service-name.ts';

const signInSchema = z.object({
  identifiant: z.string().trim().min(1, 'Saisissez votre identifiant ou votre adresse e-mail').max(254, 'Identifiant trop long'),
  motDePasse: z.string().min(1, 'Saisissez votre mot de passe').max(1024, 'Mot de passe trop long'),
  retour: z.string().optional(),
});

const VIEW = 'pages/portal/sign-in';
const INVALID_CREDENTIALS = 'Identifiant ou mot de passe incorrect.';
// The same words whether or not the login names an account, and whichever counter is locked.
const LOCKED =
  'Trop de tentatives de connexion. Par sécurité, la connexion à ce compte est suspendue pendant 15 minutes. Réessayez plus tard, ou utilisez « Mot de passe oublié ».';

/** Where the attempt comes from: `req.ip` honours `trust proxy`; IPv4 is shown as such, not IPv4-mapped. */
export function signInContext(req: Request): SignInContext {
  const ip = req.ip ? req.ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '') : null;
  return { ip, userAgent: req.get('user-agent') ?? null };
}

/** Carries a failed authentication from the passport strategy to the sign-in handler. */
export type SignInFailureInfo = IVerifyOptions & { failure: AuthenticationFailure };

export function failureInfo(failure: AuthenticationFailure): SignInFailureInfo {
  return { message: failure.reason, failure };
}

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
    passport.authenticate('local', (error: unknown, user: User | false, info?: Partial<SignInFailureInfo>) => {
      if (error) return next(error);
      if (!user) {
        if (info?.failure?.reason === 'locked') {
          res.set('Retry-After', String(info.failure.retryAfterSeconds));
          renderWithErrors(res, 429, VIEW, [{ field: 'identifiant', message: LOCKED }], { identifiant, retour });
          return;
        }
        const failure = info?.failure;
        if (failure?.reason === 'pending_activation') {
          const message = `Votre espace n'est pas encore activé : ${theService(commune.settings.contacts.service)} traite votre demande au plus tard le ${formatDateTime(failure.deadline)}. Vous recevrez un e-mail.`;
          renderWithErrors(res, 403, VIEW, [{ field: 'identifiant', message }], { identifiant, retour });
          return;
        }
        if (failure?.reason === 'refused') {
          const why = failure.refusalReason ? ` Motif : ${failure.refusalReason}` : '';
          const message = `Votre demande de création d'espace a été refusée par ${theService(commune.settings.contacts.service)}.${why}`;
          renderWithErrors(res, 403, VIEW, [{ field: 'identifiant', message }], { identifiant, retour });
          return;
        }
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
