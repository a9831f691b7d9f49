/** The monthly invoicing runs the « Facturation » page shows (types only). */

export type InvoicingRunStatus = 'running' | 'issued' | 'failed';

export interface InvoicingRun {
  id: number;
  /** First day of the month billed, 'YYYY-MM-DD'. */
  month: string;
  status: InvoicingRunStatus;
  /** Families to invoice, known once the run has read the month; null before. */
  familiesTotal: number | null;
  familiesDone: number;
  invoicesIssued: number;
  totalCents: number;
  startedBy: number;
  startedByName: string;
  startedAt: Date;
  finishedAt: Date | null;
}
