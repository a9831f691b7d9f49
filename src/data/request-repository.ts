import type { FieldChange, FieldValue } from '../domain/family-fields.ts';
import type { Executor } from './database.ts';

export type RequestType = 'member_change' | 'contact_change' | 'new_child' | 'registration' | 'absence' | 'quotient_familial';
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

interface RequestRow {
  id: number;
  commune_id: number;
  family_id: number;
  type: RequestType;
  member_id: number | null;
  submitted_by: number;
  submitted_by_name: string;
  submitted_at: Date;
  payload: RequestPayload;
  status: RequestStatus;
  decided_by: number | null;
  decided_at: Date | null;
  reason: string | null;
}

const toRequest = (row: RequestRow): FamilyRequest => ({
  id: row.id,
  communeId: row.commune_id,
  familyId: row.family_id,
  type: row.type,
  memberId: row.member_id,
  submittedBy: row.submitted_by,
  submittedByName: row.submitted_by_name,
  submittedAt: row.submitted_at,
  payload: row.payload,
  status: row.status,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at,
  reason: row.reason,
});

export function requestRepository(db: Executor) {
  const withSubmitter = (executor: Executor) =>
    executor('requests as r')
      .join('users as u', function joinSubmitter() {
        this.on('u.commune_id', 'r.commune_id').andOn('u.id', 'r.submitted_by');
      })
      .select('r.*', executor.raw(`u.first_name || ' ' || u.last_name AS submitted_by_name`));

  return {
    async insert(
      communeId: number,
      request: { familyId: number; type: RequestType; memberId: number | null; submittedBy: number; submittedAt: Date; payload: RequestPayload },
      executor: Executor = db,
    ): Promise<number> {
      const [row] = await executor('requests')
        .insert({
          commune_id: communeId,
          family_id: request.familyId,
          type: request.type,
          member_id: request.memberId,
          submitted_by: request.submittedBy,
          submitted_at: request.submittedAt,
          payload: JSON.stringify(request.payload),
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    /** Every request of a family, whichever guardian sent it; newest first; optionally since a day. */
    async listForFamily(communeId: number, familyId: number, since?: Date, executor: Executor = db): Promise<FamilyRequest[]> {
      const query = withSubmitter(executor).where({ 'r.commune_id': communeId, 'r.family_id': familyId });
      if (since) query.andWhere('r.submitted_at', '>=', since);
      const rows = (await query.orderBy('r.submitted_at', 'desc').orderBy('r.id', 'desc')) as RequestRow[];
      return rows.map(toRequest);
    },

    /** The staff queue: oldest first, with the family's name and file number. */
    async listQueue(communeId: number, filters: RequestFilters, executor: Executor = db): Promise<QueuedRequest[]> {
      const query = withSubmitter(executor)
        .join('families as f', function joinFamily() {
          this.on('f.commune_id', 'r.commune_id').andOn('f.id', 'r.family_id');
        })
        .select('f.name as family_name', 'f.reference as family_reference')
        .where('r.commune_id', communeId);
      if (filters.types?.length) query.whereIn('r.type', filters.types);
      if (filters.statuses?.length) query.whereIn('r.status', filters.statuses);
      const rows = (await query.orderBy('r.submitted_at').orderBy('r.id').limit(500)) as (RequestRow & {
        family_name: string;
        family_reference: string;
      })[];
      return rows.map((row) => ({ ...toRequest(row), familyName: row.family_name, familyReference: row.family_reference }));
    },

    /** Locks a pending request for its decision; undefined if unknown here or already decided. */
    async lockPending(communeId: number, requestId: number, executor: Executor): Promise<FamilyRequest | undefined> {
      const row = await withSubmitter(executor)
        .where({ 'r.commune_id': communeId, 'r.id': requestId, 'r.status': 'pending' })
        .forUpdate('r')
        .first();
      return row && toRequest(row as RequestRow);
    },

    async recordDecision(
      communeId: number,
      requestId: number,
      decision: { status: 'accepted' | 'refused'; decidedBy: number; decidedAt: Date; reason: string | null },
      executor: Executor,
    ) {
      await executor('requests').where({ commune_id: communeId, id: requestId }).update({
        status: decision.status,
        decided_by: decision.decidedBy,
        decided_at: decision.decidedAt,
        reason: decision.reason,
      });
    },

    /** Every request of a family with who decided it, newest first (the staff family file). */
    async listForFamilyWithDecider(communeId: number, familyId: number, executor: Executor = db): Promise<DecidedRequest[]> {
      const rows = (await withSubmitter(executor)
        .leftJoin('users as d', function joinDecider() {
          this.on('d.commune_id', 'r.commune_id').andOn('d.id', 'r.decided_by');
        })
        .select(executor.raw(`d.first_name || ' ' || d.last_name AS decided_by_name`))
        .where({ 'r.commune_id': communeId, 'r.family_id': familyId })
        .orderBy('r.submitted_at', 'desc')
        .orderBy('r.id', 'desc')) as (RequestRow & { decided_by_name: string | null })[];
      return rows.map((row) => ({ ...toRequest(row), decidedByName: row.decided_by_name }));
    },

    async countPendingForFamily(communeId: number, familyId: number, executor: Executor = db): Promise<number> {
      const [row] = await executor('requests')
        .where({ commune_id: communeId, family_id: familyId, status: 'pending' })
        .count<{ count: number }[]>('* as count');
      return row!.count;
    },
  };
}

export type RequestRepository = ReturnType<typeof requestRepository>;
