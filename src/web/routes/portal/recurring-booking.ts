import { Router, type Request, type Response } from 'express';
import { isoWeekOf } from '../../../domain/booking-grid.ts';
import { FRENCH_WEEKDAYS, type FrenchWeekday } from '../../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../../domain/calendar/paris-time.ts';
import { parseCalendarDay } from '../../../domain/contact-formats.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import { RHYTHMS, rhythmWords, type RecurringPattern, type Rhythm } from '../../../domain/recurring-booking.ts';
import { dayWords } from '../../../domain/booking-grid.ts';
import type { Activity } from '../../../data/activity-repository.ts';
import type { RecurringLine, RecurringPlan } from '../../../services/booking-service.ts';
import { recurringWords } from '../../../services/booking-service.ts';
import type { Services } from '../../../services/index.ts';
import { fieldErrorsOf, renderWithErrors, setFlash, type FieldError } from '../../forms.ts';
import { requireParent } from '../../middleware/auth.ts';
import { idParam, parseRowId } from '../../row-id.ts';

const FORM_VIEW = 'pages/portal/recurring-booking';
const PREVIEW_VIEW = 'pages/portal/recurring-booking-preview';

const RHYTHM_CHOICES = RHYTHMS.map((every) => ({ value: String(every), label: every === 1 ? 'Chaque semaine' : `Une semaine sur ${every}` }));

const listOf = (value: unknown): string[] => (value === undefined ? [] : Array.isArray(value) ? value.map(String) : [String(value)]);
const textOf = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

interface SchoolYear {
  name: string;
  startsOn: string;
  endsOn: string;
}

/**
 * The form as sent (values kept as typed), checked field by field: French messages in the order of
 * the form. The period must lie inside one school year still open, and not start in the past.
 */
function readPattern(
  body: Record<string, unknown>,
  activities: Activity[],
  years: SchoolYear[],
  today: string,
): { ok: true; activityId: number; pattern: RecurringPattern } | { ok: false; errors: FieldError[] } {
  const errors: FieldError[] = [];
  const activityId = parseRowId(body.activite);
  if (activityId === undefined || !activities.some((activity) => activity.id === activityId)) errors.push({ field: 'activite', message: "Choisissez l'activité" });

  const chosen = listOf(body.jours);
  const weekdays = FRENCH_WEEKDAYS.filter((weekday) => chosen.includes(weekday));
  if (!weekdays.length || weekdays.length !== new Set(chosen).size) errors.push({ field: 'jours', message: 'Choisissez au moins un jour de la semaine' });

  const every = Number(textOf(body.rythme));
  if (!(RHYTHMS as readonly number[]).includes(every)) errors.push({ field: 'rythme', message: 'Choisissez un rythme' });

  const year = years[0];
  let from: string | undefined;
  let until: string | undefined;
  const period = textOf(body.periode);
  if (period === 'annee') {
    if (!year) errors.push({ field: 'periode', message: "Aucune année scolaire n'est ouverte aux réservations" });
    else {
      from = today > year.startsOn ? today : year.startsOn;
      until = year.endsOn;
    }
  } else if (period === 'dates') {
    from = parseCalendarDay(textOf(body.du));
    until = parseCalendarDay(textOf(body.au));
    if (!from) errors.push({ field: 'du', message: 'Saisissez la date de début, par exemple 30/11/2026' });
    else if (from < today) errors.push({ field: 'du', message: "La date de début ne peut pas être passée" });
    if (!until) errors.push({ field: 'au', message: 'Saisissez la date de fin, par exemple 18/12/2026' });
    else if (from && until < from) errors.push({ field: 'au', message: 'La date de fin doit être après la date de début' });
    if (from && until && from >= today && until >= from && !years.some((y) => y.startsOn <= from! && until! <= y.endsOn)) {
      const words = years.map((y) => `l'année scolaire ${y.name} (du ${dayWords(y.startsOn)} au ${dayWords(y.endsOn)})`).join(' ou ');
      errors.push({ field: 'au', message: words ? `La période doit être comprise dans ${words}` : "Aucune année scolaire n'est ouverte aux réservations" });
    }
  } else {
    errors.push({ field: 'periode', message: 'Choisissez la période' });
  }
  if (errors.length) return { ok: false, errors };
  return { ok: true, activityId: activityId!, pattern: { weekdays, every: every as Rhythm, from: from!, until: until! } };
}

function presentLine(line: RecurringLine) {
  const heading = dayWords(line.day);
  switch (line.kind) {
    case 'booked':
      return { day: line.day, heading, status: 'réservé', will: true };
    case 'waiting':
      return { day: line.day, heading, status: "complet → liste d'attente" + (line.waitingRank ? ` (position ${line.waitingRank})` : ''), will: true };
    case 'held':
      return { day: line.day, heading, status: line.reason, will: false };
    case 'refused':
      return { day: line.day, heading, status: line.reason, will: false };
  }
}

