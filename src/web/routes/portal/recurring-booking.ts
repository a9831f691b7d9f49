import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { isoWeekOf } from '../../../domain/booking-grid.ts';
import { FRENCH_WEEKDAYS, type FrenchWeekday } from '../../../domain/calendar/calendar-day.ts';
import { parseCalendarDay } from '../../../domain/contact-formats.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import type { RecurringPattern, Rhythm } from '../../../domain/recurring-booking.ts';
import type { Services } from '../../../services/index.ts';
import type { RecurringForm } from '../../../services/booking/recurring-booking-service.ts';
import { formPost, keptValues, setFlash } from '../../forms.ts';
import { requireParent } from '../../middleware/auth.ts';
import { presentRecurringPlan, recurringOutcomeMessage, RHYTHM_CHOICES, schoolYearWords } from '../../presenters/booking-presenter.ts';
import { idParam, rowId } from '../../row-id.ts';

const FORM_VIEW = 'pages/portal/recurring-booking';
const PREVIEW_VIEW = 'pages/portal/recurring-booking-preview';

const NO_YEAR = "Aucune année scolaire n'est ouverte aux réservations";
const NO_WEEKDAY = 'Choisissez au moins un jour de la semaine';
const NO_RHYTHM = 'Choisissez un rythme';
const NO_PERIOD = 'Choisissez la période';

/** A text field as typed, trimmed; anything else (a repeated field) reads as empty. */
const text = z.preprocess((value) => (typeof value === 'string' ? value.trim() : ''), z.string());

/**
 * The semaine type's form, for this child: one of the child's activities, weekdays, a rhythm and a
 * period. The period must lie inside one school year still open, and not start before
 * `firstDay` (today); « the rest of the school year » runs from then to the eve of the summer.
 */
