/** The quotient familial rows the services answer and the web presents (types only). */

export type QuotientSource = 'staff' | 'declaration';

/** One value of a family's quotient familial, as stored: whole euros, calendar days 'YYYY-MM-DD'. */
export interface FamilyQuotient {
  id: number;
  familyId: number;
  /** Whole euros. */
  value: number;
  validFrom: string;
  /** Included; null: until further notice. */
  validUntil: string | null;
  source: QuotientSource;
  /** Whole euros, when declared with the value. */
  annualIncome: number | null;
  /** The accepted declaration (a request of type `quotient_familial`). */
  requestId: number | null;
  proofFileId: number | null;
  /** The agent who set the value, or who accepted the declaration. */
  setBy: number;
  setAt: Date;
}

/** A value in a family's history, with the names of who set it and who declared it. */
export interface QuotientHistoryEntry extends FamilyQuotient {
  setByName: string;
  /** The parent who sent the declaration; null for a value staff set. */
  declaredByName: string | null;
}
