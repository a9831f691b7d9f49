import { addDays, type CalendarDay } from '../../domain/calendar/calendar-day.ts';
import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { ProductionRefusedError } from '../../domain/errors.ts';
import type { Repositories } from '../../data/index.ts';
import { scaleSeedRepository, SCALE_PREFIX, type ScaleActivity, type ScaleCounts } from '../../data/scale-seed-repository.ts';
import type { CalendarService } from '../booking/calendar-service.ts';
import type { InvoicingService } from '../billing/invoicing-service.ts';
import type { PasswordHasher } from '../accounts/password-hasher.ts';

/** The password of every generated account (scale data is never loaded in production). */
export const SCALE_PASSWORD = 'scale-parent-2026';

/** The most families one run writes: references have five digits (`scale-00001`). */
export const SCALE_MAX_FAMILIES = 99_999;

/** Which children each activity gets, by child number: restauration for nine in ten, and so on. */
const REGISTRATION_MIX: Record<string, { modulo: number; remainder: number; except?: boolean }> = {
  restauration: { modulo: 10, remainder: 9, except: true },
  'periscolaire-soir': { modulo: 2, remainder: 0 },
  'periscolaire-matin': { modulo: 4, remainder: 1 },
  etude: { modulo: 7, remainder: 3 },
  mercredi: { modulo: 16, remainder: 5 },
  vacances: { modulo: 20, remainder: 7 },
};

export class ScaleSeedRefusal extends Error {
  constructor(
    readonly reason: 'unknown_commune' | 'already_seeded' | 'no_school_year' | 'too_many_families',
    message: string,
  ) {
    super(message);
  }
}

export interface ScaleSeedOutcome extends ScaleCounts {
  commune: string;
  schoolYear: string;
  /** The month invoiced by the real invoicing run, if one was. */
  invoicedMonth?: string;
  invoices: number;
  seconds: { data: number; invoicing: number };
}

/**
 * `npm run seed:scale` (issue 14 item 1): a commune filled with generated families for the
 * benchmark. The rows are written set-based by the repository; this service decides the school
 * year, the open days of each activity (the real calendar), hashes the password once with the
 * app's own hasher, and invoices one past month with the real invoicing run.
 */
export function scaleSeedService(deps: {
  repositories: Repositories;
  hasher: PasswordHasher;
  calendars: CalendarService;
  invoicing: InvoicingService;
  clock: Clock;
  production: boolean;
}) {
  const { repositories, hasher, calendars, invoicing, clock } = deps;
  const scale = scaleSeedRepository(repositories.db);

  return {
    async seed(slug: string, families: number, options: { invoices: boolean; allowProduction?: boolean; log?: (step: string, ms: number) => void }): Promise<ScaleSeedOutcome> {
      if (deps.production && !options.allowProduction) throw new ProductionRefusedError('scale data is never loaded in production');
      if (!Number.isInteger(families) || families < 1 || families > SCALE_MAX_FAMILIES) {
        throw new ScaleSeedRefusal('too_many_families', `--families : un nombre entre 1 et ${SCALE_MAX_FAMILIES}`);
      }
      const commune = await repositories.communes.findBySlug(slug);
      if (!commune) {
        const known = (await repositories.communes.listAll()).map((row) => row.slug).join(', ');
        throw new ScaleSeedRefusal('unknown_commune', `commune inconnue : ${slug} (communes servies : ${known})`);
      }
      const existing = await scale.existingFamilies(commune.id);
      if (existing) {
        throw new ScaleSeedRefusal(
          'already_seeded',
          `${commune.name} contient déjà ${existing} familles générées (${SCALE_PREFIX}…) : rien n'a été ajouté. Pour recommencer, repartez d'une base vide.`,
        );
      }
      const year = calendars.openSchoolYears(commune)[0];
      if (!year) throw new ScaleSeedRefusal('no_school_year', `aucune année scolaire ouverte pour ${commune.name}`);

      const started = Date.now();
      const activities: ScaleActivity[] = (await repositories.activities.listActive(commune.id))
        .filter((activity) => REGISTRATION_MIX[activity.code])
        .map((activity) => ({
          id: activity.id,
          code: activity.code,
          capacity: activity.capacityPerDay,
          openDays: daysBetween(year.startsOn, year.endsOn).filter((day) => calendars.dayStatus(commune, activity, day).open),
          ...mixOf(activity.code),
        }));
      const now = clock.now();
      const counts = await scale.fill({
        communeId: commune.id,
        families,
        city: commune.name,
        postcode: /\b(\d{5})\b/.exec(commune.settings.contacts.address)?.[1] ?? null,
        passwordHash: await hasher.hash(SCALE_PASSWORD),
        schoolYear: year,
        activities,
        today: parisDay(now),
        now,
      }, options.log);
      await scale.analyze();
      const dataDone = Date.now();

      let invoicedMonth: string | undefined;
      let invoices = 0;
      // One month through the real run: the month before the one staff would invoice next, when it
      // is in the school year (the next one is left for staff, and for the benchmark's run).
      const month = monthBefore(invoicing.defaultMonth());
      if (options.invoices && month >= year.startsOn.slice(0, 8) + '01') {
        const agent = await repositories.users.findByEmail(commune.id, `${SCALE_PREFIX}agent@scale.example.org`);
        const outcome = await invoicing.issue(commune, agent!, month);
        invoicedMonth = month;
        invoices = outcome.issued;
      }
      const { agentId: _agentId, ...rest } = counts;
      return {
        ...rest,
        commune: commune.name,
        schoolYear: year.name,
        invoicedMonth,
        invoices,
        seconds: { data: (dataDone - started) / 1000, invoicing: (Date.now() - dataDone) / 1000 },
      };
    },
  };
}

function mixOf(code: string): { modulo: number; remainder: number; except: boolean } {
  const mix = REGISTRATION_MIX[code]!;
  return { ...mix, except: mix.except ?? false };
}

function daysBetween(from: CalendarDay, to: CalendarDay): CalendarDay[] {
  const days: CalendarDay[] = [];
  for (let day = from; day <= to; day = addDays(day, 1)) days.push(day);
  return days;
}

/** '2026-10-01' → '2026-09-01'. */
export function monthBefore(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return number === 1 ? `${year - 1}-12-01` : `${year}-${String(number - 1).padStart(2, '0')}-01`;
}

export type ScaleSeedService = ReturnType<typeof scaleSeedService>;
