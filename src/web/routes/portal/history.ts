import { Router } from 'express';
import { z } from 'zod';
import type { HistoryPeriod, PeriodBounds } from '../../../domain/history-period.ts';
import { formatDate } from '../../../i18n/format.ts';
import type { Services } from '../../../services/index.ts';
import { MAX_CONNECTION_EVENTS } from '../../../services/history-service.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentFamilyRequests } from '../../presenters/request-history-presenter.ts';
import { presentSignInEvents } from '../../presenters/sign-in-event-presenter.ts';

/**
 * `vue` and `periode` come from links and bookmarks: anything unknown (a view still to come such as
 * `paiements`, a mistyped period, a repeated parameter) falls back to the default instead of failing.
 */
const historyQuerySchema = z.object({
  vue: z.enum(['demarches', 'connexions']).catch('connexions'),
  periode: z.enum(['semaine', 'mois']).catch('semaine'),
});

type View = z.infer<typeof historyQuerySchema>['vue'];

const PERIODS: Record<z.infer<typeof historyQuerySchema>['periode'], { period: HistoryPeriod; label: string }> = {
  semaine: { period: 'week', label: 'Cette semaine' },
  mois: { period: 'month', label: 'Ce mois-ci' },
};

const VIEWS: Record<View, { label: string; title: string }> = {
  demarches: { label: 'Démarches', title: 'Mes démarches' },
  connexions: { label: 'Connexions', title: 'Mes connexions' },
};

const periodWords = (bounds: PeriodBounds) => ({
  periodFrom: formatDate(bounds.from),
  // The last day shown is the day before the (exclusive) end.
  periodTo: formatDate(new Date(bounds.to.getTime() - 1)),
});

export function historyRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/historique', requireParent, async (req, res) => {
    const commune = res.locals.commune!;
    const query = historyQuerySchema.parse(req.query);
    const { period, label } = PERIODS[query.periode];
    const common = {
      vue: query.vue,
      viewTitle: VIEWS[query.vue].title,
      views: Object.entries(VIEWS).map(([value, view]) => ({ value, label: view.label })),
      periode: query.periode,
      periodOptions: Object.entries(PERIODS).map(([value, option]) => ({ value, label: option.label })),
      periodLabel: label,
    };
    if (query.vue === 'demarches') {
      const history = await services.history.requests(commune.id, req.user!.familyId!, period);
      res.render('pages/portal/history', {
        ...common,
        ...periodWords(history.period),
        requests: presentFamilyRequests(history.requests),
      });
      return;
    }
    const history = await services.history.connections(commune.id, req.user!.id, period);
    res.render('pages/portal/history', {
      ...common,
      ...periodWords(history.period),
      events: presentSignInEvents(history.events),
      truncated: history.truncated,
      maxEvents: MAX_CONNECTION_EVENTS,
    });
  });

  return router;
}
