import { fieldDefinition, fieldsFor, type FieldKind, type FieldValue } from '../../domain/family-fields.ts';
import type { FamilyRequest, QueuedRequest, RequestStatus } from '../../model/request.ts';
import { REQUEST_STATUS_LABELS, REQUEST_TYPE_LABELS } from '../../i18n/request-words.ts';
import { mandateInWords } from '../../i18n/mandate-words.ts';
import { quotientDeclarationInWords } from '../../i18n/quotient-words.ts';
import type { DecisionOutcome, QueueConflict } from '../../services/family/request-queue-service.ts';
import { displayValue } from './family-presenter.ts';
import { absenceInWords, registrationInWords, REQUEST_STATUS_KINDS } from './request-history-presenter.ts';

/** The queue's type filter, by the value the URL carries (French, bookmarkable), in words. */
export const QUEUE_TYPE_FILTERS = {
  tous: 'Tous les types',
  membre: REQUEST_TYPE_LABELS.member_change,
  coordonnees: REQUEST_TYPE_LABELS.contact_change,
  enfant: REQUEST_TYPE_LABELS.new_child,
  inscription: REQUEST_TYPE_LABELS.registration,
  absence: 'Absence',
  quotient: 'Quotient familial',
  prelevement: 'Prélèvement automatique',
} as const;

/** The queue's status filter, by the value the URL carries, in words. */
export const QUEUE_STATUS_FILTERS = {
  'en-attente': 'En attente',
  acceptees: 'Acceptées',
  refusees: 'Refusées',
  toutes: 'Toutes',
} as const;

export type QueueTypeFilter = keyof typeof QUEUE_TYPE_FILTERS;
export type QueueStatusFilter = keyof typeof QUEUE_STATUS_FILTERS;

function kindOf(field: string): FieldKind | 'contactWay' {
  return fieldDefinition(field)?.kind ?? (field === 'preferredContact' ? 'contactWay' : 'text');
}

/** A member field's value in words: « Non renseigné », « Oui », « jeudi 4 mai 2018 », « Madame »… */
export function fieldValueInWords(field: string, value: FieldValue | undefined): string {
  return displayValue(kindOf(field), value);
}

export interface ChangeView {
  label: string;
  before: string;
  after: string;
}

export interface ConflictView {
  label: string;
  /** The value the family saw when asking. */
  before: string;
  /** The value now in the file. */
  current: string;
  /** The value asked for. */
  after: string;
}

export interface RequestView {
  id: number;
  typeLabel: string;
  status: RequestStatus;
  statusLabel: string;
  /** The badge's style: `tag--<statusKind>`. */
  statusKind: string;
  /** Who the request is about: the member, or the child to add. */
  subject: string;
  submittedByName: string;
  submittedAt: Date;
  decidedAt: Date | null;
  decidedByName: string | null;
  reason: string | null;
  /** Change requests: each field, before → after. */
  changes: ChangeView[];
  /** New child: every field of a child, in words. */
  child: { label: string; value: string }[];
  /** Registration: the activity and the period asked, in words. */
  registration?: string;
  /** Absence: the days, the reason and the certificate (downloaded by staff), in words. */
  absence?: { lines: string[]; certificatePath?: string; certificateName?: string };
  /** Quotient familial: the value, income and start declared, and the attestation (downloaded by staff). */
  quotient?: { lines: string[]; proofPath: string; proofName: string };
  /** Direct-debit mandate: holder, masked IBAN, BIC and address, in words. */
  mandate?: { lines: string[] };
  conflicts: ConflictView[];
  family?: { id: number; name: string; reference: string };
}

function subjectOf(request: FamilyRequest): string {
  if (request.payload.kind === 'new_child') return `${request.payload.child.firstName ?? ''} ${request.payload.child.lastName ?? ''}`.trim();
  if (request.payload.kind === 'registration' || request.payload.kind === 'absence') return request.payload.childName;
  if (request.payload.kind === 'quotient_familial') return `Famille ${request.payload.familyName}`;
  if (request.payload.kind === 'sepa_mandate') return request.payload.holderName;
  return request.payload.memberName;
}

