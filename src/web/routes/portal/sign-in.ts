import { Router, type Request } from 'express';
import type { PassportStatic } from 'passport';
import type { IVerifyOptions } from 'passport-local';
import { z } from 'zod';
import type { User } from '../../../model/user.ts';
import { ValidationError } from '../../../domain/errors.ts';
import type { AuthenticationFailure, SignInContext } from '../../../services/accounts/auth-service.ts';
import { formPost, setFlash } from '../../forms.ts';
import { homeFor, safeReturnPath } from '../../middleware/auth.ts';
import { signInRefusal } from '../../presenters/account-presenter.ts';
import { FLASH_WORDS } from '../../../i18n/flash-words.ts';

const signInSchema = z.object({
  identifiant: z.string().trim().min(1, 'Saisissez votre identifiant ou votre adresse e-mail').max(254, 'Identifiant trop long'),
  motDePasse: z.string().min(1, 'Saisissez votre mot de passe').max(1024, 'Mot de passe trop long'),
  retour: z.string().optional(),
});

const VIEW = 'pages/portal/sign-in';

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

  router.post(
    '/connexion',
    formPost({
      schema: signInSchema,
      act: ({ retour }, req, res) =>
        new Promise<void>((resolve, reject) => {
          const commune = res.locals.commune!;
          passport.authenticate('local', (error: unknown, user: User | false, info?: Partial<SignInFailureInfo>) => {
            if (error) return reject(error);
            if (!user) {
              const failure: AuthenticationFailure = info?.failure ?? { ok: false, reason: 'invalid_credentials' };
              if (failure.reason === 'locked') res.set('Retry-After', String(failure.retryAfterSeconds));
              const { status, message } = signInRefusal(failure, commune.settings.contacts.service);
              return reject(new ValidationError([{ field: 'identifiant', message }], status));
            }
            // passport regenerates the session id here, against session fixation.
            req.logIn(user, (loginError) => {
              if (loginError) return reject(loginError);
              setFlash(req, 'success', FLASH_WORDS.signedIn(user));
              const destination =
                (user.role === 'parent' ? safeReturnPath(retour, commune.slug) : undefined) ?? homeFor(user.role, commune.slug);
              res.redirect(303, destination);
              resolve();
            });
          })(req, res, (error?: unknown) => (error ? reject(error) : resolve()));
        }),
      render: (_req, res, { status, errors, values }) => res.status(status).render(VIEW, { errors, values }),
    }),
  );

  router.post('/deconnexion', (req, res, next) => {
    const commune = res.locals.commune!;
    req.logOut((error) => {
      if (error) return next(error);
      setFlash(req, 'info', FLASH_WORDS.signedOut);
      res.redirect(303, `/${commune.slug}`);
    });
  });

  return router;
}