function presentPlan(plan: RecurringPlan) {
  const lines = plan.lines.map(presentLine);
  return {
    childName: `${plan.child.firstName} ${plan.child.lastName}`,
    childFirstName: plan.child.firstName,
    activityName: plan.activity.name,
    words: recurringWords(plan.pattern),
    booked: lines.filter((line) => line.will),
    notBooked: lines.filter((line) => !line.will),
  };
}

/** `/reservations/:memberId/semaine-type`: book a weekly pattern over a period (DESIGN §7 Recurring booking). */
export function recurringBookingRouter(services: Services): Router {
  const router = Router({ mergeParams: true });
  const path = '/reservations/:memberId/semaine-type';
  router.use('/reservations', requireParent);

  async function context(req: Request, res: Response) {
    const commune = res.locals.commune!;
    if (!commune.settings.features.recurringBookings) throw new NotFoundError(`recurring bookings are off in ${commune.slug}`);
    const memberId = idParam(req, 'memberId');
    const { child, activities } = await services.bookings.recurringChoices(commune, req.user!.familyId!, memberId);
    const years = services.calendars.openSchoolYears(commune);
    const shownDays = FRENCH_WEEKDAYS.filter(
      (weekday: FrenchWeekday) => FRENCH_WEEKDAYS.indexOf(weekday) < 5 || activities.some((activity) => activity.days.includes(weekday)),
    );
    const page = {
      memberId,
      childName: `${child.firstName} ${child.lastName}`,
      childFirstName: child.firstName,
      activities,
      weekdays: shownDays,
      rhythms: RHYTHM_CHOICES,
      schoolYear: years[0],
      action: `/reservations/${memberId}/semaine-type`,
    };
    return { commune, memberId, activities, years, page };
  }

  const defaults = { rythme: '1', periode: 'annee' };

  router.get(path, async (req, res) => {
    const { page } = await context(req, res);
    const query = Object.keys(req.query).length ? { ...(req.query as Record<string, unknown>) } : defaults;
    res.render(FORM_VIEW, { page, values: query });
  });

  /** « Voir les dates »: the dates the pattern gives, and what « Valider » will do with each. */
  router.post(`${path}/apercu`, async (req, res) => {
    const { commune, memberId, activities, years, page } = await context(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const read = readPattern(body, activities, years, parisDay(services.clock.now()));
    if (!read.ok) return renderWithErrors(res, 400, FORM_VIEW, read.errors, body, { page });
    try {
      const plan = await services.bookings.previewRecurring(commune, req.user!.familyId!, memberId, read.activityId, read.pattern);
      const { _csrf: _, ...values } = body;
      res.render(PREVIEW_VIEW, { page, plan: presentPlan(plan), values, rhythm: rhythmWords(read.pattern.every) });
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      renderWithErrors(res, 400, FORM_VIEW, errors, body, { page });
    }
  });

  /** « Valider »: everything is worked out again and booked in one transaction. */
  router.post(path, async (req, res) => {
    const { commune, memberId, activities, years, page } = await context(req, res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const read = readPattern(body, activities, years, parisDay(services.clock.now()));
    if (!read.ok) return renderWithErrors(res, 400, FORM_VIEW, read.errors, body, { page });
    let plan: RecurringPlan;
    try {
      plan = await services.bookings.bookRecurring(commune, req.user!, memberId, read.activityId, read.pattern);
    } catch (error) {
      const errors = fieldErrorsOf(error);
      if (!errors) throw error;
      return renderWithErrors(res, 400, FORM_VIEW, errors, body, { page });
    }
    const booked = plan.lines.filter((line) => line.kind === 'booked').length;
    const waiting = plan.lines.filter((line) => line.kind === 'waiting').length;
    const held = plan.lines.filter((line) => line.kind === 'held').length;
    const refused = plan.lines.filter((line) => line.kind === 'refused').length;
    const parts = [
      `${booked} jour${booked > 1 ? 's' : ''} réservé${booked > 1 ? 's' : ''}`,
      ...(waiting ? [`${waiting} en liste d'attente`] : []),
      ...(held ? [`${held} déjà réservé${held > 1 ? 's' : ''}`] : []),
      ...(refused ? [`${refused} non réservable${refused > 1 ? 's' : ''}`] : []),
    ];
    setFlash(req, booked + waiting ? 'success' : 'info', `Semaine type de ${plan.child.firstName} pour « ${plan.activity.name} » : ${parts.join(', ')}.`);
    const first = plan.lines.find((line) => line.kind === 'booked' || line.kind === 'waiting') ?? plan.lines[0];
    const week = first ? `?semaine=${isoWeekOf(first.day)}` : '';
    res.redirect(303, `/${commune.slug}/reservations/${memberId}${week}`);
  });

  return router;
}
