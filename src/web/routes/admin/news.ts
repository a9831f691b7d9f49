import { Router, type Response } from 'express';
import { z } from 'zod';
import { parseCalendarDay } from '../../../domain/contact-formats.ts';
import type { NewsInput } from '../../../model/news.ts';
import type { Services } from '../../../services/index.ts';
import { requiredText } from '../../form-fields.ts';
import { formKeyOf, parseForm, renderWithErrors, setFlash } from '../../forms.ts';
import { newsFormValues, presentNewsForStaff } from '../../presenters/news-presenter.ts';
import { idParam } from '../../row-id.ts';

const LIST_VIEW = 'pages/admin/news';
const EDIT_VIEW = 'pages/admin/news-edit';

const DAY_EXAMPLE = 'par exemple 01/12/2026';

/** A calendar day typed in a date field (2026-12-01) or by hand (01/12/2026). */
const day = (missing: string) =>
  z
    .string({ error: missing })
    .trim()
    .min(1, missing)
    .transform((value, ctx) => {
      const parsed = parseCalendarDay(value);
      if (!parsed) {
        ctx.addIssue({ code: 'custom', message: `Saisissez une date valide, ${DAY_EXAMPLE}` });
        return z.NEVER;
      }
      return parsed;
    });

const isDay = (value: unknown): value is string => typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value);

const newsSchema = z
  .object({
    titre: requiredText("Saisissez le titre de l'actualité", 150),
    texte: requiredText("Saisissez le texte de l'actualité", 5000),
    publication: day(`Saisissez la date de publication, ${DAY_EXAMPLE}`),
    fin: z.preprocess((value) => (typeof value === 'string' && value.trim() === '' ? undefined : value), day(`Saisissez une date valide, ${DAY_EXAMPLE}`).optional()),
  })
  .superRefine(
    (form, ctx) => {
      if (isDay(form.fin) && isDay(form.publication) && form.fin < form.publication) {
        ctx.addIssue({ code: 'custom', path: ['fin'], message: 'La date de fin doit être le jour de la publication ou un jour après' });
      }
    },
    { when: () => true },
  );

const toInput = (form: z.infer<typeof newsSchema>): NewsInput => ({
  title: form.titre,
  body: form.texte,
  publishedOn: form.publication,
  endsOn: form.fin ?? null,
});

/** « Actualités »: staff publish, change and remove the commune's news; each action is audited. */
export function adminNewsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  async function listContext(res: Response) {
    const items = await services.news.listForStaff(res.locals.commune!);
    return { news: presentNewsForStaff(items, services.news.today()) };
  }

  router.get('/actualites', async (_req, res) => {
    res.render(LIST_VIEW, { ...(await listContext(res)), values: { publication: services.news.today() } });
  });

  router.post('/actualites', async (req, res) => {
    const commune = res.locals.commune!;
    const formKey = formKeyOf(req.body);
    const parsed = parseForm(newsSchema, req.body);
    if (!parsed.ok) {
      renderWithErrors(res, 400, LIST_VIEW, parsed.errors, parsed.values, await listContext(res));
      return;
    }
    await services.news.publish(commune, req.user!, toInput(parsed.data), formKey);
    setFlash(req, 'success', `Actualité « ${parsed.data.titre} » enregistrée.`);
    res.redirect(303, `/${commune.slug}/admin/actualites`);
  });

  router.get('/actualites/:newsId/modifier', async (req, res) => {
    const item = await services.news.get(res.locals.commune!, idParam(req, 'newsId'));
    res.render(EDIT_VIEW, { newsId: item.id, values: newsFormValues(item) });
  });

  router.post('/actualites/:newsId/modifier', async (req, res) => {
    const commune = res.locals.commune!;
    const formKey = formKeyOf(req.body);
    const item = await services.news.get(commune, idParam(req, 'newsId'));
    const parsed = parseForm(newsSchema, req.body);
    if (!parsed.ok) {
      renderWithErrors(res, 400, EDIT_VIEW, parsed.errors, parsed.values, { newsId: item.id });
      return;
    }
    await services.news.update(commune, req.user!, item.id, toInput(parsed.data), formKey);
    setFlash(req, 'success', `Actualité « ${parsed.data.titre} » modifiée.`);
    res.redirect(303, `/${commune.slug}/admin/actualites`);
  });

  router.get('/actualites/:newsId/supprimer', async (req, res) => {
    const item = await services.news.get(res.locals.commune!, idParam(req, 'newsId'));
    res.render('pages/admin/news-remove', { item: presentNewsForStaff([item], services.news.today())[0] });
  });

  router.post('/actualites/:newsId/supprimer', async (req, res) => {
    const commune = res.locals.commune!;
    const formKey = formKeyOf(req.body);
    const removed = await services.news.remove(commune, req.user!, idParam(req, 'newsId'), formKey);
    setFlash(req, 'success', `Actualité « ${removed.title} » supprimée.`);
    res.redirect(303, `/${commune.slug}/admin/actualites`);
  });

  return router;
}
