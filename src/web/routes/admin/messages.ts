import { randomUUID } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../../../domain/errors.ts';
import type { Services } from '../../../services/index.ts';
import { requiredText } from '../../form-fields.ts';
import { parseForm, renderWithErrors, setFlash } from '../../forms.ts';
import { presentSentMessages } from '../../presenters/message-presenter.ts';
import { rowId } from '../../row-id.ts';

const FORM_VIEW = 'pages/admin/message-new';

const familyQuery = z.object({ famille: rowId() });

const messageSchema = z.object({
  objet: requiredText("Saisissez l'objet du message", 150),
  message: requiredText('Saisissez le texte du message', 5000),
  // Written in the form when it is shown; a form without one (forged, or very old) gets a new one.
  jeton: z.uuid().catch(() => randomUUID()),
});

function familyIdOf(req: Request): number {
  const parsed = familyQuery.safeParse(req.query);
  if (!parsed.success) throw new NotFoundError('message form without a family');
  return parsed.data.famille;
}

/** Staff write to a family: the message waits in the family's space, and the guardians get an e-mail. */
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
    const sent = await services.messages.listSent(commune, { familyId });
    res.render('pages/admin/messages', { messages: presentSentMessages(sent), filtered: familyId !== undefined });
  });

  router.get('/messages/nouveau', async (req, res) => {
    const context = await formContext(res, familyIdOf(req));
    res.render(FORM_VIEW, { ...context, values: { jeton: randomUUID() } });
  });

  router.post('/messages/nouveau', async (req, res) => {
    const commune = res.locals.commune!;
    const familyId = familyIdOf(req);
    const parsed = parseForm(messageSchema, req.body);
    if (!parsed.ok) {
      renderWithErrors(res, 400, FORM_VIEW, parsed.errors, parsed.values, await formContext(res, familyId));
      return;
    }
    const { objet, message, jeton } = parsed.data;
    const outcome = await services.messages.send(commune, req.user!, { familyId, subject: objet, body: message, formToken: jeton });
    const told = outcome.notified.map((guardian) => guardian.email).join(', ');
    setFlash(
      req,
      'success',
      outcome.messageId === undefined
        ? `Ce message à la famille ${outcome.family.name} avait déjà été envoyé : il n'est pas envoyé une seconde fois.`
        : `Message envoyé à la famille ${outcome.family.name}. ${told ? `E-mail de notification à : ${told}.` : "Aucun responsable n'a encore activé son compte : pas d'e-mail envoyé."}`,
    );
    res.redirect(303, `/${commune.slug}/admin/messages?famille=${familyId}`);
  });

  return router;
}
