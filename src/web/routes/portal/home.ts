import { Router } from 'express';
import type { Services } from '../../../services/index.ts';
import { homeFor } from '../../middleware/auth.ts';
import { presentNews } from '../../presenters/news-presenter.ts';

export function homeRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/', async (req, res) => {
    const commune = res.locals.commune!;
    res.render('pages/portal/home', {
      signedInHome: req.user ? homeFor(req.user.role, commune.slug) : undefined,
      news: presentNews(await services.news.current(commune)),
    });
  });

  /** The commune's colours, as a stylesheet: the CSP forbids inline styles. */
  router.get('/theme.css', (_req, res) => {
    const { primaryColour, accentColour } = res.locals.commune!.settings.identity;
    res
      .type('text/css')
      .set('Cache-Control', 'public, max-age=300')
      .send(`:root{--commune-primary:${primaryColour};--commune-accent:${accentColour};}\n`);
  });

  return router;
}
