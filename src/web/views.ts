import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Express } from 'express';
import nunjucks from 'nunjucks';
import type { FieldError } from './forms.ts';
import { capitalise, ofTheService, theService, toTheService } from '../i18n/service-name.ts';
import { formatAmount, formatDate, formatDateTime, formatTime } from '../i18n/format.ts';

export const VIEWS_DIR = path.resolve(import.meta.dirname, '../../views');

/** The filters every template can use, pages and e-mails alike. */
export function addFilters(env: nunjucks.Environment): void {
  env.addFilter('date', formatDate);
  env.addFilter('time', formatTime);
  env.addFilter('dateTime', formatDateTime);
  env.addFilter('amount', formatAmount);
  env.addFilter('theService', theService);
  // Nunjucks' own `capitalize` lowers the rest of the text.
  env.addFilter('capitalise', capitalise);
  env.addFilter('ofTheService', ofTheService);
  env.addFilter('toTheService', toTheService);
  /** « Ville d'Échirolles » → « ville d'Échirolles », inside a sentence. */
  env.addFilter('lowerFirst', (text: string) => (text ? text.charAt(0).toLocaleLowerCase('fr') + text.slice(1) : text));
  /** The message of one field, for the field macro. */
  env.addFilter('errorFor', (errors: FieldError[] | undefined, field: string) =>
    errors?.find((error) => error.field === field)?.message,
  );
}

/** `reloadTemplates`: read the templates again at each page (development: edits show at once). */
export function configureViews(app: Express, reloadTemplates = false): nunjucks.Environment {
  const env = nunjucks.configure(VIEWS_DIR, {
    autoescape: true,
    express: app,
    throwOnUndefined: false,
    noCache: reloadTemplates,
  });
  app.set('view engine', 'njk');

  addFilters(env);
  // The `formKeyField` macro's one-time key: a new one for every form rendered.
  env.addGlobal('newFormKey', () => randomUUID());
  return env;
}
