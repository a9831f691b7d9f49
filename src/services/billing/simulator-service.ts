import type { FrenchWeekday } from '../../domain/calendar/calendar-day.ts';
import type { ActivityKind } from '../../domain/calendar/closed-days.ts';
import { monthsAhead, simulateMonth, type Month, type Simulation } from '../../domain/tariff-simulation.ts';
import type { Tariff } from '../../domain/tariffs.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { CalendarService } from '../booking/calendar-service.ts';

export interface SimulatorActivity {
  code: string;
  name: string;
  /** « repas », « journée »… as the commune file names one unit. */
  unit: string;
  kind: ActivityKind;
  days: FrenchWeekday[];
  tariff: Tariff;
}

/** What the simulator's form offers: the commune's activities and the months to come of its school years. */
export interface SimulatorForm {
  activities: SimulatorActivity[];
  months: Month[];
  /** Whether some tariff prices families outside the commune differently (the form then asks). */
  asksResidence: boolean;
}

export interface SimulatorQuery {
  /** Euros; null: « je ne connais pas mon quotient ». */
  qf: number | null;
  resident: boolean;
  month: Month;
  week: Record<string, FrenchWeekday[]>;
}

/** `/simulateur` (DESIGN §6): reads only; nothing about the person is needed or kept. */
export function simulatorService(repositories: Repositories, calendars: CalendarService) {
  async function activitiesOf(commune: Commune): Promise<SimulatorActivity[]> {
    const activities = await repositories.activities.listActive(commune.id);
    return activities.map((activity) => ({
      code: activity.code,
      name: activity.name,
      kind: activity.kind,
      unit: activity.rules.unit,
      days: [...activity.days],
      tariff: activity.rules.tariff,
    }));
  }

  return {
    async form(commune: Commune): Promise<SimulatorForm> {
      const activities = await activitiesOf(commune);
      const lastDay = calendars.openSchoolYears(commune).at(-1)?.endsOn;
      return {
        activities,
        months: monthsAhead(calendars.today(), lastDay),
        asksResidence: activities.some((activity) => activity.tariff.nonResidentPrice !== undefined),
      };
    },

    async simulate(commune: Commune, query: SimulatorQuery): Promise<Simulation> {
      return simulateMonth(
        await activitiesOf(commune),
        calendars.calendarOf(commune),
        { month: query.month, week: query.week, pricing: { qf: query.qf, resident: query.resident } },
      );
    },
  };
}

export type SimulatorService = ReturnType<typeof simulatorService>;
