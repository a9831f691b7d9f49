import { formatAmount, formatDate, formatDateTime, formatTime } from './format.ts';
import { capitalise, ofTheService, theService, toTheService } from './service-name.ts';

/**
 * The French formatting filters every template uses, pages and e-mails alike: the web views and
 * the mail renderer each register them on their own Nunjucks environment.
 */
export const FRENCH_FILTERS: Readonly<Record<string, (...args: never[]) => unknown>> = {
  date: formatDate,
  time: formatTime,
  dateTime: formatDateTime,
  amount: formatAmount,
  theService,
  // Nunjucks' own `capitalize` lowers the rest of the text.
  capitalise,
  ofTheService,
  toTheService,
  /** « Ville d'Échirolles » → « ville d'Échirolles », inside a sentence. */
  lowerFirst: (text: string) => (text ? text.charAt(0).toLocaleLowerCase('fr') + text.slice(1) : text),
};
