import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import { ABSENCE_REASON_LABELS } from '../../../i18n/absence-words.ts';
import type { AbsenceInput } from '../../../services/booking/absence-service.ts';
import type { Services } from '../../../services/index.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { familyStorageWords } from '../../../i18n/file-words.ts';
import { sendStoredFile } from '../../file-download.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentAbsenceDays } from '../../presenters/booking-presenter.ts';
import { idParam } from '../../row-id.ts';
import { singleFileUpload, uploadOf } from '../../uploads.ts';
import { FLASH_WORDS } from '../../../i18n/flash-words.ts';

const VIEW = 'pages/portal/absence';

/** A stored certificate as a download, never shown inline (DESIGN §11 Files). */

const listOf = (value: unknown): string[] => (value === undefined ? [] : (Array.isArray(value) ? value : [value]).map(String));
const textOf = (value: unknown): string => (typeof value === 'string' ? value : '');

/**
 * The absence form as sent: the days ticked, the reason, the details. Which days and reasons are
 * allowed, the length of the details and the certificate are the service's rules: it checks them
 * all at once, so every problem is listed together.
 */
const absenceSchema = z.object({
  jours: z.unknown().transform(listOf),
  motif: z.unknown().transform(textOf),
  precisions: z.unknown().transform(textOf),
});

/** `/reservations/:memberId/absence`: a parent justifies booked days (DESIGN §7 Absences). */
export function absencesRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/reservations/:memberId/absence', requireParent);
  router.use('/justificatifs', requireParent);

  /** The family's own certificate; another family's request is unknown here (404). */
  router.get('/justificatifs/:requestId', async (req, res) => {
    const requestId = idParam(req, 'requestId');
    sendStoredFile(res, await services.absences.certificateOfRequest(res.locals.commune!, requestId, req.user!.familyId!), `justificatif-demande-${requestId}`);
  });

  async function render(req: Request, res: Response, state: Partial<FormState> = {}) {
    const memberId = idParam(req, 'memberId');
    const [form, storage] = await Promise.all([
      services.absences.form(res.locals.commune!, req.user!.familyId!, memberId),
      services.familyStorage(res.locals.commune!, req.user!.familyId!),
    ]);
    const values = state.values ?? {};
    res.status(state.status ?? 200).render(VIEW, {
      childName: `${form.child.firstName} ${form.child.lastName}`,
      memberId,
      days: presentAbsenceDays(form.days),
      reasons: Object.entries(ABSENCE_REASON_LABELS).map(([value, label]) => ({ value, label })),
      chosen: listOf(values.jours),
      storageWords: familyStorageWords(storage),
      errors: state.errors,
      values,
    });
  }

  router.get('/reservations/:memberId/absence', async (req, res) => {
    await render(req, res);
  });

  router.post(
    '/reservations/:memberId/absence',
    // Multipart: the certificate.
    singleFileUpload('justificatif'),
    formPost({
      schema: absenceSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const memberId = idParam(req, 'memberId');
        const file = uploadOf(req);
        const input: AbsenceInput = { days: form.jours, reason: form.motif, details: form.precisions, ...(file ? { file } : {}) };
        await services.absences.submit(commune, req.user!, memberId, input, formKeyOf(req.body));
        setFlash(req, 'success', FLASH_WORDS.absenceJustified);
        res.redirect(303, `/${commune.slug}/reservations/${memberId}`);
      },
      render,
    }),
  );

  return router;
}
