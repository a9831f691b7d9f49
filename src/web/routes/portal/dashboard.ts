import { Router } from 'express';
import type { Services } from '../../../services/index.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentChildSummaries } from '../../presenters/booking-presenter.ts';
import { pendingRequestsWords, shortcutsFor } from '../../presenters/dashboard-presenter.ts';
import { presentDocumentsToSend } from '../../presenters/document-presenter.ts';
import { presentMembers } from '../../presenters/family-presenter.ts';
import { presentBalance } from '../../presenters/invoice-presenter.ts';
import { unreadInWords } from '../../presenters/message-presenter.ts';
import { presentNews } from '../../presenters/news-presenter.ts';
import { presentFamilyRequests } from '../../presenters/request-history-presenter.ts';

export function dashboardRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  // A read-only page gathering several sections: each comes from the service that owns it.
  router.get('/tableau-de-bord', requireParent, async (req, res) => {
    const commune = res.locals.commune!;
    const familyId = req.user!.familyId!;
    const overview = services.families.getOverview(commune.id, familyId);
    // The summary starts when the members are read; the documents asked reuse what it read.
    const summary = overview.then((read) => services.bookingGrid.familySummary(commune, familyId, read.members));
    const [{ family, members }, requests, news, unread, bookings, balance, documentsToSend] = await Promise.all([
      overview,
      services.familyEdits.listFamilyRequests(commune.id, familyId),
      services.news.current(commune),
      // The navigation counted them already for this page.
      res.locals.messageNav?.count ?? services.messages.unreadCount(commune, familyId),
      summary,
      services.invoices.balance(commune, familyId),
      summary.then((read) => services.documents.toSend(commune, familyId, read.read)),
    ]);
    const pending = requests.filter((request) => request.status === 'pending');
    res.render('pages/portal/dashboard', {
      family,
      members: presentMembers(members, bookings.now),
      bookings: presentChildSummaries(bookings),
      pendingRequests: presentFamilyRequests(pending),
      pendingWords: pendingRequestsWords(pending.length),
      news: presentNews(news),
      unreadCount: unread,
      unreadWords: unreadInWords(unread),
      shortcuts: shortcutsFor(commune.settings.features),
      balance: presentBalance(balance),
      documentsToSend: presentDocumentsToSend(documentsToSend),
    });
  });

  return router;
}
