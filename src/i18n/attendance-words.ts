import type { MarkingRefusal, PeriodRefusal } from '../domain/attendance-sheet.ts';
import { closedDayWords } from './booking-words.ts';

/** The words of the attendance sheet's refusals, for its page and its form errors. */

export function markingRefusalWords(refusal: MarkingRefusal): string {
  switch (refusal.code) {
    case 'day_closed':
      return `Ce jour est fermé (${closedDayWords(refusal.day)}) : il n'y a pas de pointage.`;
    case 'not_arrived':
      return "Le pointage se fait le jour même ou après : ce jour n'est pas encore arrivé.";
  }
}

export function periodRefusalWords(refusal: PeriodRefusal): string {
  switch (refusal.code) {
    case 'ends_before_start':
      return 'La date de fin doit être le même jour que la date de début ou après.';
    case 'too_long':
      return `La période ne peut pas dépasser ${refusal.maxDays} jours.`;
  }
}