function patternSchema({ activities, schoolYears, firstDay }: RecurringForm) {
  return z
    .object({
      activite: rowId("Choisissez l'activité").refine((id) => activities.some((activity) => activity.id === id), "Choisissez l'activité"),
      jours: z
        .union([z.string(), z.array(z.string())], { error: NO_WEEKDAY })
        .transform((value) => (Array.isArray(value) ? value : [value]))
        .pipe(z.array(z.enum(FRENCH_WEEKDAYS, { error: NO_WEEKDAY })).min(1, NO_WEEKDAY))
        .transform((chosen) => FRENCH_WEEKDAYS.filter((weekday) => chosen.includes(weekday))),
      rythme: z
        .string({ error: NO_RHYTHM })
        .trim()
        .pipe(z.enum(['1', '2', '3', '4'], { error: NO_RHYTHM }))
        .transform((every) => Number(every) as Rhythm),
      periode: z.string({ error: NO_PERIOD }).trim().pipe(z.enum(['annee', 'dates'], { error: NO_PERIOD })),
      du: text,
      au: text,
    })
    .superRefine(
      (form, ctx) => {
        const issue = (field: 'periode' | 'du' | 'au', message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
        if (form.periode === 'annee' && !schoolYears[0]) issue('periode', NO_YEAR);
        if (form.periode !== 'dates') return;
        const from = parseCalendarDay(form.du);
        const until = parseCalendarDay(form.au);
        if (!from) issue('du', 'Saisissez la date de début, par exemple 30/11/2026');
        else if (from < firstDay) issue('du', 'La date de début ne peut pas être passée');
        if (!until) issue('au', 'Saisissez la date de fin, par exemple 18/12/2026');
        else if (from && until < from) issue('au', 'La date de fin doit être après la date de début');
        if (from && until && from >= firstDay && until >= from && !schoolYears.some((year) => year.startsOn <= from && until <= year.endsOn)) {
          const words = schoolYears.map(schoolYearWords).join(' ou ');
          issue('au', words ? `La période doit être comprise dans ${words}` : NO_YEAR);
        }
      },
      // Checked even when another field is wrong, so every problem is listed at once.
      { when: () => true },
    )
    .transform((form): { activityId: number; pattern: RecurringPattern } => {
      const year = schoolYears[0]!;
      const [from, until] =
        form.periode === 'annee' ? [firstDay > year.startsOn ? firstDay : year.startsOn, year.endsOn] : [parseCalendarDay(form.du)!, parseCalendarDay(form.au)!];
      return { activityId: form.activite, pattern: { weekdays: form.jours, every: form.rythme, from, until } };
    });
}

/** `/reservations/:memberId/semaine-type`: book a weekly pattern over a period (DESIGN §7 Recurring booking). */
export function recurringBookingRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  const path = '/reservations/:memberId/semaine-type';
  router.use('/reservations', requireParent);

  /** The child's form and its page, read once per request (the schema and the page both need them). */
  const contexts = new WeakMap<Request, ReturnType<typeof load>>();
  async function load(req: Request, res: Response) {
    const commune = res.locals.commune!;
    if (!commune.settings.features.recurringBookings) throw new NotFoundError(`recurring bookings are off in ${commune.slug}`);
    const memberId = idParam(req, 'memberId');
    const form = await services.recurringBookings.form(commune, req.user!.familyId!, memberId);
    const shownDays = FRENCH_WEEKDAYS.filter(
      (weekday: FrenchWeekday) => FRENCH_WEEKDAYS.indexOf(weekday) < 5 || form.activities.some((activity) => activity.days.includes(weekday)),
    );
    const page = {
      memberId,
      childName: `${form.child.firstName} ${form.child.lastName}`,
      childFirstName: form.child.firstName,
      activities: form.activities,
      weekdays: shownDays,
      rhythms: RHYTHM_CHOICES,
      schoolYear: form.schoolYears[0],
      action: `/reservations/${memberId}/semaine-type`,
    };
    return { commune, memberId, form, page };
  }
  function context(req: Request, res: Response) {
    let loaded = contexts.get(req);
    if (!loaded) {
      loaded = load(req, res);
      contexts.set(req, loaded);
    }
    return loaded;
  }

  const schema = async (req: Request, res: Response) => patternSchema((await context(req, res)).form);
  const renderForm = async (req: Request, res: Response, state: { status: number; errors: unknown; values: Record<string, unknown> }) => {
    const { page } = await context(req, res);
    res.status(state.status).render(FORM_VIEW, { page, errors: state.errors, values: state.values });
  };

  const defaults = { rythme: '1', periode: 'annee' };

  router.get(path, async (req, res) => {
    const { page } = await context(req, res);
    const query = Object.keys(req.query).length ? { ...(req.query as Record<string, unknown>) } : defaults;
    res.render(FORM_VIEW, { page, values: query });
  });

  /** « Voir les dates »: the dates the pattern gives, and what « Valider » will do with each. */
  router.post(
    `${path}/apercu`,
    formPost({
      schema,
      async act({ activityId, pattern }, req, res) {
        const { commune, memberId, page } = await context(req, res);
        const plan = await services.recurringBookings.preview(commune, req.user!.familyId!, memberId, activityId, pattern);
        res.render(PREVIEW_VIEW, { page, plan: presentRecurringPlan(plan), values: keptValues(req.body) });
      },
      render: renderForm,
    }),
  );

  /** « Valider »: everything is worked out again and booked in one transaction. */
  router.post(
    path,
    formPost({
      schema,
      async act({ activityId, pattern }, req, res) {
        const { commune, memberId } = await context(req, res);
        const plan = await services.recurringBookings.book(commune, req.user!, memberId, activityId, pattern);
        const { kind, message } = recurringOutcomeMessage(plan);
        setFlash(req, kind, message);
        const first = plan.lines.find((line) => line.kind === 'booked' || line.kind === 'waiting') ?? plan.lines[0];
        const week = first ? `?semaine=${isoWeekOf(first.day)}` : '';
        res.redirect(303, `/${commune.slug}/reservations/${memberId}${week}`);
      },
      render: renderForm,
    }),
  );

  return router;
}
