import { Router } from 'express';
import type { Services } from '../../../services/index.ts';
import { adminMessagesRouter } from './messages.ts';
import { adminNewsRouter } from './news.ts';

/** What staff tell families: « Actualités » for everyone, « Messages » to one family. */
export function adminCommunicationRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use(adminNewsRouter(services));
  router.use(adminMessagesRouter(services));
  return router;
}
