import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../../domain/errors.ts';
import type { Services } from '../../../services/index.ts';
import { requiredText } from '../../form-fields.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { assigneeOptions, presentInbox, presentStaffThread, unansweredInWords } from '../../presenters/message-presenter.ts';
import { idParam, rowId } from '../../row-id.ts';
import { sendStoredFile } from '../../file-download.ts';
import { messageAttachmentUpload, uploadOf } from '../../uploads.ts';

const FORM_VIEW = 'pages/admin/message-new';
const THREAD_VIEW = 'pages/admin/message';

const familyQuery = z.object({ famille: rowId() });

const messageSchema = z.object({
  objet: requiredText("Saisissez l'objet du message", 150),
  message: requiredText('Saisissez le texte du message', 5000),
});

const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/** An answer's text is the service's rule (checked with the family's messages' rules). */
const answerSchema = z.object({ message: z.unknown().optional().transform(textOf) });

/** '' gives the thread to nobody. */
const assignSchema = z.object({
  agent: z.union([z.literal('').transform(() => null), rowId('Choisissez un agent du service dans la liste')], {
    error: 'Choisissez un agent du service dans la liste',
  }),
});

const closeSchema = z.object({ etat: z.enum(['close', 'ouverte'], { error: 'Action inconnue' }) });

function familyIdOf(req: Request): number {
  const parsed = familyQuery.safeParse(req.query);
  if (!parsed.success) throw new NotFoundError('message form without a family');
  return parsed.data.famille;
}

/**
 * Staff's side of the conversations with families: the inbox (waiting ones first), a thread with
 * its answer form, its assignment and its closing; and a new thread started with a family, whose
 * guardians get an e-mail and may answer.
 */
export function adminMessagesRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  async function formContext(res: Response, familyId: number) {
    const { family, guardians } = await services.messages.recipient(res.locals.commune!, familyId);
    return {
      family,
      guardians: guardians.map((guardian) => `${guardian.firstName} ${guardian.lastName} (${guardian.email})`),
    };
  }

  router.get('/messages', async (req, res) => {
    const commune = res.locals.commune!;
    const parsed = familyQuery.safeParse(req.query);
    const familyId = parsed.success ? parsed.data.famille : undefined;
    const [threads, unanswered] = await Promise.all([services.messages.inbox(commune, { familyId }), services.messages.unansweredCount(commune)]);
    res.render('pages/admin/messages', { threads: presentInbox(threads), unansweredWords: unansweredInWords(unanswered), filtered: familyId !== undefined });
  });

  async function renderNewMessage(req: Request, res: Response, state: Partial<FormState> = {}) {
    const context = await formContext(res, familyIdOf(req));
    res.status(state.status ?? 200).render(FORM_VIEW, { ...context, errors: state.errors, values: state.values ?? {} });
  }

  router.get('/messages/nouveau', (req, res) => renderNewMessage(req, res));

  router.post(
    '/messages/nouveau',
    formPost({
      schema: messageSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const familyId = familyIdOf(req);
        const outcome = await services.messages.send(commune, req.user!, { familyId, subject: form.objet, body: form.message }, formKeyOf(req.body));
        const told = outcome.notified.join(', ');
        setFlash(
          req,
          'success',
          `Message envoyé à la famille ${outcome.familyName}. ${told ? `E-mail de notification à : ${told}.` : "Aucun responsable n'a encore activé son compte : pas d'e-mail envoyé."}`,
        );
        res.redirect(303, `/${commune.slug}/admin/messages?famille=${familyId}`);
      },
      render: renderNewMessage,
    }),
  );

  async function renderThread(req: Request, res: Response, state: Partial<FormState> = {}) {
    const commune = res.locals.commune!;
    const threadId = idParam(req, 'threadId');
    const page = await services.messages.staffThread(commune, threadId);
    res.status(state.status ?? 200).render(THREAD_VIEW, {
      thread: presentStaffThread(page, req.user!.id, `/${commune.slug}/admin/messages/${threadId}/pieces-jointes`),
      family: { id: page.thread.familyId, name: page.thread.familyName, reference: page.thread.familyReference },
      assignedToMe: page.thread.assignedTo === req.user!.id,
      assignedTo: page.thread.assignedToName,
      assignees: assigneeOptions(page.staff, req.user!.id, page.thread.assignedTo),
      errors: state.errors,
      values: state.values ?? {},
    });
  }

  router.get('/messages/:threadId', (req, res) => renderThread(req, res));

  router.post(
    '/messages/:threadId',
    messageAttachmentUpload(),
    formPost({
      schema: answerSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const threadId = idParam(req, 'threadId');
        const file = uploadOf(req);
        await services.messages.answer(commune, req.user!, threadId, { body: form.message, ...(file ? { file } : {}) }, formKeyOf(req.body));
        setFlash(req, 'success', 'Réponse envoyée. La famille est prévenue par e-mail qu’une réponse l’attend.');
        res.redirect(303, `/${commune.slug}/admin/messages/${threadId}`);
      },
      render: renderThread,
    }),
  );

  router.post(
    '/messages/:threadId/attribution',
    formPost({
      schema: assignSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const threadId = idParam(req, 'threadId');
        await services.messages.assign(commune, req.user!, threadId, form.agent);
        setFlash(req, 'success', form.agent === null ? 'La conversation n’est plus attribuée.' : form.agent === req.user!.id ? 'La conversation vous est attribuée.' : 'La conversation est attribuée.');
        res.redirect(303, `/${commune.slug}/admin/messages/${threadId}`);
      },
      render: renderThread,
    }),
  );

  router.post(
    '/messages/:threadId/cloture',
    formPost({
      schema: closeSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const threadId = idParam(req, 'threadId');
        await services.messages.setClosed(commune, req.user!, threadId, form.etat === 'close');
        setFlash(req, 'success', form.etat === 'close' ? 'Conversation close. Elle se rouvrira si la famille écrit de nouveau.' : 'Conversation rouverte.');
        res.redirect(303, `/${commune.slug}/admin/messages/${threadId}`);
      },
      render: renderThread,
    }),
  );

  router.get('/messages/:threadId/pieces-jointes/:messageId', async (req, res) => {
    sendStoredFile(res, await services.messages.staffAttachment(res.locals.commune!, idParam(req, 'threadId'), idParam(req, 'messageId')));
  });

  return router;
}
