import { fieldsFor } from '../../domain/family-fields.ts';
import type { FamilyRequest, RequestStatus } from '../../model/request.ts';
import { formatDate, formatDateTime } from '../../i18n/format.ts';
import { absenceDaysInWords, REQUEST_STATUS_LABELS, REQUEST_TYPE_LABELS } from '../../i18n/request-words.ts';
import { mandateInWords } from '../../i18n/mandate-words.ts';
import { quotientDeclarationInWords } from '../../i18n/quotient-words.ts';
import { changeInWords, displayValue } from './family-presenter.ts';

/**
 * A request status's badge style (`tag--<kind>`, `request--<kind>`), for parents' and staff pages
 * alike: the label carries the meaning, the colour only repeats it.
 */
export const REQUEST_STATUS_KINDS: Record<RequestStatus, 'pending' | 'ok' | 'late'> = {
  pending: 'pending',
  accepted: 'ok',
  refused: 'late',
};

/** A family's request as the parents read it, on the dashboard and in the history. */
export interface FamilyRequestView {
  id: number;
  typeLabel: string;
  /** Who the request is about (« Tom Fontaine »). */
  about: string;
  /** What was asked, one line each: « Classe : CE2 → CM1 ». */
  details: string[];
  submittedAt: string;
  submittedBy: string;
  statusLabel: string;
  statusKind: string;
  decidedOn?: string;
  reason?: string;
}

/** « Restauration scolaire, année 2026-2027 (du … au …) » */
export function registrationInWords(payload: { activityName: string; schoolYear: string; startsOn: string; endsOn: string }): string {
  return `${payload.activityName}, année ${payload.schoolYear} (du ${formatDate(payload.startsOn)} au ${formatDate(payload.endsOn)})`;
}

/** A new child in words: each field the parent filled in. */
function childInWords(child: Record<string, unknown>): string[] {
  return fieldsFor('child')
    .filter((field) => child[field.key] !== undefined && child[field.key] !== null && child[field.key] !== '')
    .map((field) => `${field.label} : ${displayValue(field.kind, child[field.key] as string | boolean)}`);
}

/** An absence request in words: the days, the reason, whether a certificate came with it. */
export function absenceInWords(payload: { days: { day: string; activityName: string }[]; reason: string; details: string | null; fileName: string | null }): string[] {
  return [
    `Jours : ${absenceDaysInWords(payload.days)}`,
    `Motif : ${payload.reason}${payload.details ? ` – ${payload.details}` : ''}`,
    payload.fileName ? `Justificatif joint : ${payload.fileName}` : 'Sans justificatif',
  ];
}

export function presentFamilyRequest(request: FamilyRequest): FamilyRequestView {
  const payload = request.payload;
  return {
    id: request.id,
    typeLabel: REQUEST_TYPE_LABELS[request.type],
    about:
      payload.kind === 'changes'
        ? payload.memberName
        : payload.kind === 'registration' || payload.kind === 'absence'
          ? payload.childName
          : payload.kind === 'quotient_familial'
            ? `Famille ${payload.familyName}`
            : payload.kind === 'sepa_mandate'
              ? payload.holderName
              : `${String(payload.child.firstName)} ${String(payload.child.lastName)}`,
    details:
      payload.kind === 'changes'
        ? payload.changes.map(changeInWords)
        : payload.kind === 'registration'
          ? [registrationInWords(payload)]
          : payload.kind === 'absence'
            ? absenceInWords(payload)
            : payload.kind === 'quotient_familial'
              ? quotientDeclarationInWords(payload)
              : payload.kind === 'sepa_mandate'
                ? mandateInWords(payload)
                : childInWords(payload.child),
    submittedAt: formatDateTime(request.submittedAt),
    submittedBy: request.submittedByName,
    statusLabel: REQUEST_STATUS_LABELS[request.status],
    statusKind: REQUEST_STATUS_KINDS[request.status],
    decidedOn: request.decidedAt ? formatDate(request.decidedAt) : undefined,
    reason: request.reason ?? undefined,
  };
}

export const presentFamilyRequests = (requests: FamilyRequest[]) => requests.map(presentFamilyRequest);
