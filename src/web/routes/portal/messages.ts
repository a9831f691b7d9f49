import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import type { Services } from '../../../services/index.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { sendStoredFile } from '../../file-download.ts';
import { requireParent } from '../../middleware/auth.ts';
import { familyMessageNav } from '../../middleware/message-counts.ts';
import { presentFamilyThread, presentFamilyThreads, unreadInWords } from '../../presenters/message-presenter.ts';
import { familyStorageWords } from '../../../i18n/file-words.ts';
import { idParam } from '../../row-id.ts';
import { messageAttachmentUpload, uploadOf } from '../../uploads.ts';

const CONTACT_VIEW = 'pages/portal/contact';
const THREAD_VIEW = 'pages/portal/message';


const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');


/**
 * What the form sent; the subject, the child, the text and the file are the service's rules, checked
 * all at once. A field may be absent (no child to choose: the form has no « Au sujet de »).
 */
const contactSchema = z.object({
  objet: z.unknown().optional().transform(textOf),
  enfant: z.unknown().optional().transform(textOf),
  message: z.unknown().optional().transform(textOf),
});

const replySchema = z.object({ message: z.unknown().optional().transform(textOf) });

/** « Messages »: the family's conversations with the service, and « Écrire au service » (DESIGN §6); 404 where the commune has them off. */
export function messagesRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/messages', requireParent);
  router.use('/contact', requireParent);

  router.get('/messages', async (req, res) => {
    const commune = res.locals.commune!;
    const threads = await services.messages.listForFamily(commune, req.user!.familyId!);
    const unread = threads.reduce((sum, thread) => sum + thread.unreadCount, 0);
    res.render('pages/portal/messages', { threads: presentFamilyThreads(threads), unreadWords: unreadInWords(unread) });
  });

  async function renderContact(req: Request, res: Response, state: Partial<FormState> = {}) {
    const { subjects, children, storage } = await services.messages.contactForm(res.locals.commune!, req.user!);
    res.status(state.status ?? 200).render(CONTACT_VIEW, {
      subjects,
      children: children.map((child) => ({ value: String(child.id), label: `${child.firstName} ${child.lastName}` })),
      storageWords: familyStorageWords(storage),
      errors: state.errors,
      values: state.values ?? {},
    });
  }

  router.get('/contact', (req, res) => renderContact(req, res));

  router.post(
    '/contact',
    messageAttachmentUpload(),
    formPost({
      schema: contactSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const file = uploadOf(req);
        const input = { subject: form.objet, memberId: form.enfant, body: form.message, ...(file ? { file } : {}) };
        const threadId = await services.messages.contact(commune, req.user!, input, formKeyOf(req.body));
        setFlash(req, 'success', 'Votre message est envoyé au service. Un e-mail vous préviendra de sa réponse.');
        res.redirect(303, `/${commune.slug}/messages/${threadId}`);
      },
      render: renderContact,
    }),
  );

  async function renderThread(req: Request, res: Response, state: Partial<FormState> = {}) {
    const commune = res.locals.commune!;
    const threadId = idParam(req, 'threadId');
    const page = await services.messages.read(commune, req.user!, threadId);
    const view = presentFamilyThread(page, req.user!.id, commune.settings.contacts.service, `/${commune.slug}/messages/${threadId}/pieces-jointes`);
    // The navigation's count was taken before this reading.
    const readNow = view.messages.filter((message) => message.isNew).length;
    if (res.locals.messageNav) res.locals.messageNav = familyMessageNav(Math.max(0, res.locals.messageNav.count - readNow));
    res.status(state.status ?? 200).render(THREAD_VIEW, { thread: view, storageWords: familyStorageWords(page.storage), errors: state.errors, values: state.values ?? {} });
  }

  router.get('/messages/:threadId', (req, res) => renderThread(req, res));

  router.post(
    '/messages/:threadId',
    messageAttachmentUpload(),
    formPost({
      schema: replySchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const threadId = idParam(req, 'threadId');
        const file = uploadOf(req);
        await services.messages.reply(commune, req.user!, threadId, { body: form.message, ...(file ? { file } : {}) }, formKeyOf(req.body));
        setFlash(req, 'success', 'Votre réponse est envoyée au service.');
        res.redirect(303, `/${commune.slug}/messages/${threadId}#dernier-message`);
      },
      render: renderThread,
    }),
  );

  /** The family's own attachment; another family's thread or message is unknown here (404). */
  router.get('/messages/:threadId/pieces-jointes/:messageId', async (req, res) => {
    const commune = res.locals.commune!;
    sendStoredFile(res, await services.messages.familyAttachment(commune, req.user!.familyId!, idParam(req, 'threadId'), idParam(req, 'messageId')));
  });

  return router;
}
