import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import type { GuardianInput } from '../../../services/family/family-creation-service.ts';
import { civility, email, optionalPhone, optionalPostcode, optionalText, requiredText } from '../../form-fields.ts';
import { formKeyOf, formPost, setFlash } from '../../forms.ts';
import { FLASH_WORDS } from '../../../i18n/flash-words.ts';

const VIEW = 'pages/admin/new-family';

const schema = z
  .object({
    famille: requiredText('Saisissez le nom de la famille'),
    adresse: optionalText(200),
    codePostal: optionalPostcode,
    ville: optionalText(100),
    civilite1: civility,
    nom1: requiredText('Saisissez le nom du premier responsable'),
    prenom1: requiredText('Saisissez le prénom du premier responsable'),
    courriel1: email(),
    telephone1: optionalPhone,
    civilite2: z.preprocess((v) => (v === '' ? undefined : v), civility.optional()),
    nom2: optionalText(100),
    prenom2: optionalText(100),
    courriel2: z.preprocess((v) => (v === '' ? undefined : v), email().optional()),
    telephone2: optionalPhone,
  })
  .superRefine((form, ctx) => {
    const second = [form.nom2, form.prenom2, form.courriel2, form.civilite2].some(Boolean);
    if (!second) return;
    if (!form.civilite2) ctx.addIssue({ code: 'custom', path: ['civilite2'], message: 'Indiquez la civilité du second responsable' });
    if (!form.nom2) ctx.addIssue({ code: 'custom', path: ['nom2'], message: 'Saisissez le nom du second responsable' });
    if (!form.prenom2) ctx.addIssue({ code: 'custom', path: ['prenom2'], message: 'Saisissez le prénom du second responsable' });
    if (!form.courriel2) ctx.addIssue({ code: 'custom', path: ['courriel2'], message: "Saisissez l'adresse e-mail du second responsable" });
  }, { when: () => true });

/** Staff open a family file and its guardians' accounts; each guardian gets an activation e-mail. */
export function adminFamiliesRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/familles/nouvelle', (_req, res) => {
    res.render(VIEW, { values: {} });
  });

  router.post(
    '/familles/nouvelle',
    formPost({
      schema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const guardians: GuardianInput[] = [
          { civility: form.civilite1, lastName: form.nom1, firstName: form.prenom1, email: form.courriel1, phone: form.telephone1 },
        ];
        if (form.courriel2 && form.civilite2 && form.nom2 && form.prenom2) {
          guardians.push({ civility: form.civilite2, lastName: form.nom2, firstName: form.prenom2, email: form.courriel2, phone: form.telephone2 });
        }
        const created = await services.familyCreation.createFamilyWithGuardians(
          commune,
          { name: form.famille, addressLine: form.adresse, postcode: form.codePostal, city: form.ville, guardians },
          req.user!,
          formKeyOf(req.body),
        );
        setFlash(req, 'success', FLASH_WORDS.familyCreated(form.famille, created.reference, created.guardians));
        res.redirect(303, `/${commune.slug}/admin`);
      },
      render: (_req, res, { status, errors, values }) => res.status(status).render(VIEW, { errors, values }),
    }),
  );

  return router;
}
