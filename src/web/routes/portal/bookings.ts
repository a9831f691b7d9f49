import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { isoWeekOf, parseIsoWeek, shiftWeek, weekFromInput, type IsoWeek } from '../../../domain/booking-grid.ts';
import { parisDay } from '../../../domain/calendar/paris-time.ts';
import type { Services } from '../../../services/index.ts';
import { requireParent } from '../../middleware/auth.ts';
import { CELL_MARKS, CELL_STATES, presentChildSummaries, presentWeekGrid, presentWeekOutcome } from '../../presenters/booking-presenter.ts';
import { idParam } from '../../row-id.ts';

/** More cells than any week can have (7 days × every activity of a commune): a bigger form is crafted. */
const MAX_CELLS = 200;

const cellList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((value) => (value === undefined ? [] : Array.isArray(value) ? value : [value]))
  .refine((list) => list.length <= MAX_CELLS);

/** « Valider »: the whole week as the parent wants it, and the cells ticked when the page was drawn. */
const weekChangeSchema = z.object({
  semaine: z.string().refine((value) => Boolean(parseIsoWeek(value))),
  jours: cellList,
  // Comma-separated; absent from a form that does not come from the page (then the whole week counts).
  avant: z.string().max(MAX_CELLS * 24).optional(),
});

const WEEK_ERROR = 'Saisissez une date, par exemple 26/11/2026, ou une semaine, par exemple 2026-W48';

function badRequest(): Error {
  return Object.assign(new Error('malformed booking form'), { status: 400 });
}

/**
 * `/reservations`: the children and their weeks; `/reservations/:memberId?semaine=2026-W48`: one
 * child's week, changed all at once with « Valider » (DESIGN §7 Weekly grid).
 */
export function bookingsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  router.use('/reservations', requireParent);

  /**
   * Without a week in the URL the grid opens on next week: it is the week the parent can still
   * change on most days (a weekly rule such as Échirolles' « jeudi 11h pour la semaine suivante »
   * has already closed the current week), and the one the Thursday-morning rush is about.
   */
  const defaultWeek = (): IsoWeek => shiftWeek(isoWeekOf(parisDay(services.clock.now())), 1);

  router.get('/reservations', async (req, res) => {
    const commune = res.locals.commune!;
    const now = services.clock.now();
    const summaries = await services.bookings.familySummary(commune, req.user!.familyId!, now);
    res.render('pages/portal/bookings', { children: presentChildSummaries(summaries, now) });
  });

  async function renderWeek(req: Request, res: Response, memberId: number, week: IsoWeek, status = 200, extra: Record<string, unknown> = {}) {
    const commune = res.locals.commune!;
    const grid = await services.bookings.weekGrid(commune, req.user!.familyId!, memberId, week);
    // Attendance and justified absences of the week: one query, after the grid checked the child.
    const marks = await services.absences.marks(commune, memberId, grid.days[0]!, grid.days[grid.days.length - 1]!);
    const stored = req.session.bookingOutcome;
    let outcome;
    if (stored && stored.memberId === memberId && stored.week === week) {
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
      await renderWeek(req, res, memberId, defaultWeek());
      return;
    }
    const week = parseIsoWeek(asked);
    if (week) {
      await renderWeek(req, res, memberId, week);
      return;
    }
    // The week picker sent a day (a browser without `<input type="week">`): go to its week.
    const ofDay = weekFromInput(asked);
    if (ofDay) {
      res.redirect(303, `/${commune.slug}/reservations/${memberId}?semaine=${ofDay}`);
      return;
    }
    await renderWeek(req, res, memberId, defaultWeek(), 400, {
      errors: [{ field: 'semaine', message: WEEK_ERROR }],
    });
  });

  router.post('/reservations/:memberId', async (req, res) => {
    const commune = res.locals.commune!;
    const memberId = idParam(req, 'memberId');
    const parsed = weekChangeSchema.safeParse(req.body ?? {});
    if (!parsed.success) throw badRequest();
    const week = parseIsoWeek(parsed.data.semaine)!;
    const shown = parsed.data.avant === undefined ? undefined : new Set(parsed.data.avant.split(',').filter(Boolean));
    const outcome = await services.bookings.changeWeek(commune, req.user!, memberId, week, new Set(parsed.data.jours), shown);
    req.session.bookingOutcome = { memberId, week, ...presentWeekOutcome(outcome) };
    res.redirect(303, `/${commune.slug}/reservations/${memberId}?semaine=${week}`);
  });

  return router;
}
