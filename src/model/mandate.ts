/** A SEPA direct-debit mandate (migration 26): pending with its request, active once staff accept it. */
export type MandateStatus = 'pending' | 'active' | 'refused';

export interface Mandate {
  id: number;
  familyId: number;
  requestId: number;
  holderName: string;
  /** Whole, electronic format: shown only masked (src/domain/sepa.ts `maskIban`), never logged. */
  iban: string;
  bic: string;
  address: string;
  postcode: string;
  city: string;
  status: MandateStatus;
  /** The mandate reference (RUM), once active. */
  reference: string | null;
  /** The signature date, once active. */
  signedOn: string | null;
  firstDebitDone: boolean;
  createdAt: Date;
}

export type NewMandate = Pick<Mandate, 'familyId' | 'requestId' | 'holderName' | 'iban' | 'bic' | 'address' | 'postcode' | 'city' | 'createdAt'>;
