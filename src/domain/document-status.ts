import type { CalendarDay } from './calendar/calendar-day.ts';

/**
 * Where a requested document stands (issue 13 items 1–3), computed when read from its sendings and
 * today's Paris day — no job moves a document to « expiré »: its validity end passing is enough.
 *
 * - an accepted sending still valid today (`validUntil` is the last valid day) → accepted, even if
 *   a newer sending is being checked or was refused (a renewal does not undo what staff accepted);
 * - otherwise the newest sending decides: pending → being checked, refused → refused (reason),
 *   accepted → expired;
 * - no sending → missing.
 */
export type DocumentState =
  | { code: 'missing' }
  | { code: 'pending'; submittedAt: Date }
  | { code: 'accepted'; validUntil: CalendarDay }
  | { code: 'refused'; reason: string }
  | { code: 'expired'; validUntil: CalendarDay };

export interface SendingFacts {
  status: 'pending' | 'accepted' | 'refused';
  submittedAt: Date;
  validUntil: CalendarDay | null;
  refusalReason: string | null;
}

/** `sendings` in the order they were sent (oldest first). */
export function documentState(sendings: readonly SendingFacts[], today: CalendarDay): DocumentState {
  const valid = sendings
    .filter((sending) => sending.status === 'accepted' && sending.validUntil !== null && sending.validUntil >= today)
    .map((sending) => sending.validUntil!)
    .sort();
  if (valid.length) return { code: 'accepted', validUntil: valid.at(-1)! };
  // Sendings come oldest first; the (stable) sort keeps that order between sendings of the same instant.
  const newest = [...sendings].sort((a, b) => a.submittedAt.getTime() - b.submittedAt.getTime()).at(-1);
  if (!newest) return { code: 'missing' };
  switch (newest.status) {
    case 'pending':
      return { code: 'pending', submittedAt: newest.submittedAt };
    case 'refused':
      return { code: 'refused', reason: newest.refusalReason ?? '' };
    case 'accepted':
      return { code: 'expired', validUntil: newest.validUntil! };
  }
}

/**
 * Whether a mandatory document lets a registration or a booking through: only once staff accepted
 * it and until its validity end. Sent but not checked yet still blocks (« envoyé ET validé »).
 */
export const isSatisfied = (state: DocumentState) => state.code === 'accepted';

/** What the family still has to do about a document: send it (missing, refused, expired). */
export const isToSend = (state: DocumentState) => state.code === 'missing' || state.code === 'refused' || state.code === 'expired';

export interface RequirementFacts {
  /** The commune's document types: code and scope. */
  types: readonly { code: string; scope: 'family' | 'child' }[];
  /** Activity id → the codes of its required documents. */
  requiredByActivity: ReadonlyMap<number, readonly string[]>;
  /** The children's registrations still running (validated or pending), with their activity. */
  registrations: readonly { memberId: number; activityId: number; status: string; endsOn: CalendarDay }[];
}

/**
 * Which documents are asked of a family, and for which activities: a per-child type is asked for a
 * child one of whose registrations, validated or pending and not ended, is to an activity requiring
 * it; a family-wide type is asked as soon as one child needs it. Answers, per `code` and member
 * (null: the family), the activity ids requiring it.
 */
export function askedDocuments(facts: RequirementFacts, today: CalendarDay): Map<string, { code: string; memberId: number | null; activityIds: number[] }> {
  const scopes = new Map(facts.types.map((type) => [type.code, type.scope]));
  const asked = new Map<string, { code: string; memberId: number | null; activityIds: number[] }>();
  for (const registration of facts.registrations) {
    if ((registration.status !== 'validated' && registration.status !== 'pending') || registration.endsOn < today) continue;
    for (const code of facts.requiredByActivity.get(registration.activityId) ?? []) {
      const scope = scopes.get(code);
      if (!scope) continue;
      const memberId = scope === 'child' ? registration.memberId : null;
      const key = documentKey(code, memberId);
      const entry = asked.get(key) ?? { code, memberId, activityIds: [] };
      if (!entry.activityIds.includes(registration.activityId)) entry.activityIds.push(registration.activityId);
      asked.set(key, entry);
    }
  }
  return asked;
}

/** « attestation-assurance.12 » for a child's document, « justificatif-domicile » for the family's. */
export const documentKey = (code: string, memberId: number | null) => (memberId === null ? code : `${code}.${memberId}`);

export function parseDocumentKey(key: string): { code: string; memberId: number | null } | undefined {
  const match = /^([a-z0-9-]{1,60})(?:\.(\d{1,9}))?$/.exec(key);
  return match ? { code: match[1]!, memberId: match[2] ? Number(match[2]) : null } : undefined;
}
