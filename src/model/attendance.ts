import type { AttendanceStatus } from '../domain/attendance-sheet.ts';

/** A child who has a live booking (booked or waiting) or an attendance mark for an activity on a day. */
export interface AttendanceLine {
  day: string;
  memberId: number;
  familyId: number;
  firstName: string;
  lastName: string;
  familyName: string;
  familyReference: string;
  school: string | null;
  schoolLevel: string | null;
  allergies: string | null;
  hasPai: boolean | null;
  bookingStatus: 'booked' | 'waiting' | null;
  waitingRank: number | null;
  attendance: AttendanceStatus | null;
  markedAt: Date | null;
  markedByName: string | null;
}

export interface AttendanceMark {
  memberId: number;
  familyId: number;
  status: AttendanceStatus;
}

/** Booked meals of one day, with how many of the children have a PAI or declared allergies. */
export interface BookedCount {
  day: string;
  booked: number;
  withPai: number;
  withAllergies: number;
}
