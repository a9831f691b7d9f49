import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { parseForm, renderWithErrors, setFlash } from '../../forms.ts';
import { presentPendingActivations } from '../../presenters/account-presenter.ts';
import { rowIdList } from '../../row-id.ts';

const decisionSchema = z
  .object({
    comptes: rowIdList('Demande inconnue', 'Cochez au moins une demande'),
    decision: z.enum(['activer', 'refuser'], { error: 'Choisissez « Activer » ou « Refuser »' }),
    motif: z.string().trim().max(1000, '1 000 caractères au maximum').optional(),
  })
  .superRefine((form, ctx) => {
    if (form.decision === 'refuser' && !form.motif) {
      ctx.addIssue({ code: 'custom', path: ['motif'], message: 'Indiquez le motif du refus : il est envoyé à la personne' });
    }
  }, { when: () => true });

/** « Comptes à activer »: self-registrations waiting for staff, the nearest deadline first. */
export function adminAccountsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/comptes-a-activer', async (_req, res) => {
    const pending = await services.accounts.listPendingActivations(res.locals.commune!);
    res.render('pages/admin/accounts', { pending: presentPendingActivations(pending, services.clock.now()) });
  });

  router.post('/comptes-a-activer', async (req, res) => {
    const commune = res.locals.commune!;
    const parsed = parseForm(decisionSchema, req.body);
    if (!parsed.ok) {
      const pending = await services.accounts.listPendingActivations(commune);
      renderWithErrors(res, 400, 'pages/admin/accounts', parsed.errors, parsed.values, {
        pending: presentPendingActivations(pending, services.clock.now()),
      });
      return;
    }
    const { comptes, decision, motif } = parsed.data;
    const { decided, alreadyDecided } = await services.accounts.decideActivations(
      commune,
      req.user!,
      comptes,
      decision === 'activer' ? { accept: true } : { accept: false, reason: motif! },
    );
    const names = decided.map((user) => `${user.firstName} ${user.lastName}`).join(', ');
    const done = decided.length
      ? `${decision === 'activer' ? 'Activé' : 'Refusé'}${decided.length > 1 ? 's' : ''} : ${names}. Un e-mail a été envoyé.`
      : '';
    const skipped = alreadyDecided.length ? ` ${alreadyDecided.length} demande(s) avaient déjà été traitées par un autre agent.` : '';
    setFlash(req, 'success', `${done}${skipped}`.trim());
    res.redirect(303, `/${commune.slug}/admin/comptes-a-activer`);
  });

  return router;
}
