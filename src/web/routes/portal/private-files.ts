import { Router, type NextFunction, type Request, type Response } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../../domain/errors.ts';
import type { Services } from '../../../services/index.ts';
import { sendFileDownload } from '../../file-download.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentFamilyDocuments } from '../../presenters/document-presenter.ts';
import { presentPrivateFile, presentPrivateStorage } from '../../presenters/private-file-presenter.ts';
import { idParam } from '../../row-id.ts';
import { singleFileUpload, uploadOf } from '../../uploads.ts';

const VIEW = 'pages/portal/private-files';
const RENAME_VIEW = 'pages/portal/private-file-rename';
const DELETE_VIEW = 'pages/portal/private-file-delete';
const TRANSMIT_VIEW = 'pages/portal/private-file-transmit';

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The label and its length are the service's rules, checked with the file, so problems are listed together. */
const storeSchema = z.object({ libelle: z.unknown().optional().transform(textOf) });
const renameSchema = z.object({ libelle: z.unknown().optional().transform(textOf) });
const transmitSchema = z.object({
  document: z.string({ error: 'Choisissez le document demandé auquel transmettre ce fichier' }).min(1, 'Choisissez le document demandé auquel transmettre ce fichier'),
});

/**
 * Signed out: the sign-in page, then back. Signed in as staff: 404, as for another person's file —
 * a porte-documents is no one's business but its owner's, and staff do not learn that a file exists.
 */
function ownersOnly(req: Request, res: Response, next: NextFunction) {
  if (!req.user) return requireParent(req, res, next);
  if (req.user.role !== 'parent') return next(new NotFoundError(`${req.user.role} ${req.user.id} opened ${req.originalUrl}`));
  next();
}

/**
 * `/porte-documents` (DESIGN §6, issue 13 item 4): a parent's private storage where the commune
 * enables it — upload, rename, delete (with a confirmation page), download; private to the account.
 */
export function privateFilesRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/porte-documents', ownersOnly);

  const base = (res: Response) => `/${res.locals.commune!.slug}/porte-documents`;

  async function render(req: Request, res: Response, state: Partial<FormState> = {}) {
    const page = await services.privateFiles.page(res.locals.commune!, req.user!);
    res.status(state.status ?? 200).render(VIEW, { ...presentPrivateStorage(page), errors: state.errors, values: state.values ?? {} });
  }

  router.get('/porte-documents', (req, res) => render(req, res));

  router.post(
    '/porte-documents',
    singleFileUpload('fichier'),
    formPost({
      schema: storeSchema,
      async act(form, req, res) {
        const file = uploadOf(req);
        const stored = await services.privateFiles.store(res.locals.commune!, req.user!, { label: form.libelle, ...(file ? { file } : {}) }, formKeyOf(req.body));
        setFlash(req, 'success', `« ${stored.label} » est enregistré dans votre porte-documents.`);
        res.redirect(303, base(res));
      },
      render,
    }),
  );

  router.get('/porte-documents/:fileId/telecharger', async (req, res) => {
    const file = await services.privateFiles.download(res.locals.commune!, req.user!, idParam(req, 'fileId'));
    sendFileDownload(res, file.label, file.detectedType, file.content);
  });

  async function renderRename(req: Request, res: Response, state: Partial<FormState> = {}) {
    const file = await services.privateFiles.get(res.locals.commune!, req.user!, idParam(req, 'fileId'));
    res.status(state.status ?? 200).render(RENAME_VIEW, { file: presentPrivateFile(file), errors: state.errors, values: state.values ?? { libelle: file.label } });
  }

  router.get('/porte-documents/:fileId/renommer', (req, res) => renderRename(req, res));

  router.post(
    '/porte-documents/:fileId/renommer',
    formPost({
      schema: renameSchema,
      async act(form, req, res) {
        const label = await services.privateFiles.rename(res.locals.commune!, req.user!, idParam(req, 'fileId'), form.libelle);
        setFlash(req, 'success', `Le document s'appelle désormais « ${label} ».`);
        res.redirect(303, base(res));
      },
      render: renderRename,
    }),
  );

  /** « Transmettre »: a copy of the file to a document the commune asks (the file stays in the porte-documents). */
  async function renderTransmit(req: Request, res: Response, state: Partial<FormState> = {}) {
    const commune = res.locals.commune!;
    const file = await services.privateFiles.get(commune, req.user!, idParam(req, 'fileId'));
    const { choices } = presentFamilyDocuments(await services.documents.overview(commune, req.user!.familyId!));
    res.status(state.status ?? 200).render(TRANSMIT_VIEW, { file: presentPrivateFile(file), choices, errors: state.errors, values: state.values ?? {} });
  }

  router.get('/porte-documents/:fileId/transmettre', (req, res) => renderTransmit(req, res));

  router.post(
    '/porte-documents/:fileId/transmettre',
    formPost({
      schema: transmitSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const file = await services.privateFiles.download(commune, req.user!, idParam(req, 'fileId'));
        const upload = { content: file.content, originalName: file.label };
        const { label } = await services.documents.transmit(commune, req.user!, form.document, upload, formKeyOf(req.body));
        setFlash(req, 'success', `« ${file.label} » est transmis au service pour le document « ${label} » : il le vérifiera et vous répondra par e-mail. Le fichier reste dans votre porte-documents.`);
        res.redirect(303, `/${commune.slug}/documents`);
      },
      render: renderTransmit,
    }),
  );

  router.get('/porte-documents/:fileId/supprimer', async (req, res) => {
    const file = await services.privateFiles.get(res.locals.commune!, req.user!, idParam(req, 'fileId'));
    res.render(DELETE_VIEW, { file: presentPrivateFile(file) });
  });

  router.post('/porte-documents/:fileId/supprimer', async (req, res) => {
    const formKey = formKeyOf(req.body);
    const label = await services.privateFiles.remove(res.locals.commune!, req.user!, idParam(req, 'fileId'), formKey);
    setFlash(req, 'success', `« ${label} » est supprimé de votre porte-documents.`);
    res.redirect(303, base(res));
  });

  return router;
}
