import { Router } from 'express';
import type { Services } from '../../../services/index.ts';
import { requireStaff } from '../../middleware/auth.ts';
import { pageQuery } from '../../paging.ts';
import { presentFamilyPage } from '../../presenters/staff-family-presenter.ts';
import { adminAccountsRouter } from './accounts.ts';
import { adminAttendanceRouter } from './attendance.ts';
import { adminRegistrationsRouter } from './registrations.ts';
import { adminAuditRouter } from './audit.ts';
import { adminCommunicationRouter } from './communication.ts';
import { adminFamiliesRouter } from './families.ts';
import { adminFamilyFileRouter } from './family-file.ts';
import { adminInvoicingRouter } from './invoicing.ts';
import { adminPaymentsRouter } from './payments.ts';
import { adminDirectDebitRouter } from './direct-debit.ts';
import { adminDocumentsRouter } from './documents.ts';
import { adminRequestsRouter } from './requests.ts';
import { adminDocumentationRouter } from './documentation.ts';

/** The back-office, `/:commune/admin`, for the commune's Accueil-Éducation staff. */
export function adminRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use(requireStaff);

  router.get('/', async (req, res) => {
    const commune = res.locals.commune!;
    const { page } = pageQuery.parse(req.query);
    res.render('pages/admin/home', presentFamilyPage(await services.families.listFamilies(commune.id, page)));
  });

  router.use(adminAccountsRouter(services));
  router.use(adminRegistrationsRouter(services));
  router.use(adminAttendanceRouter(services));
  router.use(adminFamiliesRouter(services));
  router.use(adminFamilyFileRouter(services));
  router.use(adminRequestsRouter(services));
  router.use(adminDocumentsRouter(services));
  router.use(adminAuditRouter(services));
  router.use(adminCommunicationRouter(services));
  router.use(adminInvoicingRouter(services));
  router.use(adminPaymentsRouter(services));
  router.use(adminDirectDebitRouter(services));
  router.use(adminDocumentationRouter(services));
  return router;
}
