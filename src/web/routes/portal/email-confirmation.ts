import { Router } from 'express';
import { EMAIL_CHANGE_LINK_DAYS, type EmailChangeLinkState } from '../../../services/accounts/email-change-service.ts';
import type { Services } from '../../../services/index.ts';
import { setFlash } from '../../forms.ts';
import { FLASH_WORDS } from '../../../i18n/flash-words.ts';

const VIEW = 'pages/portal/email-confirmation';

const statusOf = (link: EmailChangeLinkState) => (link.state === 'unknown' ? 404 : link.state === 'valid' ? 200 : 410);

/**
 * `/confirmer-adresse/:token`: the single-use link sent to a new sign-in address. Opening it only
 * shows a button (mail scanners open links too); pressing it makes the address the sign-in one.
 */
export function emailConfirmationRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/confirmer-adresse/:token', async (req, res) => {
    const link = await services.emailChanges.linkState(res.locals.commune!, req.params.token);
    res.status(statusOf(link)).render(VIEW, { link, linkDays: EMAIL_CHANGE_LINK_DAYS });
  });

  router.post('/confirmer-adresse/:token', async (req, res) => {
    const commune = res.locals.commune!;
    const outcome = await services.emailChanges.confirm(commune, req.params.token);
    if (!outcome.ok) {
      if (outcome.reason === 'taken') {
        res.status(409).render(VIEW, { link: { state: 'taken', newEmail: outcome.newEmail }, linkDays: EMAIL_CHANGE_LINK_DAYS });
        return;
      }
      const link = await services.emailChanges.linkState(commune, req.params.token);
      res.status(statusOf(link)).render(VIEW, { link, linkDays: EMAIL_CHANGE_LINK_DAYS });
      return;
    }
    setFlash(req, 'success', FLASH_WORDS.emailConfirmed(outcome.user, outcome.activationSent));
    res.redirect(303, `/${commune.slug}/connexion`);
  });

  return router;
}
