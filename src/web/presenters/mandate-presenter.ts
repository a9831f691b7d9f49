import { formatAmount, formatDate, formatDateTime, formatMonth } from '../../i18n/format.ts';
import { DEBIT_REJECT_REASON_LABELS, MANDATE_STATUS_LABELS } from '../../i18n/mandate-words.ts';
import { capitalise } from '../../i18n/service-name.ts';
import { DEBIT_REJECT_REASONS, type DebitFileSummary, type DebitLine, type Mandate, type MandateStatus } from '../../model/mandate.ts';
import type { MandatePage } from '../../services/payment/mandate-service.ts';

/** A mandate as the parent reads it: the IBAN always masked. */
export interface MandateView {
  statusLabel: string;
  statusKind: 'pending' | 'ok' | 'late';
  holderName: string;
  iban: string;
  bic: string;
  address: string;
  sentOn: string;
  reference?: string;
  signedOn?: string;
}

const STATUS_KINDS: Record<MandateStatus, MandateView['statusKind']> = { pending: 'pending', active: 'ok', refused: 'late' };

export function presentMandate(mandate: Mandate): MandateView {
  return {
    statusLabel: MANDATE_STATUS_LABELS[mandate.status],
    statusKind: STATUS_KINDS[mandate.status],
    holderName: mandate.holderName,
    iban: mandate.ibanMasked,
    bic: mandate.bic,
    address: `${mandate.address}, ${mandate.postcode} ${mandate.city}`,
    sentOn: formatDateTime(mandate.createdAt),
    ...(mandate.reference ? { reference: mandate.reference } : {}),
    ...(mandate.signedOn ? { signedOn: formatDate(mandate.signedOn) } : {}),
  };
}

export interface MandatePageView {
  mandates: MandateView[];
  /** Why no new mandate can be signed now, when one is active or waiting. */
  currentLine?: string;
}

/** The parent's « Prélèvement automatique » page. */
export function presentMandatePage(page: MandatePage): MandatePageView {
  const current = page.current;
  return {
    mandates: page.mandates.map(presentMandate),
    currentLine: !current
      ? undefined
      : current.status === 'active'
        ? `Vos factures sont prélevées sur le compte ${current.ibanMasked} (mandat ${current.reference}). Pour changer de compte ou arrêter le prélèvement, contactez le service.`
        : `Votre mandat du ${formatDateTime(current.createdAt)} attend la validation du service : vous recevrez sa réponse par e-mail.`,
  };
}

/** One debit of a month's file as staff read it. */
export interface DebitLineView {
  id: number;
  invoiceNumber: string;
  family: string;
  familyPath: string;
  amount: string;
  sequence: string;
  statusLabel: string;
  statusKind: 'pending' | 'ok' | 'late';
  /** A rejection can still be recorded (the debit is not collected yet). */
  rejectable: boolean;
  rejectPath: string;
}

export interface DebitFileView {
  month: string;
  collectedOn: string;
  exportedAt: string;
  total: string;
  lines: DebitLineView[];
}

export function presentDebitLine(line: DebitLine): DebitLineView {
  let statusLabel = 'Envoyé à la banque, en attente';
  let statusKind: DebitLineView['statusKind'] = 'pending';
  if (line.rejectReason) {
    statusLabel = `Rejeté (${DEBIT_REJECT_REASON_LABELS[line.rejectReason]}) le ${formatDate(line.rejectedAt!)}`;
    statusKind = 'late';
  } else if (line.paymentStatus === 'paid' || line.paymentId === null) {
    statusLabel = 'Encaissé';
    statusKind = 'ok';
  }
  return {
    id: line.id,
    invoiceNumber: line.invoiceNumber,
    family: `${line.familyName} (${line.familyReference})`,
    familyPath: `/admin/familles/${line.familyId}`,
    amount: formatAmount(line.amountCents),
    sequence: line.sequence === 'FRST' ? 'Premier prélèvement (FRST)' : 'Prélèvement récurrent (RCUR)',
    statusLabel,
    statusKind,
    rejectable: !line.rejectReason && line.paymentStatus === 'pending',
    rejectPath: `/admin/prelevements/lignes/${line.id}/rejet`,
  };
}

export function presentDebitFiles(files: DebitFileSummary[]): DebitFileView[] {
  return files.map((file) => ({
    month: capitalise(formatMonth(file.periodStart.slice(0, 7))),
    collectedOn: formatDate(file.collectionDate),
    exportedAt: formatDateTime(file.createdAt),
    total: formatAmount(file.lines.reduce((sum, line) => sum + line.amountCents, 0)),
    lines: file.lines.map(presentDebitLine),
  }));
}

/** The reasons staff choose from, as radio options. */
export const REJECT_REASON_OPTIONS = DEBIT_REJECT_REASONS.map((code) => ({ value: code, label: `${code} – ${DEBIT_REJECT_REASON_LABELS[code]}` }));
