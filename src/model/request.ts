import type { FieldChange, FieldValue } from '../domain/family-fields.ts';

export type RequestType = 'member_change' | 'contact_change' | 'new_child' | 'registration' | 'absence' | 'quotient_familial' | 'sepa_mandate';

export type RequestStatus = 'pending' | 'accepted' | 'refused';

export type RequestPayload =
  | { kind: 'changes'; memberName: string; changes: FieldChange[] }
  | { kind: 'new_child'; child: Record<string, FieldValue> }
  | { kind: 'registration'; childName: string; activityName: string; schoolYear: string; startsOn: string; endsOn: string }
  | {
      kind: 'absence';
      childName: string;
      days: { day: string; activityName: string }[];
      reason: string;
      details: string | null;
      fileId: number | null;
      fileName: string | null;
    }
  | {
      kind: 'quotient_familial';
      familyName: string;
      /** Whole euros, as declared. */
      value: number;
      annualIncome: number | null;
      /** The start of validity the attestation gives. */
      attestedFrom: string;
      /** The attestation (stored_files), required. */
      fileId: number;
      fileName: string;
    }
  | {
      kind: 'sepa_mandate';
      holderName: string;
      /** Masked (« FR76 •••• … 189 »): the whole IBAN is only in the mandate (sepa_mandates). */
      ibanMasked: string;
      bic: string;
      address: string;
      postcode: string;
      city: string;
    };

export interface FamilyRequest {
  id: number;
  communeId: number;
  familyId: number;
  type: RequestType;
  memberId: number | null;
  submittedBy: number;
  submittedByName: string;
  submittedAt: Date;
  payload: RequestPayload;
  status: RequestStatus;
  decidedBy: number | null;
  decidedAt: Date | null;
  reason: string | null;
}

export interface QueuedRequest extends FamilyRequest {
  familyName: string;
  familyReference: string;
}

/** A request with the name of the agent who decided it, for the staff family file. */
export interface DecidedRequest extends FamilyRequest {
  decidedByName: string | null;
}

export interface RequestFilters {
  types?: RequestType[];
  statuses?: RequestStatus[];
}
