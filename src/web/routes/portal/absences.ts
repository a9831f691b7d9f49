import type { Request, Response } from 'express';
import { Router } from 'express';
import { z } from 'zod';
import type { StoredFile } from '../../../model/absence.ts';
import { ABSENCE_REASON_LABELS } from '../../../i18n/absence-words.ts';
import type { AbsenceInput } from '../../../services/booking/absence-service.ts';
import type { Services } from '../../../services/index.ts';
import { formKeyOf, formPost, setFlash, type FormState } from '../../forms.ts';
import { sendFileDownload } from '../../file-download.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentAbsenceDays } from '../../presenters/booking-presenter.ts';
import { idParam } from '../../row-id.ts';
import { singleFileUploadParser, uploadOf } from '../../uploads.ts';
import { FLASH_WORDS } from '../../../i18n/flash-words.ts';

const VIEW = 'pages/portal/absence';
// Any id: the route itself answers 404 for one that names no row, once the form is read.
const PATH = /^\/reservations\/[^/]+\/absence\/?$/;

/**
 * The absence form is multipart (it carries a certificate), so its body is read before the CSRF
 * check (see `singleFileUploadParser`).
 */
export function absenceUploadParser() {
  return singleFileUploadParser(PATH, 'justificatif');
}

/** A stored certificate as a download, never shown inline (DESIGN §11 Files). */
export function sendCertificate(res: Response, file: StoredFile, requestId: number) {
  sendFileDownload(res, `justificatif-demande-${requestId}`, file.detectedType, file.content);
}

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
    sendCertificate(res, await services.absences.certificateOfRequest(res.locals.commune!, requestId, req.user!.familyId!), requestId);
  });

  async function render(req: Request, res: Response, state: Partial<FormState> = {}) {
    const memberId = idParam(req, 'memberId');
    const form = await services.absences.form(res.locals.commune!, req.user!.familyId!, memberId);
    const values = state.values ?? {};
    res.status(state.status ?? 200).render(VIEW, {
      childName: `${form.child.firstName} ${form.child.lastName}`,
      memberId,
      days: presentAbsenceDays(form.days),
      reasons: Object.entries(ABSENCE_REASON_LABELS).map(([value, label]) => ({ value, label })),
      chosen: listOf(values.jours),
      errors: state.errors,
      values,
    });
  }

  router.get('/reservations/:memberId/absence', async (req, res) => {
    await render(req, res);
  });

  router.post(
    '/reservations/:memberId/absence',
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
