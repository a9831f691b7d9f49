import type { Request } from 'express';
import { z } from 'zod';
import { NotFoundError } from '../domain/errors.ts';

/** Every row id of the schema is a PostgreSQL `integer`. */
export const PG_INTEGER_MAX = 2_147_483_647;

/** Digits only, as the portal writes them: no sign, no leading zero, no space, no decimal point, no exponent. */
const CANONICAL_ID = /^[1-9]\d{0,9}$/;

/**
 * The one parser of a row id written in a URL, a query string or a form: `1` to `2147483647`,
 * spelled the way the portal spells it. `01`, ` 1`, `1.0`, `1e3`, `-1` or `3000000000` name no
 * row (and some would break the query), so they are refused before any query.
 */
export const rowId = (message = 'Identifiant inconnu') =>
  z
    .string({ error: message })
    .regex(CANONICAL_ID, message)
    .transform(Number)
    .refine((id) => id <= PG_INTEGER_MAX, message);

/** A form field holding one id or several (checkboxes of the same name), at least one. */
export const rowIdList = (message: string, missing: string) =>
  z
    .union([z.string(), z.array(z.string())], { error: missing })
    .transform((value) => (Array.isArray(value) ? value : [value]))
    .pipe(z.array(rowId(message)).min(1, missing));

const anyRowId = rowId();

/** The id a value names, or undefined when it names no row. */
export function parseRowId(raw: unknown): number | undefined {
  const parsed = anyRowId.safeParse(raw);
  return parsed.success ? parsed.data : undefined;
}

/** The id of a URL parameter; one that names no row is a page that does not exist (404). */
export function idParam(req: Request, name: string): number {
  const raw = req.params[name];
  const id = parseRowId(raw);
  if (id === undefined) throw new NotFoundError(`bad ${name} ${JSON.stringify(String(raw).slice(0, 40))}`);
  return id;
}
