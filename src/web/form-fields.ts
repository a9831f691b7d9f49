import { z } from 'zod';
import { isFrenchPostcode, normaliseFrenchPhone, parseCalendarDay } from '../domain/contact-formats.ts';
import { parseDayInput, parseMonthInput, parseWeekInput, type DateInput, type YearSpan } from '../domain/date-input.ts';
import { wholeEurosOf } from '../domain/quotient.ts';
import { dateRefusalWords } from '../i18n/input-words.ts';

/** zod pieces shared by the forms, with their French messages. Empty optional fields become null. */

const emptyToNull = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? null : value);

export const requiredText = (message: string, max = 100) =>
  z.string({ error: message }).trim().min(1, message).max(max, `${max} caractères au maximum`);

export const optionalText = (max = 200) =>
  z.preprocess(emptyToNull, z.string().trim().max(max, `${max} caractères au maximum`).nullable().optional());

export const email = (message = 'Saisissez une adresse e-mail valide, par exemple nom@exemple.fr') =>
  z.string({ error: message }).trim().toLowerCase().pipe(z.email(message).max(254, message));

export const optionalPhone = z.preprocess(
  emptyToNull,
  z
    .string()
    .transform((value, ctx) => {
      const phone = normaliseFrenchPhone(value);
      if (!phone) {
        ctx.addIssue({ code: 'custom', message: 'Saisissez un numéro de téléphone français à 10 chiffres, par exemple 06 12 34 56 78' });
        return z.NEVER;
      }
      return phone;
    })
    .nullable()
    .optional(),
);

export const optionalPostcode = z.preprocess(
  emptyToNull,
  z.string().trim().refine(isFrenchPostcode, 'Saisissez un code postal à 5 chiffres, par exemple 78670').nullable().optional(),
);

/** A past calendar day, typed as 2026-11-26 (date picker) or 26/11/2026. */
export const optionalBirthDate = (today: () => string) =>
  z.preprocess(
    emptyToNull,
    z
      .string()
      .transform((value, ctx) => {
        const day = parseCalendarDay(value);
        if (!day) {
          ctx.addIssue({ code: 'custom', message: 'Saisissez une date valide, par exemple 14/03/1986' });
          return z.NEVER;
        }
        if (day >= today() || day < '1900-01-01') {
          ctx.addIssue({ code: 'custom', message: 'La date de naissance doit être dans le passé' });
          return z.NEVER;
        }
        return day;
      })
      .nullable()
      .optional(),
  );

export const civility = z.enum(['madame', 'monsieur'], { error: 'Indiquez votre civilité' });

/** Whole euros, typed « 620 » or « 1 250 »: a quotient familial, an income (not an amount to pay). */
export const wholeEuros = (message: string) =>
  z.string({ error: message }).transform((value, ctx) => {
    const euros = wholeEurosOf(value);
    if (euros === undefined) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return euros;
  });

/** A calendar day typed as 2026-11-26 (date picker) or 26/11/2026. */
export const requiredDay = (message: string) =>
  z.string({ error: message }).transform((value, ctx) => {
    const day = parseCalendarDay(value);
    if (!day) {
      ctx.addIssue({ code: 'custom', message });
      return z.NEVER;
    }
    return day;
  });

/** A calendar day, or null when left empty. */
export const optionalDay = (message: string) => z.preprocess(emptyToNull, requiredDay(message).nullable().optional());

/**
 * A day, a month or a week as a person types it or a URL carries it, read by the one reader
 * (`src/domain/date-input.ts`) within `span` (`schoolYears(today)` for the portal's pages,
 * `birthYears(today)` for a birth date); its refusal said in French by `src/i18n/input-words.ts`.
 */
function dateIn<T>(parse: (input: unknown, span: YearSpan) => DateInput<T>, span: YearSpan) {
  return z.unknown().transform((value, ctx) => {
    const parsed = parse(value, span);
    if (!parsed.ok) {
      ctx.addIssue({ code: 'custom', message: dateRefusalWords(parsed.refusal) });
      return z.NEVER;
    }
    return parsed.value;
  });
}

export const dayIn = (span: YearSpan) => dateIn(parseDayInput, span);
/** 'YYYY-MM'. */
export const monthIn = (span: YearSpan) => dateIn(parseMonthInput, span);
/** 'YYYY-Www', from a week or a day of it. */
export const weekIn = (span: YearSpan) => dateIn(parseWeekInput, span);
