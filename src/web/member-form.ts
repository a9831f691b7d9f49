import { z } from 'zod';
import type { FieldDefinition, FieldValue, MemberRole } from '../domain/family-fields.ts';
import { email, optionalBirthDate, optionalPhone, optionalPostcode, optionalText } from './form-fields.ts';

const emptyToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

/** The zod schema of one family-file field, by kind; empty or absent gives null (required-ness is checked on the whole form). */
function fieldSchema(field: FieldDefinition, today: () => string): z.ZodType<FieldValue | undefined> {
  switch (field.kind) {
    case 'text':
    case 'longtext':
      return optionalText(field.max ?? 200);
    case 'date':
      return optionalBirthDate(today);
    case 'phone':
      return optionalPhone;
    case 'postcode':
      return optionalPostcode;
    case 'email':
      return z.preprocess(emptyToNull, email().nullable().optional());
    case 'yesno':
      return z
        .preprocess(emptyToNull, z.enum(['oui', 'non'], { error: `Répondez par oui ou non à « ${field.label} »` }).nullable().optional())
        .transform((value) => (value === null || value === undefined ? null : value === 'oui'));
    case 'civility':
      return z.preprocess(emptyToNull, z.enum(['madame', 'monsieur'], { error: 'Indiquez la civilité' }).nullable().optional());
  }
}

/** An object of field schemas where each required field must end up with a value. */
function withRequired(shape: Record<string, z.ZodType<FieldValue | undefined>>, fields: FieldDefinition[], role: MemberRole) {
  const required = fields.filter((field) => field.requiredFor.includes(role) && field.key in shape);
  return z.object(shape).superRefine(
    (values, ctx) => {
      for (const field of required) {
        const value = (values as Record<string, unknown>)[field.key];
        if (value === null || value === undefined || value === '') {
          ctx.addIssue({ code: 'custom', path: [field.key], message: `Renseignez « ${field.label} »` });
        }
      }
    },
    // Checked even when other fields are wrong, so every problem is listed at once.
    { when: () => true },
  );
}

/**
 * The schema of a member form, limited to the fields actually posted: a field the form did not
 * send is not a change. Which posted fields a parent may change is the service's decision.
 */
export function memberFormSchema(fields: FieldDefinition[], role: MemberRole, posted: Record<string, unknown>, today: () => string) {
  const shape: Record<string, z.ZodType<FieldValue | undefined>> = {};
  for (const field of fields) {
    if (field.key in posted) shape[field.key] = fieldSchema(field, today);
  }
  return withRequired(shape, fields, role);
}

/** The schema for a whole new member (a new child): every field of the role, required ones included. */
export function newMemberSchema(fields: FieldDefinition[], role: MemberRole, today: () => string) {
  const shape: Record<string, z.ZodType<FieldValue | undefined>> = {};
  for (const field of fields) shape[field.key] = fieldSchema(field, today);
  return withRequired(shape, fields, role);
}

/** Current values as form inputs show them. */
export function toFormValues(values: Record<string, FieldValue | undefined>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [key, value === true ? 'oui' : value === false ? 'non' : (value ?? '')]),
  );
}
