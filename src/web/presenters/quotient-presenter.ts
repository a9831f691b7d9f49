import { formatDateTime } from '../../i18n/format.ts';
import { formatWholeEuros, QUOTIENT_SOURCE_LABELS, validityInWords } from '../../i18n/quotient-words.ts';
import type { FamilyQuotient, QuotientHistoryEntry } from '../../model/quotient.ts';
import type { DeclarationPage } from '../../services/family/quotient-service.ts';
import { presentFamilyRequest, type FamilyRequestView } from './request-history-presenter.ts';

/** A value of the quotient familial as a parent reads it: « 620 € », « du … au … ». */
export interface QuotientView {
  value: string;
  validity: string;
}

export const presentQuotient = (quotient: FamilyQuotient): QuotientView => ({
  value: formatWholeEuros(quotient.value),
  validity: validityInWords(quotient.validFrom, quotient.validUntil),
});

export interface DeclarationPageView {
  current?: QuotientView;
  upcoming: QuotientView[];
  declarations: (FamilyRequestView & { proofPath: string })[];
  /** « Votre déclaration du … attend la réponse du service. » */
  pendingLine?: string;
}

/** The parent's « Quotient familial » page; each declaration's attestation downloads from `/justificatifs/:id`. */
export function presentDeclarationPage(page: DeclarationPage): DeclarationPageView {
  return {
    current: page.current && presentQuotient(page.current),
    upcoming: page.upcoming.map(presentQuotient),
    declarations: page.declarations.map((request) => ({ ...presentFamilyRequest(request), proofPath: `/justificatifs/${request.id}` })),
    pendingLine: page.pending
      ? `Votre déclaration du ${formatDateTime(page.pending.submittedAt)} attend la réponse du service : vous pourrez en faire une nouvelle une fois qu'elle sera traitée.`
      : undefined,
  };
}

/** A line of the family's history as staff read it in the family file. */
export interface QuotientHistoryRow {
  id: number;
  value: string;
  validity: string;
  sourceLabel: string;
  /** « Nadia Roux, le jeudi 26 novembre 2026 à 10h59 » */
  setBy: string;
  /** « Déclaré par Claire Martin (demande n° 12) », or nothing for a value staff set. */
  declaration?: string;
  annualIncome?: string;
  proofPath?: string;
}

export function presentQuotientHistory(entries: QuotientHistoryEntry[]): QuotientHistoryRow[] {
  return entries.map((entry) => ({
    id: entry.id,
    value: formatWholeEuros(entry.value),
    validity: validityInWords(entry.validFrom, entry.validUntil),
    sourceLabel: QUOTIENT_SOURCE_LABELS[entry.source],
    setBy: `${entry.setByName}, le ${formatDateTime(entry.setAt)}`,
    declaration:
      entry.requestId === null ? undefined : `Déclaré par ${entry.declaredByName ?? 'la famille'} (demande n° ${entry.requestId}), accepté par ${entry.setByName}`,
    annualIncome: entry.annualIncome === null ? undefined : formatWholeEuros(entry.annualIncome),
    proofPath: entry.requestId === null ? undefined : `/admin/demandes/${entry.requestId}/justificatif`,
  }));
}