export function presentRequest(
  request: FamilyRequest & { decidedByName?: string | null },
  conflicts: QueueConflict[] = [],
): RequestView {
  const payload = request.payload;
  return {
    id: request.id,
    typeLabel: REQUEST_TYPE_LABELS[request.type],
    status: request.status,
    statusLabel: REQUEST_STATUS_LABELS[request.status],
    statusKind: REQUEST_STATUS_KINDS[request.status],
    subject: subjectOf(request),
    submittedByName: request.submittedByName,
    submittedAt: request.submittedAt,
    decidedAt: request.decidedAt,
    decidedByName: request.decidedByName ?? null,
    reason: request.reason,
    changes:
      payload.kind === 'changes'
        ? payload.changes.map((change) => ({
            label: change.label,
            before: fieldValueInWords(change.field, change.before),
            after: fieldValueInWords(change.field, change.after),
          }))
        : [],
    child:
      payload.kind === 'new_child'
        ? fieldsFor('child').map((field) => ({ label: field.label, value: fieldValueInWords(field.key, payload.child[field.key]) }))
        : [],
    registration: payload.kind === 'registration' ? registrationInWords(payload) : undefined,
    absence:
      payload.kind === 'absence'
        ? {
            lines: absenceInWords(payload),
            ...(payload.fileId ? { certificatePath: `/admin/demandes/${request.id}/justificatif`, certificateName: payload.fileName ?? 'justificatif' } : {}),
          }
        : undefined,
    quotient:
      payload.kind === 'quotient_familial'
        ? { lines: quotientDeclarationInWords(payload), proofPath: `/admin/demandes/${request.id}/justificatif`, proofName: payload.fileName }
        : undefined,
    mandate: payload.kind === 'sepa_mandate' ? { lines: mandateInWords(payload) } : undefined,
    conflicts: conflicts.map((conflict) => ({
      label: conflict.label,
      before: fieldValueInWords(conflict.field, conflict.before),
      current: fieldValueInWords(conflict.field, conflict.current),
      after: fieldValueInWords(conflict.field, conflict.after),
    })),
  };
}

export function presentQueue(requests: QueuedRequest[], conflicts: Map<number, QueueConflict[]>): RequestView[] {
  return requests.map((request) => ({
    ...presentRequest(request, conflicts.get(request.id)),
    family: { id: request.familyId, name: request.familyName, reference: request.familyReference },
  }));
}

const plural = (count: number, one: string, many: string) => (count > 1 ? many : one);

/** The filter form's options and the queue's heading line: « 2 demandes (En attente · Tous les types). » */
export function presentQueueFilter(filter: { type: QueueTypeFilter; statut: QueueStatusFilter }, count: number) {
  const filterLabel = `${QUEUE_STATUS_FILTERS[filter.statut]} · ${QUEUE_TYPE_FILTERS[filter.type]}`;
  return {
    typeOptions: Object.entries(QUEUE_TYPE_FILTERS).map(([value, label]) => ({ value, label })),
    statusOptions: Object.entries(QUEUE_STATUS_FILTERS).map(([value, label]) => ({ value, label })),
    countLine: `${count} ${plural(count, 'demande', 'demandes')} (${filterLabel}).`,
  };
}

/** The flash after a decision: what was decided, what it overrode, what another agent had decided. */
export function decisionSummary(outcome: DecisionOutcome, accepted: boolean): string {
  const parts: string[] = [];
  const count = outcome.decided.length;
  if (count) {
    const verb = accepted ? plural(count, 'acceptée', 'acceptées') : plural(count, 'refusée', 'refusées');
    const which = outcome.decided.map(({ request }) => `n° ${request.id} (${subjectOf(request)})`).join(', ');
    parts.push(`${count} ${plural(count, 'demande', 'demandes')} ${verb} : ${which}. La famille est prévenue par e-mail.`);
  }
  for (const { request, conflicts } of outcome.decided) {
    if (conflicts.length) {
      parts.push(
        `La demande n° ${request.id} a remplacé des données modifiées depuis son envoi : ${conflicts.map((c) => c.label.toLowerCase()).join(', ')}.`,
      );
    }
  }
  if (outcome.alreadyDecided.length) {
    const ids = outcome.alreadyDecided.map((id) => `n° ${id}`).join(', ');
    parts.push(
      `${plural(outcome.alreadyDecided.length, 'Déjà traitée', 'Déjà traitées')} par un autre agent, rien n'a été changé : ${plural(outcome.alreadyDecided.length, 'demande', 'demandes')} ${ids}.`,
    );
  }
  return parts.join(' ') || 'Aucune demande traitée.';
}
