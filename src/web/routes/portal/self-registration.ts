import { Router } from 'express';
import { z } from 'zod';
import { ValidationError } from '../../../domain/errors.ts';
import { passwordProblems } from '../../../domain/password-policy.ts';
import { passwordProblemWords } from '../../../i18n/password-words.ts';
import type { Services } from '../../../services/index.ts';
import { email, optionalBirthDate, optionalPhone, optionalPostcode, optionalText, requiredText, civility } from '../../form-fields.ts';
import { formPost } from '../../forms.ts';
import { homeFor } from '../../middleware/auth.ts';
import { mailThrottledMessage } from '../../presenters/account-presenter.ts';

const VIEW = 'pages/portal/self-registration';

/** `today`: the day a birth date must be before, from the service's clock. */
function registrationSchema(today: () => string) {
  return z
    .object({
      civilite: civility,
      nomUsage: requiredText('Saisissez votre nom'),
      nomNaissance: optionalText(100),
      prenom: requiredText('Saisissez votre prénom'),
      dateNaissance: optionalBirthDate(today),
      paysNaissance: optionalText(100),
      departementNaissance: optionalText(100),
      communeNaissance: optionalText(100),
      adresse: optionalText(200),
      codePostal: optionalPostcode,
      ville: optionalText(100),
      telephone: optionalPhone,
      courriel: email(),
      contactPrefere: z.enum(['email', 'telephone', 'courrier'], { error: 'Choisissez un moyen de contact' }).default('email'),
      motDePasse: z.string({ error: 'Choisissez un mot de passe' }).min(1, 'Choisissez un mot de passe'),
      confirmation: z.string({ error: 'Saisissez à nouveau le mot de passe' }),
    })
    .superRefine((form, ctx) => {
      // The password rules are checked with the rest, so every problem shows at the first try
      // (the service checks them again, with the e-mail and identifier).
      const passwordProblem = form.motDePasse ? passwordProblems(form.motDePasse, { email: form.courriel }).map(passwordProblemWords)[0] : undefined;
      if (passwordProblem) ctx.addIssue({ code: 'custom', path: ['motDePasse'], message: passwordProblem });
      if (form.motDePasse && form.confirmation !== form.motDePasse) {
        ctx.addIssue({ code: 'custom', path: ['confirmation'], message: 'Les deux mots de passe ne sont pas identiques' });
      }
      if (form.contactPrefere === 'telephone' && !form.telephone) {
        ctx.addIssue({ code: 'custom', path: ['telephone'], message: 'Indiquez un téléphone pour être contacté par téléphone' });
      }
      if (form.contactPrefere === 'courrier' && !(form.adresse && form.codePostal && form.ville)) {
        ctx.addIssue({ code: 'custom', path: ['adresse'], message: 'Indiquez votre adresse complète pour être contacté par courrier' });
      }
      // Checked even when other fields are wrong, so every problem is listed at once.
    }, { when: () => true });
}

/** « Je n'ai pas d'espace » → « Créer mon espace » (DESIGN §5), where the commune allows it. */
export function selfRegistrationRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/creer-mon-espace', (req, res) => {
    const commune = res.locals.commune!;
    if (req.user) {
      res.redirect(303, homeFor(req.user.role, commune.slug));
      return;
    }
    res.status(commune.settings.features.selfRegistration ? 200 : 404).render(VIEW, { values: { contactPrefere: 'email' } });
  });

  router.post(
    '/creer-mon-espace',
    (_req, res, next) => {
      if (res.locals.commune!.settings.features.selfRegistration) return next();
      res.status(404).render(VIEW);
    },
    formPost({
      schema: () => registrationSchema(services.selfRegistration.today),
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const outcome = await services.selfRegistration.register(
          commune,
          {
            civility: form.civilite,
            lastName: form.nomUsage,
            birthName: form.nomNaissance,
            firstName: form.prenom,
            birthDate: form.dateNaissance,
            birthCountry: form.paysNaissance,
            birthDepartment: form.departementNaissance,
            birthCity: form.communeNaissance,
            addressLine: form.adresse,
            postcode: form.codePostal,
            city: form.ville,
            phone: form.telephone,
            email: form.courriel,
            preferredContact: form.contactPrefere,
            password: form.motDePasse,
          },
          req.ip ?? null,
        );
        if (outcome.throttled) {
          res.set('Retry-After', String(outcome.retryAfterSeconds));
          throw new ValidationError([{ field: 'courriel', message: mailThrottledMessage(outcome.retryAfterSeconds) }], 429);
        }
        // The same answer whether the address was new or already had an account (its holder was told).
        req.session.registrationReceipt = { deadline: outcome.deadline.toISOString(), identifier: outcome.identifier, email: form.courriel };
        res.redirect(303, `/${commune.slug}/creer-mon-espace/demande-envoyee`);
      },
      render: (_req, res, { status, errors, values }) => res.status(status).render(VIEW, { errors, values }),
    }),
  );

  router.get('/creer-mon-espace/demande-envoyee', (req, res) => {
    const commune = res.locals.commune!;
    const receipt = req.session.registrationReceipt;
    if (!receipt) {
      res.redirect(303, `/${commune.slug}/creer-mon-espace`);
      return;
    }
    res.render('pages/portal/self-registration-done', { ...receipt, deadline: new Date(receipt.deadline) });
  });

  return router;
}
