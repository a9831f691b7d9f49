import { Router } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { MAX_CONNECTION_EVENTS } from '../../../services/accounts/history-service.ts';
import { requireParent } from '../../middleware/auth.ts';
import {
  HISTORY_PERIODS,
  HISTORY_VIEWS,
  presentHistoryPage,
  type HistoryPeriodParam,
  type HistoryView,
} from '../../presenters/history-page-presenter.ts';
import { presentPaymentHistory } from '../../presenters/payment-presenter.ts';
import { presentFamilyRequests } from '../../presenters/request-history-presenter.ts';
import { presentSignInEvents } from '../../presenters/sign-in-event-presenter.ts';

/**
 * `vue` and `periode` come from links and bookmarks: anything unknown (an unknown view, a mistyped
 * period, a repeated parameter) falls back to the default instead of failing.
 */
const historyQuerySchema = z.object({
  vue: z.enum(Object.keys(HISTORY_VIEWS) as [HistoryView, ...HistoryView[]]).catch('connexions'),
  periode: z.enum(Object.keys(HISTORY_PERIODS) as [HistoryPeriodParam, ...HistoryPeriodParam[]]).catch('semaine'),
});

export function historyRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/historique', requireParent, async (req, res) => {
    const commune = res.locals.commune!;
    const { vue, periode } = historyQuerySchema.parse(req.query);
    const { period } = HISTORY_PERIODS[periode];
    if (vue === 'demarches') {
      const history = await services.history.requests(commune.id, req.user!.familyId!, period);
      res.render('pages/portal/history', {
        ...presentHistoryPage(vue, periode, history.period),
        requests: presentFamilyRequests(history.requests),
      });
      return;
    }
    if (vue === 'paiements') {
      const history = await services.history.payments(commune.id, req.user!.familyId!, period);
      res.render('pages/portal/history', {
        ...presentHistoryPage(vue, periode, history.period),
        payments: presentPaymentHistory(history.payments),
      });
      return;
    }
    const history = await services.history.connections(commune.id, req.user!.id, period);
    res.render('pages/portal/history', {
      ...presentHistoryPage(vue, periode, history.period),
      events: presentSignInEvents(history.events),
      truncated: history.truncated,
      maxEvents: MAX_CONNECTION_EVENTS,
    });
  });

  return router;
}
