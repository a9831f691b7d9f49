import { ValidationError } from '../domain/errors.ts';
import type { Request, Response } from 'express';
import type { z } from 'zod';

export interface FieldError {
  /** The form field's name; its element id is `field-<name>`. */
  field: string;
  message: string;
}

export type Parsed<T> = { ok: true; data: T } | { ok: false; errors: FieldError[]; values: Record<string, unknown> };

/** Parses a form body with its page schema; on failure gives one French message per field. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): Parsed<z.infer<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, data: result.data };
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: issue.message });
  }
  // The summary lists problems in the order of the form, which is the order of the schema's fields.
  const shape = (schema as unknown as { shape?: Record<string, unknown> }).shape;
  if (shape) {
    const position = new Map(Object.keys(shape).map((key, index) => [key, index]));
    errors.sort((a, b) => (position.get(a.field) ?? Infinity) - (position.get(b.field) ?? Infinity));
  }
  const values = typeof body === 'object' && body !== null ? { ...(body as Record<string, unknown>) } : {};
  return { ok: false, errors, values };
}

/** Renders a form again with its errors and what was typed (never the password fields). */
export function renderWithErrors(
  res: Response,
  status: number,
  view: string,
  errors: FieldError[],
  values: Record<string, unknown>,
  extra: Record<string, unknown> = {},
) {
  const kept = Object.fromEntries(Object.entries(values).filter(([key]) => !/mot.?de.?passe|password|_csrf/i.test(key)));
  res.status(status).render(view, { ...extra, errors, values: kept });
}

export function setFlash(req: Request, kind: 'success' | 'info', message: string) {
  req.session.flash = { kind, message };
}

/** A ValidationError from a service: its field errors go back to the form like zod's. */
export function fieldErrorsOf(error: unknown): FieldError[] | undefined {
  return error instanceof ValidationError ? error.errors : undefined;
}

const FORM_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The one-time key the `formKeyField` macro puts in a form (`idempotency_key`): services act once
 * per key. A form without one (an old page) acts as before; a malformed one is a bad request.
 */
export function formKeyOf(body: unknown): string | undefined {
  const value = (body as Record<string, unknown> | undefined)?.idempotency_key;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !FORM_KEY.test(value)) throw Object.assign(new Error('malformed form key'), { status: 400 });
  return value.toLowerCase();
}
