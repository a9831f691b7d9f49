import type { NextFunction, Request, Response } from 'express';
import type { Services } from '../../services/index.ts';
import { unansweredInWords, unreadInWords } from '../presenters/message-presenter.ts';

/**
 * The count the navigation shows beside « Messages » on every page: for a guardian, the service's
 * messages nobody of the family has read; for staff, the conversations waiting for an answer.
 * Pages only (GET), signed in, where the commune has messages.
 */
export function messageCounts(services: Services) {
  return async (req: Request, res: Response, next: NextFunction) => {
    const commune = res.locals.commune!;
    const user = req.user;
    if (req.method !== 'GET' || !user || !commune.settings.features.messages) return next();
    if (user.role === 'parent') {
      if (user.familyId) res.locals.messageNav = familyMessageNav(await services.messages.unreadCount(commune, user.familyId));
    } else {
      const count = await services.messages.unansweredCount(commune);
      res.locals.messageNav = { count, words: unansweredInWords(count) };
    }
    next();
  };
}

/** « Messages (2) » for a guardian: the number shown, and in words for screen readers. */
export function familyMessageNav(count: number) {
  return { count, words: unreadInWords(count) };
}
