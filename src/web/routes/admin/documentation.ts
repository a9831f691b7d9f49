import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { presentCommuneDocuments } from '../../presenters/documentation-presenter.ts';
import { idParam } from '../../row-id.ts';
import { singleFileUpload, uploadOf } from '../../uploads.ts';

const VIEW = 'pages/admin/documentation';

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/** The title, description, flag and type are the service's rules, checked with the file, so problems are listed together. */
const publicationSchema = z.object({
  titre: z.unknown().optional().transform(textOf),
  description: z.unknown().optional().transform(textOf),
  aRetourner: z.unknown().optional().transform((value) => value === 'oui'),
  type: z.unknown().optional().transform(textOf),
});

/** `/admin/documentation`: staff publish the commune's documents for families and remove them (audited). */
export function adminDocumentationRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  async function render(req: Request, res: Response, state: Partial<FormState> = {}) {
    const commune = res.locals.commune!;
    const documents = await services.documentation.list(commune, req.user!);
    res.status(state.status ?? 200).render(VIEW, {
      documents: presentCommuneDocuments(documents, commune.settings.documentTypes),
      documentTypes: commune.settings.documentTypes.map(({ code, name }) => ({ code, name })),
      errors: state.errors,
      values: state.values ?? {},
    });
  }

  router.get('/documentation', (req, res) => render(req, res));

  router.post(
    '/documentation',
    singleFileUpload('fichier'),
    formPost({
      schema: publicationSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const file = uploadOf(req);
        await services.documentation.publish(
          commune,
          req.user!,
          { title: form.titre, description: form.description, toReturn: form.aRetourner, documentTypeCode: form.type, ...(file ? { file } : {}) },
          formKeyOf(req.body),
        );
        setFlash(req, 'success', `« ${form.titre.trim()} » est publié dans la documentation des familles.`);
        res.redirect(303, `/${commune.slug}/admin/documentation`);
      },
      render,
    }),
  );

  router.get('/documentation/:documentId/supprimer', async (req, res) => {
    const commune = res.locals.commune!;
    const document = await services.documentation.get(commune, req.user!, idParam(req, 'documentId'));
    res.render('pages/admin/documentation-remove', { document: presentCommuneDocuments([document], commune.settings.documentTypes)[0] });
  });

  router.post('/documentation/:documentId/supprimer', async (req, res) => {
    const commune = res.locals.commune!;
    const formKey = formKeyOf(req.body);
    const title = await services.documentation.remove(commune, req.user!, idParam(req, 'documentId'), formKey);
    setFlash(req, 'success', `« ${title} » est retiré de la documentation.`);
    res.redirect(303, `/${commune.slug}/admin/documentation`);
  });

  return router;
}
