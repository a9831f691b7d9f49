import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { parseIsoWeek, type IsoWeek } from '../../../domain/booking-grid.ts';
import { parseWeekInput, schoolYears } from '../../../domain/date-input.ts';
import { dateRefusalWords } from '../../../i18n/input-words.ts';
import type { Services } from '../../../services/index.ts';
import { formPost } from '../../forms.ts';
import { requireParent } from '../../middleware/auth.ts';
import { CELL_MARKS, CELL_STATES, presentChildSummaries, presentWeekGrid, presentWeekOutcome } from '../../presenters/booking-presenter.ts';
import { idParam } from '../../row-id.ts';

const MALFORMED = 'Ce formulaire ne vient pas de la page de réservations : rechargez la page';

/** More cells than any week can have (7 days × every activity of a commune): a bigger form is crafted. */
const MAX_CELLS = 200;

const cellList = z
  .union([z.string(), z.array(z.string())], { error: MALFORMED })
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
  .refine((list) => list.length <= MAX_CELLS, MALFORMED);

const WEEK_ERROR = 'Saisissez une date, par exemple 26/11/2026, ou une semaine, par exemple 2026-W48';

/**
 * « Valider »: the whole week as the parent wants it, and the cells ticked when the page was drawn.
 * Every field is hidden or a checkbox of the page: what breaks this schema was not sent by it.
 */
const weekChangeSchema = z.object({
  semaine: z
    .string({ error: WEEK_ERROR })
    .transform((value) => parseIsoWeek(value))
    .refine((week): week is IsoWeek => Boolean(week), WEEK_ERROR),
  jours: cellList,
  // Comma-separated; absent from a form that does not come from the page (then the whole week counts).
  avant: z
    .string({ error: MALFORMED })
    .max(MAX_CELLS * 24, MALFORMED)
    .optional()
    .transform((list) => (list === undefined ? undefined : new Set(list.split(',').filter(Boolean)))),
});

/**
 * `/reservations`: the children and their weeks; `/reservations/:memberId?semaine=2026-W48`: one
 * child's week, changed all at once with « Valider » (DESIGN §7 Weekly grid).
 */
export function bookingsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/reservations', requireParent);

  router.get('/reservations', async (req, res) => {
    const summary = await services.bookingGrid.familySummary(res.locals.commune!, req.user!.familyId!);
    res.render('pages/portal/bookings', { children: presentChildSummaries(summary) });
  });

  /** The week's grid; without a week, the one the grid opens on (next week, the service says). */
  async function renderWeek(req: Request, res: Response, memberId: number, week: IsoWeek | undefined, status = 200, extra: Record<string, unknown> = {}) {
    const commune = res.locals.commune!;
    const grid = await services.bookingGrid.weekGrid(commune, req.user!.familyId!, memberId, week);
    // Attendance and justified absences of the week: one query, after the grid checked the child.
    const marks = await services.absences.marks(commune, memberId, grid.days[0]!, grid.days[grid.days.length - 1]!);
    const stored = req.session.bookingOutcome;
    let outcome;
    if (stored && stored.memberId === memberId && stored.week === grid.week) {
      outcome = stored;
      delete req.session.bookingOutcome;
    }
    res.status(status).render('pages/portal/booking-week', {
      grid: presentWeekGrid(grid, marks),
      states: CELL_STATES,
      marks: CELL_MARKS,
      outcome,
      ...extra,
    });
  }

  router.get('/reservations/:memberId', async (req, res) => {
    const commune = res.locals.commune!;
    const memberId = idParam(req, 'memberId');
    const asked = typeof req.query.semaine === 'string' ? req.query.semaine.trim() : '';
    if (!asked) {
      await renderWeek(req, res, memberId, undefined);
      return;
    }
    const read = parseWeekInput(asked, schoolYears(services.calendars.today()));
    if (read.ok && parseIsoWeek(asked)) {
      await renderWeek(req, res, memberId, read.value);
      return;
    }
    // The week picker sent a day (a browser without `<input type="week">`): go to its week.
    if (read.ok) {
      res.redirect(303, `/${commune.slug}/reservations/${memberId}?semaine=${read.value}`);
      return;
    }
    await renderWeek(req, res, memberId, undefined, 400, {
      errors: [{ field: 'semaine', message: read.refusal.code === 'out_of_range' ? dateRefusalWords(read.refusal) : WEEK_ERROR }],
    });
  });

  router.post(
    '/reservations/:memberId',
    formPost({
      schema: weekChangeSchema,
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const memberId = idParam(req, 'memberId');
        const outcome = await services.weekChanges.changeWeek(commune, req.user!, memberId, form.semaine, new Set(form.jours), form.avant);
        req.session.bookingOutcome = { memberId, week: form.semaine, ...presentWeekOutcome(outcome) };
        res.redirect(303, `/${commune.slug}/reservations/${memberId}?semaine=${form.semaine}`);
      },
      // Not a form the page drew: the week as it is (the one sent, when it is a week), 400.
      render: async (req, res, { status, errors }) => {
        const sent = (req.body as Record<string, unknown> | undefined)?.semaine;
        await renderWeek(req, res, idParam(req, 'memberId'), typeof sent === 'string' ? parseIsoWeek(sent) : undefined, status, { errors });
      },
    }),
  );

  return router;
}
