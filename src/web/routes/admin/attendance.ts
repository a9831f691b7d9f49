import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { isoWeekOf, mondayOf, shiftWeek, weekFromInput } from '../../../domain/booking-grid.ts';
import { addDays, type CalendarDay } from '../../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../../domain/calendar/paris-time.ts';
import { parseCalendarDay } from '../../../domain/contact-formats.ts';
import { ValidationError } from '../../../domain/errors.ts';
import type { Activity } from '../../../data/activity-repository.ts';
import type { Services } from '../../../services/index.ts';
import { fieldErrorsOf, parseForm, setFlash, type FieldError } from '../../forms.ts';
import { attendanceCsv, dayWords, mealsCsv, presentMeals, presentSheet } from '../../presenters/attendance-presenter.ts';
import { parseRowId, rowId } from '../../row-id.ts';

const SHEET_VIEW = 'pages/admin/attendance';
const MEALS_VIEW = 'pages/admin/attendance-meals';
const BAD_DAY = 'Saisissez une date valide, par exemple 26/11/2026';
const MARK_FIELD = 'presence-';

const calendarDay = (message: string) =>
  z
    .string({ error: message })
    .trim()
    .refine((input) => parseCalendarDay(input) !== undefined, message)
    .transform((input) => parseCalendarDay(input)!);

/** Which sheet a form is about: hidden fields of the sheet's forms. */
const sheetTarget = {
  activite: z.string({ error: 'Choisissez une activité' }).trim().min(1, 'Choisissez une activité').max(100, 'Activité inconnue'),
  jour: calendarDay(BAD_DAY),
};

const addSchema = z.object({
  ...sheetTarget,
  enfant: rowId('Choisissez un enfant dans la liste'),
});

/**
 * The marks of a sheet: one radio group per child, `presence-<memberId>` = present | absent.
 * Groups left untouched are not sent (a child nobody marked yet stays unmarked).
 */
function parseMarks(body: Record<string, unknown>): { ok: true; marks: { memberId: number; status: 'present' | 'absent' }[] } | { ok: false; errors: FieldError[] } {
  const marks: { memberId: number; status: 'present' | 'absent' }[] = [];
  const errors: FieldError[] = [];
  for (const [key, value] of Object.entries(body)) {
    if (!key.startsWith(MARK_FIELD)) continue;
    const memberId = parseRowId(key.slice(MARK_FIELD.length));
    if (memberId === undefined) {
      errors.push({ field: 'pointage', message: "Un enfant de la feuille est inconnu : rechargez la page" });
      continue;
    }
    if (value !== 'present' && value !== 'absent') {
      errors.push({ field: key, message: 'Choisissez « Présent » ou « Absent »' });
      continue;
    }
    marks.push({ memberId, status: value });
  }
  if (!errors.length && !marks.length) errors.push({ field: 'pointage', message: 'Choisissez « Présent » ou « Absent » pour au moins un enfant' });
  return errors.length ? { ok: false, errors } : { ok: true, marks };
}

const sheetPath = (slug: string, activity: string, day: CalendarDay) => `/${slug}/admin/pointage?activite=${encodeURIComponent(activity)}&jour=${day}`;

function sendCsv(res: Response, filename: string, body: string) {
  res
    .status(200)
    .set({
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Disposition': `attachment; filename="${filename}"`,
      // Names and health notes: not for a shared cache.
      'Cache-Control': 'no-store',
    })
    .send(body);
}

