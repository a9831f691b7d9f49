import { Router } from 'express';
import type { Services } from '../../../services/index.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentMessage, presentMessageList, unreadInWords } from '../../presenters/message-presenter.ts';
import { idParam } from '../../row-id.ts';

/** « Messages »: what the service wrote to the family; where the commune has them (else 404). */
export function messagesRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/messages', requireParent);

  router.get('/messages', async (req, res) => {
    const commune = res.locals.commune!;
    const messages = await services.messages.listForFamily(commune, req.user!.familyId!);
    const unread = messages.filter((message) => message.readAt === null).length;
    res.render('pages/portal/messages', { messages: presentMessageList(messages), unreadWords: unreadInWords(unread) });
  });

  router.get('/messages/:messageId', async (req, res) => {
    const commune = res.locals.commune!;
    const message = await services.messages.read(commune, req.user!, idParam(req, 'messageId'));
    res.render('pages/portal/message', { message: presentMessage(message) });
  });

  return router;
}
