export interface AuditEntry {
  id: number;
  staffId: number;
  staffName: string;
  occurredAt: Date;
  action: string;
  entity: string;
  entityId: number | null;
  familyId: number | null;
  before: unknown;
  after: unknown;
}

/** An entry of the commune's journal, with the family it concerns (when it concerns one). */
export interface JournalEntry extends AuditEntry {
  familyName: string | null;
  familyReference: string | null;
  /** The member or the request's member (or new child) the entry is about, by name. */
  subjectName: string | null;
}
