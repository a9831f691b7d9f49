import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type { Express } from 'express';
import nunjucks from 'nunjucks';
import type { FieldError } from './forms.ts';
import { FRENCH_FILTERS } from '../i18n/template-filters.ts';

export const VIEWS_DIR = path.resolve(import.meta.dirname, '../../views');

/** The filters of the pages: the French formatting shared with the e-mails, and the form's. */
export function addFilters(env: nunjucks.Environment): void {
  for (const [name, filter] of Object.entries(FRENCH_FILTERS)) env.addFilter(name, filter);
  /** The message of one field, for the field macro. */
  env.addFilter('errorFor', (errors: FieldError[] | undefined, field: string) =>
    errors?.find((error) => error.field === field)?.message,
  );
  env.addFilter('errorLinkFor', (errors: FieldError[] | undefined, field: string) => errors?.find((error) => error.field === field)?.link);
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
