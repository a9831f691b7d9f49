/** Domain failures; the web error handler maps each class to a status and a French page. */
export class DomainError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** Unknown id, or an id that belongs to another family or commune: both answer 404. */
export class NotFoundError extends DomainError {}

export class ForbiddenError extends DomainError {}

export class ProductionRefusedError extends DomainError {}

/**
 * A field a form must show again, and why: a French message (a form schema's, in the web layer) or,
 * from a service, a refusal code (thrown with `refused`, `src/domain/refusals.ts`, which types the codes)
 * the form layer has `src/i18n` say.
 * `link`: where the person can fix it, shown after the message (a missing document → « Mes documents »).
 */
export type FieldProblem = { field: string; link?: { href: string; label: string } } & ({ message: string; refusal?: never } | { refusal: { readonly code: string }; message?: never });

/**
 * Input that breaks a rule: a form field the schema refused, or a rule only the server can check
 * (a taken e-mail, a weak password…). `status` is the answer's, 400 unless a rule says otherwise
 * (429 for a throttled request, 403 for a locked sign-in).
 */
export class ValidationError extends DomainError {
  constructor(
    readonly errors: FieldProblem[],
    readonly status = 400,
  ) {
    super(errors.map((error) => `${error.field}: ${error.refusal ? error.refusal.code : error.message}`).join('; '));
  }
}
