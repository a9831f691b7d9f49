/**
 * What a person reads when what they sent cannot be read at all: a form body cut short or over a
 * limit, a date or a month outside the span the portal takes (see `src/domain/date-input.ts`).
 */
import type { DateRefusal } from '../domain/date-input.ts';

/** A multipart form arrived cut short or malformed: nothing was done, the file must be chosen again. */
export const UNREADABLE_UPLOAD =
  "Votre envoi n'est pas arrivé complet : rien n'a été enregistré. Choisissez à nouveau votre fichier et renvoyez le formulaire";

/** A text field of a multipart form over its limit (the limit is in bytes: we say « caractères », a safe bound for French text). */
export function fieldTooLongWords(maxBytes: number): string {
  const characters = Math.floor(maxBytes / 3);
  return `Ce texte est trop long pour être reçu (${new Intl.NumberFormat('fr-FR').format(characters)} caractères au plus) : raccourcissez-le et renvoyez le formulaire`;
}

const EXAMPLES = { day: '14/03/2026', month: '2026-11', week: '2026-W48' } as const;
const WHAT = { day: 'une date', month: 'un mois', week: 'une semaine' } as const;

/**
 * The French message of a date, month or week refused by `parseDayInput`, `parseMonthInput` or
 * `parseWeekInput`: what to type, and for an impossible year the span the portal takes.
 */
export function dateRefusalWords(refusal: DateRefusal): string {
  const what = WHAT[refusal.kind];
  switch (refusal.code) {
    case 'missing':
      return `Saisissez ${what}, par exemple ${EXAMPLES[refusal.kind]}`;
    case 'malformed':
      return `Saisissez ${what} valide, par exemple ${EXAMPLES[refusal.kind]}`;
    case 'out_of_range':
      return `Saisissez ${what} entre ${refusal.span.fromYear} et ${refusal.span.toYear}`;
  }
}
