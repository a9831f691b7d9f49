import { Router } from 'express';
import { z } from 'zod';
import { parseCalendarDay } from '../../../domain/contact-formats.ts';
import type { Services } from '../../../services/index.ts';
import { dayStatusView } from '../../presenters/attendance-presenter.ts';

/** « Inscrits par jour »: per activity and day, the children with a validated registration. */
export function adminRegistrationsRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/inscriptions', async (req, res) => {
    const commune = res.locals.commune!;
    const activities = await services.registrations.listActivities(commune);
    const query = z
      .object({
        activite: z.string().optional().catch(undefined),
        jour: z.string().optional().catch(undefined),
      })
      .parse(req.query);
    const activity = activities.find((candidate) => candidate.code === query.activite) ?? activities[0]!;
    const day = (query.jour && parseCalendarDay(query.jour)) || services.calendars.today();
    const dayError = query.jour && !parseCalendarDay(query.jour) ? 'Saisissez une date valide, par exemple 26/11/2026' : undefined;
    const { status, children } = await services.registrations.registeredOn(commune, activity.code, day);
    res.status(dayError ? 400 : 200).render('pages/admin/registrations-by-day', {
      activities,
      activity,
      day,
      status: dayStatusView(status),
      children,
      errors: dayError ? [{ field: 'jour', message: dayError }] : undefined,
      values: { activite: activity.code, jour: query.jour ?? day },
    });
  });

  return router;
}
