import type { InvoicingRun, InvoicingRunStatus } from '../model/invoicing-run.ts';
import type { Executor } from './database.ts';

interface RunRow {
  id: number;
  month: string;
  status: InvoicingRunStatus;
  families_total: number | null;
  families_done: number;
  invoices_issued: number;
  total_cents: number;
  started_by: number;
  started_by_name: string;
  started_at: Date;
  finished_at: Date | null;
}

const toRun = (row: RunRow): InvoicingRun => ({
  id: row.id,
  month: row.month,
  status: row.status,
  familiesTotal: row.families_total,
  familiesDone: row.families_done,
  invoicesIssued: row.invoices_issued,
  totalCents: row.total_cents,
  startedBy: row.started_by,
  startedByName: row.started_by_name,
  startedAt: row.started_at,
  finishedAt: row.finished_at,
});

/**
 * The invoicing runs (migration 24). A run's row is written outside the run's transaction (so the
 * page sees it and its progress while the run works), and finished inside it (`issued` commits with
 * the invoices) or after its rollback (`failed`).
 */
export function invoicingRunRepository(db: Executor) {
  return {
    async start(communeId: number, month: string, startedBy: number, at: Date, executor: Executor = db): Promise<number> {
      const [row] = await executor('invoicing_runs')
        .insert({ commune_id: communeId, month, status: 'running', started_by: startedBy, started_at: at })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    /**
     * Serialises the runs of one month of a commune until the end of the transaction: a second run
     * started at once waits here, then finds the families the first one invoiced.
     */
    async lockMonth(communeId: number, month: string, executor: Executor): Promise<void> {
      await executor.raw(`SELECT pg_advisory_xact_lock(hashtext('invoicing'), hashtext(? || ':' || ?))`, [String(communeId), month]);
    },

    async progress(communeId: number, runId: number, done: number, total: number, executor: Executor = db): Promise<void> {
      await executor('invoicing_runs')
        .where({ commune_id: communeId, id: runId, status: 'running' })
        .update({ families_done: done, families_total: total });
    },

    async finish(
      communeId: number,
      runId: number,
      outcome: { status: 'issued' | 'failed'; invoicesIssued: number; totalCents: number; familiesTotal: number | null; at: Date },
      executor: Executor = db,
    ): Promise<void> {
      await executor('invoicing_runs')
        .where({ commune_id: communeId, id: runId })
        .update({
          status: outcome.status,
          invoices_issued: outcome.invoicesIssued,
          total_cents: outcome.totalCents,
          families_total: outcome.familiesTotal,
          ...(outcome.status === 'issued' && outcome.familiesTotal !== null ? { families_done: outcome.familiesTotal } : {}),
          finished_at: outcome.at,
        });
    },

    async find(communeId: number, runId: number, executor: Executor = db): Promise<InvoicingRun | undefined> {
      const rows = await runsQuery(executor, communeId).where('r.id', runId);
      return rows[0] ? toRun(rows[0]) : undefined;
    },

    /** The runs of a month, the latest first. */
    async listForMonth(communeId: number, month: string, executor: Executor = db): Promise<InvoicingRun[]> {
      const rows = await runsQuery(executor, communeId).where('r.month', month).orderBy('r.started_at', 'desc').orderBy('r.id', 'desc');
      return rows.map(toRun);
    },
  };
}

function runsQuery(executor: Executor, communeId: number) {
  return executor('invoicing_runs as r')
    .join('users as u', function joinStarter() {
      this.on('u.commune_id', 'r.commune_id').andOn('u.id', 'r.started_by');
    })
    .where('r.commune_id', communeId)
    .select<RunRow[]>('r.*', executor.raw(`u.first_name || ' ' || u.last_name AS started_by_name`));
}

export type InvoicingRunRepository = ReturnType<typeof invoicingRunRepository>;
