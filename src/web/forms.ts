import { ValidationError } from '../domain/errors.ts';
import { fieldProblemWords } from '../i18n/refusal-words.ts';
import { isActOnceForm } from './act-once-forms.ts';
import type { Request, RequestHandler, Response } from 'express';
import type { z } from 'zod';

export interface FieldError {
  /** The form field's name; its element id is `field-<name>`. */
  field: string;
  message: string;
  /** Where the person can fix it (see ValidationError), a link after the message. */
  link?: { href: string; label: string };
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

/** What a form shows again after a refusal: each field's message, and what was typed. */
export interface FormState {
  status: number;
  errors: FieldError[];
  values: Record<string, unknown>;
}

/** The body parsed by the form's schema; a ValidationError (one French message per field) otherwise. */
export function validate<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const parsed = parseForm(schema, body);
  if (!parsed.ok) throw new ValidationError(parsed.errors);
  return parsed.data;
}

/** What was typed, to fill the form in again: never a password or the CSRF token. */
export function keptValues(body: unknown): Record<string, unknown> {
  const values = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  return Object.fromEntries(Object.entries(values).filter(([key]) => !/mot.?de.?passe|password|_csrf/i.test(key)));
}

interface FormPost<S extends z.ZodType> {
  /** The form's schema, or one built for this request (fields that depend on the commune or the family). */
  schema: S | ((req: Request, res: Response) => S | Promise<S>);
  /** The action: one service call, then a flash and a redirect (303). */
  act: (data: z.infer<S>, req: Request, res: Response) => Promise<void>;
  /** The form again, at `state.status`, with its errors and values. */
  render: (req: Request, res: Response, state: FormState) => Promise<void> | void;
}

/**
 * The POST of a form, the one path from input to refusal: a form of `ACT_ONCE_FORMS` without its
 * one-time key is refused first (400); the body is parsed by the schema, then the action runs; a
 * ValidationError — the schema's or a service's — renders the form again with each field's message
 * next to it and in the summary, and what was typed. Any other error goes to the error handler.
 */
export function formPost<S extends z.ZodType>({ schema, act, render }: FormPost<S>): RequestHandler {
  return async (req, res) => {
    if (isActOnceForm(req)) formKeyOf(req.body);
    try {
      const resolved = typeof schema === 'function' ? await (schema as (req: Request, res: Response) => S | Promise<S>)(req, res) : schema;
      await act(validate(resolved, req.body), req, res);
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error;
      await render(req, res, { status: error.status, errors: fieldErrorsOf(error)!, values: keptValues(req.body) });
    }
  };
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
  res.status(status).render(view, { ...extra, errors, values: keptValues(values) });
}

export function setFlash(req: Request, kind: 'success' | 'info', message: string) {
  req.session.flash = { kind, message };
}

/** A ValidationError's fields as the form shows them: a service's refusal codes said in French, like zod's messages. */
export function fieldErrorsOf(error: unknown): FieldError[] | undefined {
  if (!(error instanceof ValidationError)) return undefined;
  return error.errors.map((problem) => ({ field: problem.field, message: fieldProblemWords(problem), ...(problem.link ? { link: problem.link } : {}) }));
}

const FORM_KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A form that must act once posted without its key, or with a malformed one (a forged or hand-made POST): refused, nothing written. */
export class BadFormKeyError extends Error {
  /** The error handler answers a 4xx `status` with its « Demande incorrecte » page. */
  readonly status = 400;
}

/**
 * The one-time key the `formKeyField` macro puts in a form (`idempotency_key`), which its service
 * takes so the form acts once. Only the forms of `ACT_ONCE_FORMS` (`src/web/act-once-forms.ts`) read
 * it, and each requires it: a POST without a key, or with a malformed one, is a bad request (400)
 * refused before the service is called.
 */
export function formKeyOf(body: unknown): string {
  const value = (body as Record<string, unknown> | undefined)?.idempotency_key;
  if (value === undefined || value === '') throw new BadFormKeyError('a form that acts once posted without its key');
  if (typeof value !== 'string' || !FORM_KEY.test(value)) throw new BadFormKeyError('malformed form key');
  return value.toLowerCase();
}
