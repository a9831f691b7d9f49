export type RegistrationStatus = 'pending' | 'validated' | 'refused';

export interface Registration {
  id: number;
  familyId: number;
  memberId: number;
  childName: string;
  childFirstName: string;
  childLastName: string;
  childBirthDate: string | null;
  activityId: number;
  activityCode: string;
  activityName: string;
  schoolYear: string;
  startsOn: string;
  endsOn: string;
  status: RegistrationStatus;
  requestId: number | null;
  reference: string | null;
  createdAt: Date;
  decidedAt: Date | null;
  reason: string | null;
}

export interface RegistrationFilters {
  memberId?: number;
  status?: RegistrationStatus;
  schoolYear?: string;
}
