import { Router, type NextFunction, type Request, type Response } from 'express';
import { isLoopback } from '../../config/env.ts';
import type { Services } from '../../services/index.ts';
import { parseRowId } from '../row-id.ts';

/**
 * Only a browser on this machine, straight to the app: a reverse proxy on the same machine would
 * otherwise hand the mailbox (reset links included) to anyone who reaches the proxy.
 */
function fromThisMachineOnly(req: Request, _res: Response, next: NextFunction) {
  const direct = !req.headers['x-forwarded-for'] && !req.headers.forwarded;
  if (direct && isLoopback(req.socket.remoteAddress ?? '')) return next();
  next('router');
}

/**
 * `/_dev/mails`: the development mailbox, mounted only on a developer's own machine (see
 * `developmentTools` in config/env). It reads the outbox,
 * so it shows every mail the app wrote, sent or not, with its links clickable.
 */
export function devMailboxRouter(services: Services): Router {
  const router = Router();
  router.use('/_dev', fromThisMachineOnly);

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
