import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { formKeyOf, formPost, setFlash } from '../../forms.ts';
import { requireParent } from '../../middleware/auth.ts';
import { requiredDocumentsHint } from '../../presenters/document-presenter.ts';
import { presentRegistrations, REGISTRATION_STATUS } from '../../presenters/registration-presenter.ts';
import { idParam, rowId } from '../../row-id.ts';
import { FLASH_WORDS } from '../../../i18n/flash-words.ts';

const filtersSchema = z.object({
  enfant: rowId().optional().catch(undefined),
  statut: z.enum(['validated', 'pending', 'refused']).optional().catch(undefined),
  annee: z.string().regex(/^\d{4}-\d{4}$/).optional().catch(undefined),
});

const requestSchema = z.object({
  enfant: rowId('Choisissez un enfant'),
  activite: rowId('Choisissez une activité'),
  anneeScolaire: z.string({ error: 'Choisissez une année scolaire' }).regex(/^\d{4}-\d{4}$/, 'Choisissez une année scolaire'),
});

/** `/inscriptions`: the family's registrations, a new request, and the attestation PDF. */
export function registrationsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/inscriptions', requireParent);

  router.get('/inscriptions', async (req, res) => {
    const commune = res.locals.commune!;
    const filters = filtersSchema.parse(req.query);
    const familyId = req.user!.familyId!;
    const [registrations, options] = await Promise.all([
      services.registrations.listForFamily(commune, familyId, { memberId: filters.enfant, status: filters.statut, schoolYear: filters.annee }),
      services.registrations.formOptions(commune, familyId),
    ]);
    res.render('pages/portal/registrations', {
      groups: presentRegistrations(registrations),
      filters,
      children: options.children,
      schoolYears: options.schoolYears,
      statuses: REGISTRATION_STATUS,
    });
  });

  const renderForm = async (res: Parameters<Parameters<Router['get']>[1]>[1], status: number, extra: Record<string, unknown>) => {
    const commune = res.locals.commune!;
    const options = await services.registrations.formOptions(commune, res.locals.user!.familyId!);
    const documentHints = Object.fromEntries(
      options.activities.map((activity) => [activity.id, requiredDocumentsHint(activity.rules.requiredDocuments, commune.settings.documentTypes)]),
    );
    res.status(status).render('pages/portal/registration-new', { ...options, documentHints, ...extra });
  };

  router.get('/inscriptions/nouvelle', async (req, res) => {
    const options = await services.registrations.formOptions(res.locals.commune!, req.user!.familyId!);
    await renderForm(res, 200, { values: { anneeScolaire: options.schoolYears[0]?.name, enfant: req.query.enfant } });
  });

  router.post(
    '/inscriptions/nouvelle',
    formPost({
      schema: requestSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const request = { memberId: form.enfant, activityId: form.activite, schoolYear: form.anneeScolaire };
        await services.registrations.request(commune, req.user!, request, formKeyOf(req.body));
        setFlash(req, 'success', FLASH_WORDS.registrationAsked);
        res.redirect(303, `/${commune.slug}/inscriptions`);
      },
      render: (_req, res, { status, errors, values }) => renderForm(res, status, { errors, values }),
    }),
  );

  router.get('/inscriptions/:id/attestation.pdf', async (req, res) => {
    const commune = res.locals.commune!;
    const id = idParam(req, 'id');
    const { filename, pdf } = await services.registrations.attestation(commune, req.user!.familyId!, id);
    res
      .type('application/pdf')
      .set('Content-Disposition', `attachment; filename="${filename}"`)
      .set('X-Content-Type-Options', 'nosniff')
      .set('Cache-Control', 'private, no-store')
      .send(pdf);
  });

  return router;
}
