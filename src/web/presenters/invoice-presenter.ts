import { formatAmount, formatDate } from '../../i18n/format.ts';
import {
  chargeWords,
  dayCountWords,
  daysByMonth,
  INVOICE_KIND_LABELS,
  invoicePeriodWords,
  invoiceQuotientWords,
  invoiceStatusLabel,
} from '../../i18n/invoice-words.ts';
import { debitInWords } from '../../i18n/mandate-words.ts';
import { formatWholeEuros, validityInWords } from '../../i18n/quotient-words.ts';
import { priceRuleWords, siblingReductionWords } from '../../i18n/tariff-words.ts';
import type { ActivityCost, Invoice, InvoiceBalance, InvoiceLine, InvoiceStatus, InvoiceWithLines } from '../../model/invoice.ts';
import type { InvoiceDebit } from '../../model/mandate.ts';
import type { AccountSummary } from '../../services/billing/invoice-service.ts';
import { presentQuotient, type QuotientView } from './quotient-presenter.ts';

/**
 * Invoices as the parent's pages show them (DESIGN §6 `/factures`, `/compte`): statuses in words with
 * a colour that only repeats them, amounts, periods, the rule of each line and its days in words.
 */

/** The tag class of each status; the tag always holds the word too. */
const STATUS_CLASSES: Record<InvoiceStatus, string> = {
  due: 'tag--due',
  overdue: 'tag--late',
  settled: 'tag--ok',
  in_payment: 'tag--pending',
};

export interface StatusView {
  label: string;
  className: string;
}

export const presentStatus = (invoice: Pick<Invoice, 'status' | 'kind'>): StatusView => ({
  label: invoiceStatusLabel(invoice.status, invoice.kind),
  className: STATUS_CLASSES[invoice.status],
});

/** The two lists of `/factures`, by the value of `?statut=`. */
export const INVOICE_FILTERS = [
  { value: 'a-payer', label: 'À payer', settled: false },
  { value: 'soldees', label: 'Soldées', settled: true },
] as const;

export type InvoiceFilter = (typeof INVOICE_FILTERS)[number]['value'];

export interface InvoiceRowView {
  id: number;
  path: string;
  pdfPath: string;
  /** « Facture », « Avoir » */
  kindLabel: string;
  number: string;
  period: string;
  amount: string;
  /** Invoices only: a credit note has nothing to pay. */
  dueOn?: string;
  status: StatusView;
  /** For a family on direct debit: « Sera prélevée à son échéance, le … », « Prélevée le … ». */
  debit?: string;
}

export function presentInvoiceRow(invoice: Invoice, debit?: InvoiceDebit): InvoiceRowView {
  return {
    id: invoice.id,
    path: `/factures/${invoice.id}`,
    pdfPath: `/factures/${invoice.id}.pdf`,
    kindLabel: INVOICE_KIND_LABELS[invoice.kind],
    number: invoice.number,
    period: invoicePeriodWords(invoice),
    amount: formatAmount(invoice.totalCents),
    dueOn: invoice.kind === 'invoice' ? formatDate(invoice.dueOn) : undefined,
    status: presentStatus(invoice),
    ...(debit ? { debit: debitInWords(debit) } : {}),
  };
}

export interface BalanceView {
  due: string;
  overdue: string;
  hasDue: boolean;
  hasOverdue: boolean;
  /** « 42,50 € à payer, dont 7,00 € en retard », « Vous n'avez aucune facture à payer. » */
  sentence: string;
}

export function presentBalance(balance: InvoiceBalance): BalanceView {
  const due = formatAmount(balance.dueCents);
  const overdue = formatAmount(balance.overdueCents);
  let sentence = "Vous n'avez aucune facture à payer.";
  if (balance.dueCents > 0) sentence = balance.overdueCents > 0 ? `${due} à payer, dont ${overdue} en retard.` : `${due} à payer.`;
  return { due, overdue, hasDue: balance.dueCents > 0, hasOverdue: balance.overdueCents > 0, sentence };
}

export interface InvoiceListView {
  filters: { value: InvoiceFilter; label: string; current: boolean; path: string }[];
  current: { value: InvoiceFilter; label: string };
  rows: InvoiceRowView[];
  /** « Aucune facture à payer. » when the list is empty. */
  empty: string;
  balance: BalanceView;
}

export function presentInvoiceList(filter: InvoiceFilter, invoices: Invoice[], balance: InvoiceBalance, debits: ReadonlyMap<number, InvoiceDebit> = new Map()): InvoiceListView {
  const current = INVOICE_FILTERS.find((candidate) => candidate.value === filter)!;
  return {
    filters: INVOICE_FILTERS.map((candidate) => ({
      value: candidate.value,
      label: candidate.label,
      current: candidate.value === filter,
      path: `/factures?statut=${candidate.value}`,
    })),
    current: { value: current.value, label: current.label },
    rows: invoices.map((invoice) => presentInvoiceRow(invoice, debits.get(invoice.id))),
    empty: current.settled ? 'Aucune facture soldée pour le moment.' : "Aucune facture à payer : vous êtes à jour.",
    balance: presentBalance(balance),
  };
}

export interface InvoiceLineView {
  id: number;
  childName: string;
  activityName: string;
  /** « présences sans réservation »: said where the line does not bill plain bookings. */
  charge?: string;
  unitPrice: string;
  /** « tranche 451 à 700 € · réduction fratrie 10 % » */
  rule: string;
  quantity: number;
  reduction?: string;
  amount: string;
  /** « 10 jours » */
  dayCount: string;
  /** One entry per month: « 2, 3, 5, 6 novembre ». */
  days: string[];
}