/** « Pointage » (attendance sheet per activity and day, CSV export) and « Repas » (meal counts), DESIGN §8. */
export function adminAttendanceRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  /** Reads `?activite=&jour=` from a link or a bookmark: unknown values fall back to the first activity and today. */
  async function sheetQuery(req: Request, res: Response) {
    const commune = res.locals.commune!;
    const activities = await services.attendance.listActivities(commune);
    const query = z
      .object({ activite: z.string().optional().catch(undefined), jour: z.string().optional().catch(undefined) })
      .parse(req.query);
    const activity = activities.find((candidate) => candidate.code === query.activite) ?? activities[0];
    const parsedDay = query.jour ? parseCalendarDay(query.jour) : undefined;
    const day = parsedDay ?? parisDay(services.clock.now());
    const errors: FieldError[] | undefined = query.jour && !parsedDay ? [{ field: 'jour', message: BAD_DAY }] : undefined;
    return { activities, activity, day, errors, typed: query.jour ?? day };
  }

  async function renderSheet(
    res: Response,
    status: number,
    target: { activities: Activity[]; activity: Activity; day: CalendarDay; typed?: string },
    errors?: FieldError[],
    values: Record<string, unknown> = {},
  ) {
    const commune = res.locals.commune!;
    const sheet = await services.attendance.sheet(commune, target.activity.code, target.day);
    const previous = addDays(target.day, -1);
    const next = addDays(target.day, 1);
    res.status(status).render(SHEET_VIEW, {
      activities: target.activities,
      activity: target.activity,
      day: target.day,
      sheet: presentSheet(sheet, values),
      errors,
      values: { ...values, activite: target.activity.code, jour: target.typed ?? target.day, du: values.du ?? target.day, au: values.au ?? target.day },
      links: {
        previous: { href: sheetPath(commune.slug, target.activity.code, previous), words: dayWords(previous) },
        next: { href: sheetPath(commune.slug, target.activity.code, next), words: dayWords(next) },
        registered: `/${commune.slug}/admin/inscriptions?activite=${encodeURIComponent(target.activity.code)}&jour=${target.day}`,
        meals: `/${commune.slug}/admin/repas?semaine=${isoWeekOf(target.day)}`,
      },
      action: `/${commune.slug}/admin/pointage`,
    });
  }

  router.get('/pointage', async (req, res) => {
    const { activities, activity, day, errors, typed } = await sheetQuery(req, res);
    if (!activity) {
      res.status(200).render(SHEET_VIEW, { activities, noActivity: true });
      return;
    }
    await renderSheet(res, errors ? 400 : 200, { activities, activity, day, typed }, errors);
  });

  /**
   * The day's sheet, saved at once. A form that names a child who is not on the sheet (another
   * family's or another commune's id), a bad mark or a closed day writes nothing and comes back
   * with its errors.
   */
  router.post('/pointage', async (req, res) => {
    const commune = res.locals.commune!;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const activities = await services.attendance.listActivities(commune);
    const target = parseForm(z.object(sheetTarget), { activite: body.activite, jour: body.jour });
    const activity = target.ok ? activities.find((candidate) => candidate.code === target.data.activite) : undefined;
    if (!target.ok || !activity) {
      const fallback = activities[0]!;
      const errors = target.ok ? [{ field: 'activite', message: 'Choisissez une activité de la liste' }] : target.errors;
      await renderSheet(res, 400, { activities, activity: activity ?? fallback, day: parisDay(services.clock.now()) }, errors);
      return;
    }
    const day = target.data.jour;
    const marks = parseMarks(body);
    if (!marks.ok) {
      await renderSheet(res, 400, { activities, activity, day }, marks.errors, body);
      return;
    }
    try {
      const outcome = await services.attendance.mark(commune, req.user!, activity.code, day, marks.marks);
      const words = [
        `${outcome.present} présent${outcome.present > 1 ? 's' : ''}`,
        `${outcome.absent} absent${outcome.absent > 1 ? 's' : ''}`,
      ].join(', ');
      setFlash(req, 'success', `Pointage enregistré pour le ${dayWords(day)} : ${words}${outcome.changed ? '' : " (rien n'a changé)"}.`);
      res.redirect(303, sheetPath(commune.slug, activity.code, day));
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      await renderSheet(res, 400, { activities, activity, day }, errors, body);
    }
  });

  router.post('/pointage/sans-reservation', async (req, res) => {
    const commune = res.locals.commune!;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const activities = await services.attendance.listActivities(commune);
    const parsed = parseForm(addSchema, body);
    const activity = activities.find((candidate) => candidate.code === body.activite);
    const day = (typeof body.jour === 'string' && parseCalendarDay(body.jour)) || parisDay(services.clock.now());
    if (!parsed.ok || !activity) {
      const errors = parsed.ok ? [{ field: 'activite', message: 'Choisissez une activité de la liste' }] : parsed.errors;
      await renderSheet(res, 400, { activities, activity: activity ?? activities[0]!, day }, errors, { enfant: body.enfant });
      return;
    }
    try {
      const { name, changed } = await services.attendance.addPresentWithoutBooking(commune, req.user!, activity.code, day, parsed.data.enfant);
      setFlash(req, 'success', changed ? `${name} est pointé·e présent·e sans réservation.` : `${name} était déjà pointé·e présent·e.`);
      res.redirect(303, sheetPath(commune.slug, activity.code, day));
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      await renderSheet(res, 400, { activities, activity, day }, errors, { enfant: body.enfant });
    }
  });

  /** `?activite=&jour=` for one day, `?activite=&du=&au=` for a period. */
  router.get('/pointage.csv', async (req, res) => {
    const commune = res.locals.commune!;
    const query = z
      .object({
        activite: z.string().trim().min(1),
        jour: calendarDay(BAD_DAY).optional(),
        du: calendarDay(BAD_DAY).optional(),
        au: calendarDay(BAD_DAY).optional(),
      })
      .safeParse(req.query);
    if (!query.success) {
      res.status(400).render('pages/errors/bad-request');
      return;
    }
    const today = parisDay(services.clock.now());
    const from = query.data.du ?? query.data.jour ?? today;
    const to = query.data.au ?? from;
    try {
      const { activity, lines } = await services.attendance.exportLines(commune, query.data.activite, from, to);
      sendCsv(res, `pointage-${activity.code}-${from}${to === from ? '' : `_${to}`}.csv`, attendanceCsv(activity.name, lines));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(400).render('pages/errors/bad-request');
    }
  });

  /** Reads `?semaine=` (a week, or a day of it) or `?du=&au=`; the current week by default. */
  function mealsQuery(req: Request) {
    const query = z
      .object({ semaine: z.string().optional().catch(undefined), du: z.string().optional().catch(undefined), au: z.string().optional().catch(undefined) })
      .parse(req.query);
    const errors: FieldError[] = [];
    const currentWeek = isoWeekOf(parisDay(services.clock.now()));
    if (query.du || query.au) {
      const from = query.du ? parseCalendarDay(query.du) : undefined;
      const to = query.au ? parseCalendarDay(query.au) : undefined;
      if (!from) errors.push({ field: 'du', message: BAD_DAY });
      if (!to) errors.push({ field: 'au', message: BAD_DAY });
      if (from && to) return { period: { from, to }, week: isoWeekOf(from), errors, typed: query };
      return { week: currentWeek, errors, typed: query };
    }
    const week = query.semaine ? weekFromInput(query.semaine) : currentWeek;
    if (!week) errors.push({ field: 'semaine', message: 'Saisissez une semaine, par exemple 2026-W48, ou une date de cette semaine' });
    return { week: week ?? currentWeek, errors, typed: query };
  }

  /** The canteen's days asked for, counted; an over-long period falls back to the week, with its error. */
  async function mealDays(req: Request, res: Response) {
    const commune = res.locals.commune!;
    const { period, week, errors, typed } = mealsQuery(req);
    const weekPeriod = { from: mondayOf(week), to: addDays(mondayOf(week), 6) };
    try {
      const { from, to } = period ?? weekPeriod;
      return { ...(await services.attendance.mealCounts(commune, from, to)), period, week, errors, typed };
    } catch (error) {
      const refused = fieldErrorsOf(error);
      if (!refused) throw error;
      const counts = await services.attendance.mealCounts(commune, weekPeriod.from, weekPeriod.to);
      return { ...counts, period: undefined, week, errors: [...errors, ...refused], typed };
    }
  }

  router.get('/repas', async (req, res) => {
    const commune = res.locals.commune!;
    const { activity, days, period, week, errors, typed } = await mealDays(req, res);
    const first = period?.from ?? mondayOf(week);
    const last = period?.to ?? days.at(-1)?.day ?? addDays(first, 4);
    const range = period ? `du=${period.from}&au=${period.to}` : `semaine=${week}`;
    res.status(errors.length ? 400 : 200).render(MEALS_VIEW, {
      activity,
      ...presentMeals(days),
      heading: `${period ? 'Du' : 'Semaine du'} ${dayWords(first)} au ${dayWords(last)}`,
      errors: errors.length ? errors : undefined,
      values: { semaine: typed.semaine ?? week, du: typed.du ?? first, au: typed.au ?? last },
      links: {
        csv: `/${commune.slug}/admin/repas.csv?${range}`,
        previous: `/${commune.slug}/admin/repas?semaine=${shiftWeek(week, -1)}`,
        next: `/${commune.slug}/admin/repas?semaine=${shiftWeek(week, 1)}`,
      },
    });
  });

  router.get('/repas.csv', async (req, res) => {
    const { days, period, week, errors } = await mealDays(req, res);
    if (errors.length) {
      res.status(400).render('pages/errors/bad-request');
      return;
    }
    sendCsv(res, `repas-${period ? `${period.from}_${period.to}` : week}.csv`, mealsCsv(days));
  });

  return router;
}
