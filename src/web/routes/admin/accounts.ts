import { Router, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { formPost, setFlash } from '../../forms.ts';
import { activationDecisionMessage, presentPendingActivations } from '../../presenters/account-presenter.ts';
import { rowIdList } from '../../row-id.ts';

const VIEW = 'pages/admin/accounts';

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

  const renderQueue = async (res: Response, status: number, extra: Record<string, unknown> = {}) => {
    const queue = await services.selfRegistration.listPending(res.locals.commune!);
    res.status(status).render(VIEW, { ...extra, pending: presentPendingActivations(queue) });
  };

  router.get('/comptes-a-activer', (_req, res) => renderQueue(res, 200));

  router.post(
    '/comptes-a-activer',
    formPost({
      schema: decisionSchema,
      async act({ comptes, decision, motif }, req, res) {
        const commune = res.locals.commune!;
        const accept = decision === 'activer';
        const { decided, alreadyDecided } = await services.selfRegistration.decide(
          commune,
          req.user!,
          comptes,
          accept ? { accept: true } : { accept: false, reason: motif! },
        );
        setFlash(req, 'success', activationDecisionMessage(accept, decided, alreadyDecided.length));
        res.redirect(303, `/${commune.slug}/admin/comptes-a-activer`);
      },
      render: (_req, res, { status, errors, values }) => renderQueue(res, status, { errors, values }),
    }),
  );

  return router;
}
