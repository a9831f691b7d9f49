import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { isoWeekOf, mondayOf, shiftWeek, weekFromInput } from '../../../domain/booking-grid.ts';
import { addDays, type CalendarDay } from '../../../domain/calendar/calendar-day.ts';
import { parseCalendarDay } from '../../../domain/contact-formats.ts';
import { ValidationError } from '../../../domain/errors.ts';
import type { Activity } from '../../../model/activity.ts';
import type { MealPeriod } from '../../../services/booking/attendance-service.ts';
import type { Services } from '../../../services/index.ts';
import { fieldErrorsOf, formPost, setFlash, type FieldError, type FormState } from '../../forms.ts';
import {
  addedPresentMessage,
  attendanceCsv,
  dayWords,
  markedMessage,
  mealsCsv,
  mealsHeading,
  presentMeals,
  presentSheet,
} from '../../presenters/attendance-presenter.ts';
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

/** Which sheet a form is about (hidden fields of the sheet's forms): an activity of the commune, and a day. */
const sheetTarget = (codes: readonly string[]) => ({
  activite: z
    .string({ error: 'Choisissez une activité' })
    .trim()
    .min(1, 'Choisissez une activité')
    .max(100, 'Activité inconnue')
    .refine((code) => codes.includes(code), 'Choisissez une activité de la liste'),
  jour: calendarDay(BAD_DAY),
});

/** « Pointer présent » a child without a booking. */
const addSchema = (codes: readonly string[]) =>
  z.object({
    ...sheetTarget(codes),
    enfant: rowId('Choisissez un enfant dans la liste'),
  });

const markValue = z.enum(['present', 'absent'], { error: 'Choisissez « Présent » ou « Absent »' });

/**
 * The sheet's form: its activity and day, and one radio group per child, `presence-<memberId>` =
 * present | absent. Groups left untouched are not sent (a child nobody marked yet stays unmarked);
 * at least one must be.
 */
