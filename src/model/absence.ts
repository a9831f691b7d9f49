/** Why a child is absent, as the « Justifier une absence » form sends it; `src/i18n/absence-words.ts` names each. */
export type AbsenceReason = 'maladie' | 'rendez-vous-medical' | 'raison-familiale' | 'autre';

/** A child's mark on a day: staff attendance, or an absence justified by an accepted request. */
export interface DayMark {
  activityId: number;
  day: string;
  mark: 'present' | 'absent' | 'justified';
}
