import { Router } from 'express';
import type { Services } from '../../services/index.ts';
import { parseRowId } from '../row-id.ts';

/**
 * `/_dev/mails`: the development mailbox, mounted only outside production. It reads the outbox,
 * so it shows every mail the app wrote, sent or not, with its links clickable.
 */
export function devMailboxRouter(services: Services): Router {
  const router = Router();

  router.get('/_dev/mails', async (_req, res) => {
    res.render('pages/dev/mails', { mails: await services.outbox.listRecent(200) });
  });

  router.get('/_dev/mails/:id', async (req, res, next) => {
    const id = parseRowId(req.params.id);
    const mail = id === undefined ? undefined : await services.outbox.findById(id);
    if (!mail) return next();
    // Split on URLs so the template can link them while escaping everything else.
    const parts = mail.text.split(/(https?:\/\/[^\s]+)/g).map((text) => ({ text, isLink: /^https?:\/\//.test(text) }));
    res.render('pages/dev/mail', { mail, parts });
  });

  return router;
}
