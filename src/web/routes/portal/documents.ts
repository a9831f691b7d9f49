import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { MAX_FILES_PER_SENDING } from '../../../services/documents/document-service.ts';
import type { Services } from '../../../services/index.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { sendStoredFile } from '../../file-download.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentFamilyDocuments } from '../../presenters/document-presenter.ts';
import { idParam } from '../../row-id.ts';
import { multiFileUpload, uploadsOf } from '../../uploads.ts';

const VIEW = 'pages/portal/documents';
const MB = 1024 * 1024;

/**
 * « Mes documents » is multipart (its pages). The parser stops at the largest size any document
 * type of the commune allows; each type's own is checked by the service.
 */
const documentPages = multiFileUpload('fichiers', MAX_FILES_PER_SENDING, (res) =>
  Math.max(5, ...(res.locals.commune?.settings.documentTypes ?? []).map((type) => type.maxSizeMb)) * MB,
);

const sendSchema = z.object({
  document: z.string({ error: 'Choisissez le document que vous envoyez' }).min(1, 'Choisissez le document que vous envoyez'),
});

/** `/documents`: what the commune asks of the family and of each child, and the sending of files (issue 13). */
export function documentsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/documents', requireParent);

  async function render(req: Request, res: Response, state: Partial<FormState> = {}) {
    const [overview, space] = await Promise.all([
      services.documents.overview(res.locals.commune!, req.user!.familyId!),
      services.documents.space(res.locals.commune!, req.user!.familyId!),
    ]);
    const chosen = typeof req.query.document === 'string' ? req.query.document : undefined;
    res.status(state.status ?? 200).render(VIEW, {
      ...presentFamilyDocuments(overview, space),
      maxFiles: MAX_FILES_PER_SENDING,
      errors: state.errors,
      values: state.values ?? (chosen ? { document: chosen } : {}),
    });
  }

  router.get('/documents', (req, res) => render(req, res));

  router.post(
    '/documents',
    documentPages,
    formPost({
      schema: sendSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const { label } = await services.documents.send(commune, req.user!, form.document, uploadsOf(req), formKeyOf(req.body));
        setFlash(req, 'success', `Votre document « ${label} » est envoyé : le service le vérifiera et vous répondra par e-mail.`);
        res.redirect(303, `/${commune.slug}/documents`);
      },
      render,
    }),
  );

  /** A page the family sent; another family's (or an unknown id) answers 404. */
  router.get('/documents/fichiers/:fileId', async (req, res) => {
    const fileId = idParam(req, 'fileId');
    const file = await services.documents.fileForFamily(res.locals.commune!, req.user!.familyId!, fileId);
    sendStoredFile(res, file, `document-${fileId}`);
  });

  return router;
}