const markSchema = (codes: readonly string[]) =>
  z
    .preprocess(
      (body) =>
        Object.fromEntries(
          Object.entries(typeof body === 'object' && body !== null ? body : {}).filter(
            ([key]) => key === 'activite' || key === 'jour' || key.startsWith(MARK_FIELD),
          ),
        ),
      z.object(sheetTarget(codes)).catchall(markValue),
    )
    .superRefine(
      (form, ctx) => {
        const fields = Object.keys(form as object).filter((key) => key.startsWith(MARK_FIELD));
        if (fields.some((field) => parseRowId(field.slice(MARK_FIELD.length)) === undefined)) {
          ctx.addIssue({ code: 'custom', path: ['pointage'], message: 'Un enfant de la feuille est inconnu : rechargez la page' });
        }
        if (!fields.length) {
          ctx.addIssue({ code: 'custom', path: ['pointage'], message: 'Choisissez « Présent » ou « Absent » pour au moins un enfant' });
        }
      },
      // Checked even when a field is wrong, so every problem is listed at once.
      { when: () => true },
    )
    .transform((form) => ({
      activite: form.activite,
      jour: form.jour,
      marks: Object.entries(form)
        .filter(([key]) => key.startsWith(MARK_FIELD))
        .map(([key, status]) => ({ memberId: parseRowId(key.slice(MARK_FIELD.length))!, status: status as z.infer<typeof markValue> })),
    }));

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

  /** The commune's activities, read once per request (the form's schema and its page both need them). */
  const activitiesOf = new WeakMap<Request, Promise<Activity[]>>();
  function listActivities(req: Request, res: Response): Promise<Activity[]> {
    let list = activitiesOf.get(req);
    if (!list) {
      list = services.attendance.listActivities(res.locals.commune!);
      activitiesOf.set(req, list);
    }
    return list;
  }
  const activityCodes = async (req: Request, res: Response) => (await listActivities(req, res)).map((activity) => activity.code);

  /**
   * The sheet page: the activity named (the first one otherwise) and the day named (today
   * otherwise, as the service reckons it); `typed` is what the day field shows.
   */
  async function renderSheet(
    req: Request,
    res: Response,
    status: number,
    target: { code?: unknown; day?: CalendarDay | undefined; typed?: string | undefined },
    errors?: FieldError[],
    values: Record<string, unknown> = {},
  ) {
    const commune = res.locals.commune!;
    const activities = await listActivities(req, res);
    const activity = activities.find((candidate) => candidate.code === target.code) ?? activities[0];
    if (!activity) {
      res.status(200).render(SHEET_VIEW, { activities, noActivity: true });
      return;
    }
    const sheet = await services.attendance.sheet(commune, activity.code, target.day);
    const day = sheet.day;
    const previous = addDays(day, -1);
    const next = addDays(day, 1);
    res.status(status).render(SHEET_VIEW, {
      activities,
      activity,
      day,
      sheet: presentSheet(sheet, values),
      errors,
      values: { ...values, activite: activity.code, jour: target.typed ?? day, du: values.du ?? day, au: values.au ?? day },
      links: {
        previous: { href: sheetPath(commune.slug, activity.code, previous), words: dayWords(previous) },
        next: { href: sheetPath(commune.slug, activity.code, next), words: dayWords(next) },
        registered: `/${commune.slug}/admin/inscriptions?activite=${encodeURIComponent(activity.code)}&jour=${day}`,
        meals: `/${commune.slug}/admin/repas?semaine=${isoWeekOf(day)}`,
      },
      action: `/${commune.slug}/admin/pointage`,
    });
  }

  /** A refused form of the sheet: the sheet it names (or the first activity, today), with the errors. */
  const renderRefused = (values: (state: FormState) => Record<string, unknown>) => async (req: Request, res: Response, state: FormState) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const day = typeof body.jour === 'string' ? parseCalendarDay(body.jour) : undefined;
    await renderSheet(req, res, state.status, { code: body.activite, day }, state.errors, values(state));
  };

  /** Reads `?activite=&jour=` from a link or a bookmark: unknown values fall back to the first activity and today. */
  router.get('/pointage', async (req, res) => {
    const query = z
      .object({ activite: z.string().optional().catch(undefined), jour: z.string().optional().catch(undefined) })
      .parse(req.query);
    const day = query.jour ? parseCalendarDay(query.jour) : undefined;
    const errors: FieldError[] | undefined = query.jour && !day ? [{ field: 'jour', message: BAD_DAY }] : undefined;
    await renderSheet(req, res, errors ? 400 : 200, { code: query.activite, day, typed: query.jour }, errors);
  });

  /**
   * The day's sheet, saved at once. A form that names a child who is not on the sheet (another
   * family's or another commune's id), a bad mark or a closed day writes nothing and comes back
   * with its errors.
   */
  router.post(
    '/pointage',
    formPost({
      schema: async (req, res) => markSchema(await activityCodes(req, res)),
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const outcome = await services.attendance.mark(commune, req.user!, form.activite, form.jour, form.marks);
        setFlash(req, 'success', markedMessage(form.jour, outcome));
        res.redirect(303, sheetPath(commune.slug, form.activite, form.jour));
      },
      render: renderRefused((state) => state.values),
    }),
  );

  router.post(
    '/pointage/sans-reservation',
    formPost({
      schema: async (req, res) => addSchema(await activityCodes(req, res)),
      async act(form, req, res) {
        const commune = res.locals.commune!;
        const { name, changed } = await services.attendance.addPresentWithoutBooking(commune, req.user!, form.activite, form.jour, form.enfant);
        setFlash(req, 'success', addedPresentMessage(name, changed));
        res.redirect(303, sheetPath(commune.slug, form.activite, form.jour));
      },
      render: renderRefused((state) => ({ enfant: state.values.enfant })),
    }),
  );

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
    try {
      const { activity, from, to, lines } = await services.attendance.exportLines(commune, query.data.activite, {
        from: query.data.du ?? query.data.jour,
        to: query.data.au,
      });
      sendCsv(res, `pointage-${activity.code}-${from}${to === from ? '' : `_${to}`}.csv`, attendanceCsv(activity.name, lines));
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      res.status(400).render('pages/errors/bad-request');
    }
  });

  /** Reads `?semaine=` (a week, or a day of it) or `?du=&au=`; the current week (the service's) by default. */
  function mealsQuery(req: Request): { asked: MealPeriod; errors: FieldError[]; typed: { semaine?: string; du?: string; au?: string } } {
    const typed = z
      .object({ semaine: z.string().optional().catch(undefined), du: z.string().optional().catch(undefined), au: z.string().optional().catch(undefined) })
      .parse(req.query);
    const errors: FieldError[] = [];
    if (typed.du || typed.au) {
      const from = typed.du ? parseCalendarDay(typed.du) : undefined;
      const to = typed.au ? parseCalendarDay(typed.au) : undefined;
      if (!from) errors.push({ field: 'du', message: BAD_DAY });
      if (!to) errors.push({ field: 'au', message: BAD_DAY });
      return { asked: from && to ? { from, to } : {}, errors, typed };
    }
    const week = typed.semaine ? weekFromInput(typed.semaine) : undefined;
    if (typed.semaine && !week) errors.push({ field: 'semaine', message: 'Saisissez une semaine, par exemple 2026-W48, ou une date de cette semaine' });
    return { asked: { week }, errors, typed };
  }

  /** The canteen's days asked for, counted; an over-long period falls back to its first week, with its error. */
  async function mealDays(req: Request, res: Response) {
    const commune = res.locals.commune!;
    const { asked, errors, typed } = mealsQuery(req);
    try {
      return { ...(await services.attendance.mealCounts(commune, asked)), errors, typed };
    } catch (error) {
      const refused = fieldErrorsOf(error);
      if (!refused) throw error;
      const counts = await services.attendance.mealCounts(commune, { week: 'from' in asked ? isoWeekOf(asked.from) : asked.week });
      return { ...counts, errors: [...errors, ...refused], typed };
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
      heading: mealsHeading(first, last, Boolean(period)),
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
