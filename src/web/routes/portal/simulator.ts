import { Router } from 'express';
import { z } from 'zod';
import { FRENCH_WEEKDAYS, type FrenchWeekday } from '../../../domain/calendar/calendar-day.ts';
import { NotFoundError } from '../../../domain/errors.ts';
import type { Services } from '../../../services/index.ts';
import type { SimulatorForm, SimulatorQuery } from '../../../services/billing/simulator-service.ts';
import { parseForm } from '../../forms.ts';
import { presentSimulation, presentSimulatorForm, weekField } from '../../presenters/simulator-presenter.ts';

const VIEW = 'pages/portal/simulator';

const NO_QUOTIENT = 'Saisissez votre quotient familial en euros, ou cochez « Je ne connais pas mon quotient »';
const NOT_A_NUMBER = "Le quotient familial doit être un nombre d'euros, par exemple 712";
const NEGATIVE = 'Le quotient familial ne peut pas être négatif';
const TOO_HIGH = 'Le quotient familial doit être inférieur à 100 000 €';
const NO_MONTH = 'Choisissez le mois à estimer';
const NO_DAY = 'Choisissez au moins un jour pour une activité';

/** A text field as typed, trimmed; anything else (a repeated field) reads as empty. */
const text = z.preprocess((value) => (typeof value === 'string' ? value.trim() : ''), z.string());
const ticked = z.preprocess((value) => value === 'oui', z.boolean());
const weekdays = z.preprocess(
  (value) => (Array.isArray(value) ? value : typeof value === 'string' ? [value] : []),
  z.array(z.unknown()).transform((values) => FRENCH_WEEKDAYS.filter((weekday) => values.includes(weekday))),
);

/**
 * The simulator's query, for this commune's activities and months. Every field reads leniently
 * and every check is in one refinement, so all the problems are listed at once.
 * « 712 », « 712,50 », « 1 200 » are read as euros.
 */
function simulatorSchema(form: SimulatorForm) {
  const daysOf = (query: object, code: string) => (query as Record<string, FrenchWeekday[]>)[weekField(code)] ?? [];
  const week = Object.fromEntries(form.activities.map((activity) => [weekField(activity.code), weekdays]));
  return z
    .object({ quotient: text, inconnu: ticked, hors_commune: ticked, mois: text, ...week })
    .superRefine((query, ctx) => {
      const issue = (field: string, message: string) => ctx.addIssue({ code: 'custom', path: [field], message });
      if (!query.inconnu) {
        const typed = query.quotient.replace(/[\s\u00a0\u202f]/g, '');
        if (!typed) issue('quotient', NO_QUOTIENT);
        else if (!/^-?\d+([.,]\d{1,2})?$/.test(typed)) issue('quotient', NOT_A_NUMBER);
        else if (typed.startsWith('-')) issue('quotient', NEGATIVE);
        else if (Number(typed.replace(',', '.')) >= 100_000) issue('quotient', TOO_HIGH);
      }
      if (!form.months.includes(query.mois)) issue('mois', NO_MONTH);
      const chosen = form.activities.some((activity) => daysOf(query, activity.code).length > 0);
      if (!chosen) issue('semaine', NO_DAY);
    })
    .transform(
      (query): SimulatorQuery => ({
        qf: query.inconnu ? null : Number(query.quotient.replace(/[\s\u00a0\u202f]/g, '').replace(',', '.')),
        resident: !query.hors_commune,
        month: query.mois,
        week: Object.fromEntries(form.activities.map((activity) => [activity.code, daysOf(query, activity.code)])),
      }),
    );
}

/**
 * `/simulateur` (DESIGN §6), signed in or not, where the commune enables it: a GET form, so it
 * works without JavaScript, changes nothing (no CSRF token needed) and a result can be bookmarked.
 */
export function simulatorRouter(services: Services): Router {
  const router = Router({ mergeParams: true });

  router.get('/simulateur', async (req, res) => {
    const commune = res.locals.commune!;
    if (!commune.settings.features.simulator) throw new NotFoundError(`the simulator is off in ${commune.slug}`);
    const form = await services.simulator.form(commune);
    const page = presentSimulatorForm(form);
    if (!Object.keys(req.query).length) {
      res.render(VIEW, { page, values: { mois: form.months[0] } });
      return;
    }
    const parsed = parseForm(simulatorSchema(form), req.query);
    if (!parsed.ok) {
      res.status(400).render(VIEW, { page, errors: parsed.errors, values: parsed.values });
      return;
    }
    const simulation = await services.simulator.simulate(commune, parsed.data);
    res.render(VIEW, {
      page,
      values: req.query,
      result: presentSimulation(simulation, form, parsed.data),
    });
  });

  return router;
}
