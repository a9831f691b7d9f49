import type { AbsenceReason } from '../model/absence.ts';

/** The reasons of an absence as the form offers them, in this order, and as a request records them. */
export const ABSENCE_REASON_LABELS: Record<AbsenceReason, string> = {
  maladie: 'Maladie',
  'rendez-vous-medical': 'Rendez-vous médical',
  'raison-familiale': 'Raison familiale',
  autre: 'Autre',
};
