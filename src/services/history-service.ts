import type { Clock } from '../domain/clock.ts';
import { historyPeriodBounds, type HistoryPeriod, type PeriodBounds } from '../domain/history-period.ts';
import type { Repositories } from '../data/index.ts';
import type { SignInEvent } from '../data/sign-in-event-repository.ts';

/** Enough for any honest month; an account under attack would otherwise make the page endless. */
export const MAX_CONNECTION_EVENTS = 200;

export interface ConnectionHistory {
  period: PeriodBounds;
  events: SignInEvent[];
  /** True when the period holds more than MAX_CONNECTION_EVENTS events and the oldest are left out. */
  truncated: boolean;
}

/** A person's history (DESIGN §6): their sign-ins and failed attempts for now; requests and payments later. */
export function historyService(repositories: Repositories, clock: Clock) {
  return {
    async connections(communeId: number, userId: number, period: HistoryPeriod): Promise<ConnectionHistory> {
      const bounds = historyPeriodBounds(period, clock.now());
      const events = await repositories.signInEvents.listForUser(communeId, userId, {
        ...bounds,
        limit: MAX_CONNECTION_EVENTS + 1,
      });
      return {
        period: bounds,
        events: events.slice(0, MAX_CONNECTION_EVENTS),
        truncated: events.length > MAX_CONNECTION_EVENTS,
      };
    },
  };
}

export type HistoryService = ReturnType<typeof historyService>;