export function presentInvoiceLine(line: InvoiceLine): InvoiceLineView {
  return {
    id: line.id,
    childName: line.childName,
    activityName: line.activityName,
    charge: chargeWords(line.charge),
    unitPrice: formatAmount(line.unitPriceCents),
    rule: [priceRuleWords(line.rule), line.siblingReductionPercent ? siblingReductionWords(line.siblingReductionPercent) : undefined].filter(Boolean).join(' · '),
    quantity: line.quantity,
    reduction: line.reductionCents ? formatAmount(-line.reductionCents) : undefined,
    amount: formatAmount(line.amountCents),
    dayCount: dayCountWords(line.days.length),
    days: daysByMonth(line.days),
  };
}

export interface InvoiceDetailView extends InvoiceRowView {
  /** « Facture FAC-2026-000123 » */
  title: string;
  issuedOn: string;
  quotient: string;
  /** « vendredi 4 décembre 2026 », for a settled invoice (the due date says the rest). */
  settledOn?: string;
  lines: InvoiceLineView[];
  /** Shown when a line has a reduction. */
  gross?: string;
  reductions?: string;
  totalLabel: string;
  creditFor?: { path: string; number: string };
  reason?: string;
  /** The credit notes correcting this invoice. */
  creditNotes: InvoiceRowView[];
  pdfLabel: string;
}

export function presentInvoiceDetail(invoice: InvoiceWithLines, creditNotes: Invoice[] = [], debit?: InvoiceDebit): InvoiceDetailView {
  const kind = INVOICE_KIND_LABELS[invoice.kind];
  const gross = invoice.lines.reduce((sum, line) => sum + line.grossCents, 0);
  const reductions = invoice.lines.reduce((sum, line) => sum + line.reductionCents, 0);
  return {
    ...presentInvoiceRow(invoice, debit),
    title: `${kind} ${invoice.number}`,
    issuedOn: formatDate(invoice.issuedAt),
    quotient: invoiceQuotientWords(invoice.quotient),
    settledOn: invoice.kind === 'invoice' && invoice.settledAt ? formatDate(invoice.settledAt) : undefined,
    lines: invoice.lines.map(presentInvoiceLine),
    gross: reductions ? formatAmount(gross) : undefined,
    reductions: reductions ? formatAmount(-reductions) : undefined,
    totalLabel: invoice.kind === 'credit_note' ? "Montant de l'avoir" : 'Total',
    creditFor: invoice.creditFor ? { path: `/factures/${invoice.creditFor.id}`, number: invoice.creditFor.number } : undefined,
    reason: invoice.reason ?? undefined,
    creditNotes: creditNotes.map((note) => presentInvoiceRow(note)),
    pdfLabel: `Télécharger ${invoice.kind === 'credit_note' ? "l'avoir" : 'la facture'} ${invoice.number} (PDF)`,
  };
}

export interface ActivityCostView {
  childName: string;
  activityName: string;
  /** « 34 jours » */
  days: string;
  amount: string;
}

export interface ActivityCostsView {
  rows: ActivityCostView[];
  total: string;
}

/** « Mon compte »: what each child's activity cost this school year. */
export function presentActivityCosts(costs: ActivityCost[]): ActivityCostsView {
  return {
    rows: costs.map((cost) => ({
      childName: cost.childName,
      activityName: cost.activityName,
      days: dayCountWords(cost.days),
      amount: formatAmount(cost.amountCents),
    })),
    total: formatAmount(costs.reduce((sum, cost) => sum + cost.amountCents, 0)),
  };
}

export interface AccountView {
  balance: BalanceView;
  children: { name: string; birthDate?: string }[];
  /** The quotient valid today; undefined: the sentence `noQuotient` says the top price applies. */
  quotient?: QuotientView;
  noQuotient: string;
  upcomingQuotients: QuotientView[];
  /** « 24 000 € », declared with the quotient of « 620 € », valid « du … au … ». */
  declaredIncome?: { income: string; quotient: string; validity: string };
  /** `/quotient-familial` where the commune takes declarations. */
  declarationPath?: string;
  /** « 2026-2027 » */
  schoolYear: string;
  costs: ActivityCostsView;
  invoices: InvoiceRowView[];
}

/** « Mon compte »: the balance, the children, the quotient and the declared income, the costs, the invoices. */
export function presentAccount(summary: AccountSummary): AccountView {
  const declared = summary.lastDeclaredIncome;
  return {
    balance: presentBalance(summary.balance),
    children: summary.children.map((child) => ({
      name: `${child.firstName} ${child.lastName}`,
      birthDate: child.birthDate ? formatDate(child.birthDate) : undefined,
    })),
    quotient: summary.quotient && presentQuotient(summary.quotient),
    noQuotient: "Aucun quotient familial n'est valable aujourd'hui pour votre famille : le tarif maximum s'applique.",
    upcomingQuotients: summary.upcomingQuotients.map(presentQuotient),
    declaredIncome: declared && {
      income: formatWholeEuros(declared.annualIncome),
      quotient: formatWholeEuros(declared.value),
      validity: validityInWords(declared.validFrom, declared.validUntil),
    },
    declarationPath: summary.declarationsEnabled ? '/quotient-familial' : undefined,
    schoolYear: summary.schoolYear.name,
    costs: presentActivityCosts(summary.costs),
    invoices: summary.invoices.map((invoice) => presentInvoiceRow(invoice)),
  };
}
