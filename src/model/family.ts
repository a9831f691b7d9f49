import type { MemberRole } from '../domain/family-fields.ts';
export type { MemberRole };

export interface Family {
  id: number;
  communeId: number;
  reference: string;
  name: string;
  addressLine: string | null;
  postcode: string | null;
  city: string | null;
}

export interface Member {
  id: number;
  familyId: number;
  role: MemberRole;
  civility: 'madame' | 'monsieur' | null;
  lastName: string;
  birthName: string | null;
  firstName: string;
  /** Calendar day, 'YYYY-MM-DD'. */
  birthDate: string | null;
  email: string | null;
  phone: string | null;
  school: string | null;
  schoolLevel: string | null;
  birthCountry?: string | null;
  birthDepartment?: string | null;
  birthCity?: string | null;
  preferredContact?: 'email' | 'telephone' | 'courrier' | null;
  addressLine?: string | null;
  postcode?: string | null;
  city?: string | null;
  allergies?: string | null;
  hasPai?: boolean | null;
  doctorName?: string | null;
  doctorPhone?: string | null;
  relationship?: string | null;
  canPickUp?: boolean | null;
  emergencyContact?: boolean | null;
}

export interface NewFamily {
  reference: string;
  name: string;
  addressLine?: string | null;
  postcode?: string | null;
  city?: string | null;
}

export type NewMember = Omit<Member, 'id' | 'familyId'>;

export interface FamilySummary extends Family {
  guardianNames: string[];
  childCount: number;
}

/** One family found by the staff search, with what the result table shows. */
export interface FamilySearchResult {
  id: number;
  reference: string;
  name: string;
  guardianNames: string[];
  guardianEmails: string[];
  childNames: string[];
}

/** A sign-in account of the family, as the staff family file shows it. */
export interface FamilyAccount {
  userId: number;
  memberId: number | null;
  firstName: string;
  lastName: string;
  email: string;
  identifier: string;
  status: 'pending_activation' | 'active' | 'disabled' | 'refused';
  lastSignInAt: Date | null;
}
