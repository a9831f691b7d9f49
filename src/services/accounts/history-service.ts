import type { Clock } from '../../domain/clock.ts';
import { historyPeriodBounds, type HistoryPeriod, type PeriodBounds } from '../../domain/history-period.ts';
import type { Repositories } from '../../data/index.ts';
import type { FamilyRequest } from '../../data/request-repository.ts';
import type { SignInEvent } from '../../data/sign-in-event-repository.ts';
import type { Payment } from '../../model/payment.ts';

/** Enough for any honest month; an account under attack would otherwise make the page endless. */
export const MAX_CONNECTION_EVENTS = 200;

export interface ConnectionHistory {
  period: PeriodBounds;
  events: SignInEvent[];
  /** True when the period holds more than MAX_CONNECTION_EVENTS events and the oldest are left out. */
  truncated: boolean;
}

export interface RequestHistory {
  period: PeriodBounds;
  /** Newest first. */
  requests: FamilyRequest[];
}

export interface PaymentHistory {
  period: PeriodBounds;
  /** Newest first: online, counter and direct-debit payments made in the period, whatever became of them. */
  payments: Payment[];
}

const within = (instant: Date | null, { from, to }: PeriodBounds) => instant !== null && instant >= from && instant < to;

/**
 * A person's history (DESIGN §6): their own sign-ins and failed attempts, and their family's
 * requests (démarches), and its payments.
 */
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

    /**
     * The family's requests, whichever guardian sent them, that were sent or decided in the period:
     * a request sent last month and answered this week is news of this week. A family sends a few
     * requests a year, so they are filtered here rather than by a query of their own.
     */
    async requests(communeId: number, familyId: number, period: HistoryPeriod): Promise<RequestHistory> {
      const bounds = historyPeriodBounds(period, clock.now());
      const requests = await repositories.requests.listForFamily(communeId, familyId);
      return {
        period: bounds,
        requests: requests.filter((request) => within(request.submittedAt, bounds) || within(request.decidedAt, bounds)),
      };
    },

    /** The family's payments started in the period, whoever made them, newest first. */
    async payments(communeId: number, familyId: number, period: HistoryPeriod): Promise<PaymentHistory> {
      const bounds = historyPeriodBounds(period, clock.now());
      return { period: bounds, payments: await repositories.payments.listForFamily(communeId, familyId, bounds) };
    },
  };
}

export type HistoryService = ReturnType<typeof historyService>;
