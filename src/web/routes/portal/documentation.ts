import { Router, type Request, type Response } from 'express';
import type { Services } from '../../../services/index.ts';
import { sendFileDownload } from '../../file-download.ts';
import { requireRole } from '../../middleware/auth.ts';
import { presentCommuneDocuments } from '../../presenters/documentation-presenter.ts';
import { idParam } from '../../row-id.ts';

/**
 * `/documentation` (DESIGN §6, issue 13 item 5): the documents the commune publishes, for its
 * signed-in parents (and its staff, who see what families see). A form « à nous retourner » links to
 * the requested document it is sent back as, on `/documents`.
 */
export function documentationRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/documentation', requireRole('parent', 'agent', 'admin'));

  router.get('/documentation', async (req: Request, res: Response) => {
    const commune = res.locals.commune!;
    const documents = await services.documentation.list(commune, req.user!);
    res.render('pages/portal/documentation', { documents: presentCommuneDocuments(documents, commune.settings.documentTypes) });
  });

  router.get('/documentation/:documentId/telecharger', async (req, res) => {
    const document = await services.documentation.download(res.locals.commune!, req.user!, idParam(req, 'documentId'));
    sendFileDownload(res, document.title, document.detectedType, document.content);
  });

  return router;
}
