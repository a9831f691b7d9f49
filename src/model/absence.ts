/** A child's mark on a day: staff attendance, or an absence justified by an accepted request. */
export interface DayMark {
  activityId: number;
  day: string;
  mark: 'present' | 'absent' | 'justified';
}
