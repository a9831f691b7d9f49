import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { formPost, setFlash, type FormState } from '../../forms.ts';
import { presentDocumentQueue, validityHint } from '../../presenters/document-presenter.ts';
import { idParam } from '../../row-id.ts';
import { sendStoredFile } from '../../file-download.ts';
import { NotFoundError } from '../../../domain/errors.ts';

const acceptSchema = z.object({
  validiteFin: z.string({ error: 'Indiquez la fin de validité du document' }).trim().min(1, 'Indiquez la fin de validité du document'),
});
const refuseSchema = z.object({
  motif: z.string({ error: 'Indiquez le motif du refus : la famille le recevra par e-mail' }).trim().min(1, 'Indiquez le motif du refus : la famille le recevra par e-mail').max(1000, '1 000 caractères au maximum'),
});

/**
 * « Documents à vérifier » (issue 13 item 3): the documents families sent, oldest first; each one's
 * pages, accepted with a validity end or refused with a reason. Another commune's document is
 * unknown here (404): every lookup is scoped by the commune of the URL, the staff's own.
 */
export function adminDocumentsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/documents', async (_req, res) => {
    res.render('pages/admin/documents', { documents: presentDocumentQueue(await services.documents.queue(res.locals.commune!)) });
  });

  async function renderOne(req: Request, res: Response, state: Partial<FormState> = {}) {
    const commune = res.locals.commune!;
    const id = idParam(req, 'id');
    const [document] = presentDocumentQueue((await services.documents.queue(commune)).filter((queued) => queued.id === id));
    if (!document) throw new NotFoundError(`no pending document ${id}`);
    const today = services.documents.today();
    res.status(state.status ?? 200).render('pages/admin/document', {
      document,
      validityHint: validityHint(today),
      errors: state.errors,
      values: state.values ?? {},
    });
  }

  router.get('/documents/:id', (req, res) => renderOne(req, res));

  router.get('/documents/:id/fichiers/:fileId', async (req, res) => {
    const id = idParam(req, 'id');
    const fileId = idParam(req, 'fileId');
    sendStoredFile(res, await services.documents.fileForStaff(res.locals.commune!, id, fileId), `document-${id}-${fileId}`);
  });

  const decided = (req: Request, res: Response, outcome: { outcome: string; label: string | null }, words: string) => {
    const commune = res.locals.commune!;
    if (outcome.outcome === 'already_decided') setFlash(req, 'info', 'Ce document a déjà été traité par un autre agent.');
    else setFlash(req, 'success', `Document « ${outcome.label} » ${words} : la famille est prévenue par e-mail.`);
    res.redirect(303, `/${commune.slug}/admin/documents`);
  };

  router.post(
    '/documents/:id/valider',
    formPost({
      schema: acceptSchema,
      async act(form, req, res) {
        const outcome = await services.documents.decide(res.locals.commune!, req.user!, idParam(req, 'id'), { accept: true, validUntil: form.validiteFin });
        decided(req, res, outcome, 'validé');
      },
      render: renderOne,
    }),
  );

  router.post(
    '/documents/:id/refuser',
    formPost({
      schema: refuseSchema,
      async act(form, req, res) {
        const outcome = await services.documents.decide(res.locals.commune!, req.user!, idParam(req, 'id'), { accept: false, reason: form.motif });
        decided(req, res, outcome, 'refusé');
      },
      render: renderOne,
    }),
  );

  return router;
}
