export type UserRole = 'parent' | 'agent' | 'admin';

export type UserStatus = 'pending_activation' | 'active' | 'disabled' | 'refused';

export interface User {
  id: number;
  communeId: number;
  role: UserRole;
  email: string;
  identifier: string;
  firstName: string;
  lastName: string;
  status: UserStatus;
  familyId: number | null;
  memberId: number | null;
  lastSignInAt: Date | null;
  activationRequestedAt: Date | null;
  activationDeadline: Date | null;
  refusalReason: string | null;
}

export interface UserWithPassword extends User {
  passwordHash: string | null;
}

export interface NewUser {
  role: UserRole;
  email: string;
  identifier: string;
  firstName: string;
  lastName: string;
  status: UserStatus;
  passwordHash: string | null;
  familyId: number | null;
  memberId: number | null;
  activationRequestedAt?: Date | null;
  activationDeadline?: Date | null;
}

export interface PendingActivation {
  userId: number;
  firstName: string;
  lastName: string;
  email: string;
  familyId: number;
  familyReference: string;
  requestedAt: Date;
  deadline: Date;
}

/** Who asked for a change of sign-in address, for the notice to the old address. */
export type EmailChangeOrigin = 'self' | 'staff';
