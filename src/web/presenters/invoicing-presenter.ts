import { INVOICE_KIND_LABELS } from '../../i18n/invoice-words.ts';
import { presentStatus } from './invoice-presenter.ts';
import type { InvoiceLine, InvoiceWithLines, Invoice } from '../../model/invoice.ts';
import type { InvoicingRun } from '../../model/invoicing-run.ts';
import type { ComputedLine } from '../../domain/invoicing.ts';
import type { InvoicingPage, StaffInvoice } from '../../services/billing/invoicing-service.ts';
import { formatAmount, formatDate, formatDateTime, formatDateWithoutYear } from '../../i18n/format.ts';
import {
  CHARGE_WORDS,
  RUN_STATUS_WORDS,
  daysWords,
  familiesWords,
  monthWords,
} from '../../i18n/invoicing-words.ts';
import { formatWholeEuros } from '../../i18n/quotient-words.ts';
import { priceRuleWords, siblingReductionWords } from '../../i18n/tariff-words.ts';
import { pageLinks } from '../paging.ts';

/** Families of the preview shown per page: a large commune's month is read a page at a time. */
export const PREVIEW_PAGE_SIZE = 50;

export interface LineView {
  childName: string;
  activityName: string;
  chargeLabel: string;
  quantity: string;
  unitPrice: string;
  gross: string;
  /** « −1,40 € (réduction fratrie 10 %) », or null. */
  reduction: string | null;
  amount: string;
  rule: string;
  /** « Le jour », « Les 6 jours »: what expands to the days. */
  daysLabel: string;
  days: string[];
}

/** « 2026-10-01 » ↔ « 2026-10 », the month as the page's address writes it. */
export const monthParam = (month: string) => month.slice(0, 7);

const quotientWords = (quotient: number | null) => (quotient === null ? 'non connu : tarif maximum' : formatWholeEuros(quotient));

function presentLine(line: ComputedLine | InvoiceLine): LineView {
  return {
    childName: line.childName,
    activityName: line.activityName,
    chargeLabel: CHARGE_WORDS[line.charge],
    quantity: daysWords(line.quantity),
    unitPrice: formatAmount(line.unitPriceCents),
    gross: formatAmount(line.grossCents),
    reduction: line.reductionCents ? `${formatAmount(-line.reductionCents)} (${siblingReductionWords(line.siblingReductionPercent)})` : null,
    amount: formatAmount(line.amountCents),
    rule: priceRuleWords(line.rule),
    daysLabel: line.quantity === 1 ? 'Le jour' : `Les ${daysWords(line.quantity)}`,
    days: line.days.map((day) => formatDateWithoutYear(day)),
  };
}

function presentRun(run: InvoicingRun) {
  const progress =
    run.familiesTotal === null ? 'lecture du mois' : `${run.familiesDone} famille${run.familiesDone > 1 ? 's' : ''} sur ${run.familiesTotal}`;
  return {
    id: run.id,
    status: RUN_STATUS_WORDS[run.status],
    running: run.status === 'running',
    startedBy: run.startedByName,
    startedAt: formatDateTime(run.startedAt),
    progress,
    issued: run.status === 'issued' ? (run.invoicesIssued ? `${run.invoicesIssued} facture${run.invoicesIssued > 1 ? 's' : ''}, ${formatAmount(run.totalCents)}` : 'rien de nouveau') : '',
  };
}

function presentInvoiceRow(invoice: Invoice) {
  const status = presentStatus(invoice);
  return {
    id: invoice.id,
    number: invoice.number,
    familyName: invoice.familyName,
    familyReference: invoice.familyReference,
    total: formatAmount(invoice.totalCents),
    dueOn: formatDate(invoice.dueOn),
    statusLabel: status.label,
    statusTag: status.className,
  };
}

/** « Facturation » for a month: the month chooser, the preview (a page of families), the runs and the invoices issued. */
export function presentInvoicingPage(page: InvoicingPage, pageNumber: number) {
  const { preview } = page;
  const pageCount = Math.max(1, Math.ceil(preview.families.length / PREVIEW_PAGE_SIZE));
  const current = Math.min(pageNumber, pageCount);
  const shown = preview.families.slice((current - 1) * PREVIEW_PAGE_SIZE, current * PREVIEW_PAGE_SIZE);
  return {
    month: monthParam(page.month),
    monthLabel: monthWords(page.month),
    months: page.months.map((month) => ({ value: monthParam(month), label: monthWords(month), selected: month === page.month })),
    issuable: page.issuable,
    canIssue: page.issuable && preview.families.length > 0,
    preview: {
      familyCount: preview.families.length,
      familyCountWords: familiesWords(preview.families.length),
      total: formatAmount(preview.totalCents),
      alreadyInvoiced: preview.alreadyInvoiced
        ? `${familiesWords(preview.alreadyInvoiced)} déjà facturée${preview.alreadyInvoiced > 1 ? 's' : ''} pour ce mois : ${preview.alreadyInvoiced > 1 ? 'elles ne le seront' : 'elle ne le sera'} pas une seconde fois.`
        : null,
      totals: preview.totals.map((total) => ({ activityName: total.activityName, days: daysWords(total.days), amount: formatAmount(total.amountCents) })),
      families: shown.map((family) => ({
        id: family.familyId,
        name: family.familyName,
        reference: family.familyReference,
        quotient: quotientWords(family.quotient),
        resident: family.resident ? null : 'hors commune',
        total: formatAmount(family.totalCents),
        lines: family.lines.map(presentLine),
      })),
      ...pageLinks(current, pageCount),
    },
    runs: page.runs.map(presentRun),
    runningRun: page.runs.some((run) => run.status === 'running'),
    invoices: page.invoices.map(presentInvoiceRow),
  };
}

function presentInvoiceHeader(invoice: InvoiceWithLines) {
  const status = presentStatus(invoice);
  return {
    id: invoice.id,
    number: invoice.number,
    kind: invoice.kind,
    kindLabel: INVOICE_KIND_LABELS[invoice.kind],
    familyId: invoice.familyId,
    familyName: invoice.familyName,
    familyReference: invoice.familyReference,
    period: `${monthWords(invoice.periodStart)}, du ${formatDate(invoice.periodStart)} au ${formatDate(invoice.periodEnd)}`,
    issuedAt: formatDateTime(invoice.issuedAt),
    dueOn: formatDate(invoice.dueOn),
    status: invoice.status,
    statusLabel: status.label,
    statusTag: status.className,
    quotient: quotientWords(invoice.quotient),
    creditFor: invoice.creditFor,
    reason: invoice.reason,
    total: formatAmount(invoice.totalCents),
    settledAt: invoice.settledAt ? formatDateTime(invoice.settledAt) : null,
    linesCaption: `Lignes ${invoice.kind === 'invoice' ? 'de la facture' : 'de l’avoir'} n° ${invoice.number}, chacune avec ses jours`,
    lines: invoice.lines.map(presentLine),
  };
}

/** One invoice or credit note for staff: its lines and days, the credit notes correcting it, whether another can be issued. */
export function presentStaffInvoice(staffInvoice: StaffInvoice) {
  return {
    ...presentInvoiceHeader(staffInvoice.invoice),
    creditNotes: staffInvoice.creditNotes.map((note) => ({
      id: note.id,
      number: note.number,
      total: formatAmount(note.totalCents),
      issuedAt: formatDateTime(note.issuedAt),
      reason: note.reason ?? '',
    })),
    canCredit: staffInvoice.invoice.kind === 'invoice' && staffInvoice.creditableLineIds.length > 0,
    month: monthParam(staffInvoice.invoice.periodStart),
  };
}
