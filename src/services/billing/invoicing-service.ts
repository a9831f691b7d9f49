import { parisDay } from '../../domain/calendar/paris-time.ts';
import type { Clock } from '../../domain/clock.ts';
import { NotFoundError } from '../../domain/errors.ts';
import { PaymentRefusedError } from '../../domain/payment-rules.ts';
import { refused } from '../../domain/refusals.ts';
import {
  dueOn,
  invoiceFamily,
  invoiceNumber,
  isResident,
  monthPeriod,
  totalsPerActivity,
  type ComputedInvoice,
  type ComputedLine,
  type FamilyMonth,
  type InvoicingActivity,
} from '../../domain/invoicing.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { Transaction } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { NewInvoiceLine } from '../../data/invoice-repository.ts';
import type { MonthFacts } from '../../data/invoicing-facts-repository.ts';
import type { User } from '../../data/user-repository.ts';
import type { Invoice, InvoiceWithLines } from '../../model/invoice.ts';
import type { InvoicingRun } from '../../model/invoicing-run.ts';
import type { CalendarService } from '../booking/calendar-service.ts';
import { windowOptions } from '../booking/booking-steps.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import type { QuotientService } from '../family/quotient-service.ts';

/** One family's invoice-to-be in a preview: the same lines the run writes. */
export interface PreviewFamily {
  familyId: number;
  familyName: string;
  familyReference: string;
  quotient: number | null;
  resident: boolean;
  lines: ComputedLine[];
  totalCents: number;
}

export interface ActivityTotal {
  activityId: number;
  activityName: string;
  days: number;
  amountCents: number;
}

/** What « Émettre les factures » would issue for a month: families not invoiced yet, with a line at least. */
export interface InvoicingPreview {
  month: string;
  periodStart: string;
  periodEnd: string;
  families: PreviewFamily[];
  totals: ActivityTotal[];
  totalCents: number;
  /** Families of the month invoiced already (by an earlier run): the run leaves them alone. */
  alreadyInvoiced: number;
}

/** What a run did: `issued` invoices (0: « déjà facturé : rien de nouveau »), their numbers' range. */
export interface InvoicingOutcome {
  runId: number;
  month: string;
  issued: number;
  totalCents: number;
  firstNumber: string | null;
  lastNumber: string | null;
  alreadyInvoiced: number;
}

export interface CreditNoteOutcome {
  creditNoteId: number;
  number: string;
  totalCents: number;
  invoiceId: number;
  invoiceNumber: string;
}

/** What staff see of one invoice: its lines, the credit notes correcting it, the lines still creditable. */
export interface StaffInvoice {
  invoice: InvoiceWithLines;
  creditNotes: InvoiceWithLines[];
  creditableLineIds: number[];
}

export interface InvoicingPage {
  months: string[];
  month: string;
  preview: InvoicingPreview;
  invoices: Invoice[];
  runs: InvoicingRun[];
  /** Whether the month is over: a month is issued once its last day has passed. */
  issuable: boolean;
}

/** Test-only seams, given to the factory by a test, never set globally. */
export interface InvoicingHooks {
  /** Called in the run's transaction after each family's invoice is written (1-based count). */
  afterFamily?: (done: number, total: number) => void | Promise<void>;
  /**
   * Called in a credit note's transaction, under the invoice's lock: the payment area owes back
   * what a credit note takes off an invoice already paid (issue 18).
   */
  creditNoteIssued?: (commune: Commune, creditNote: { id: number; invoiceId: number; totalCents: number }, trx: Transaction) => Promise<void>;
}

/** How often the run writes its progress: about fifty times a run, every family for a small one. */
const progressStep = (total: number) => Math.max(1, Math.floor(total / 50));

/**
 * The monthly invoicing run (DESIGN §7 Invoices, §11 Gap-free numbers; README « Facturation »).
 *
 * `issue` is ONE transaction for the whole month: a failure anywhere issues nothing, and the
 * counters' increments roll back with it, so numbers stay gap-free. Two runs of the same month
 * are serialised by a transaction-scoped advisory lock on (commune, month); the second one then
 * finds every family invoiced (the partial unique index makes it a database fact too) and issues
 * nothing. Because the run's own writes are invisible until it commits, its progress is written to
 * the run's row through another connection of the pool (each update its own short transaction);
 * the row exists before the run's transaction starts, and records `failed` after a rollback.
 */
export function invoicingService(
  repositories: Repositories,
  clock: Clock,
  calendars: CalendarService,
  quotients: Pick<QuotientService, 'validOnForFamilies'>,
  hooks: InvoicingHooks = {},
) {
  const { db, invoices, invoicingRuns: runs, invoicingFacts: facts, counters, audit, activities: activityRepository } = repositories;
  const forms = formSubmissions(repositories, clock);

  const today = () => parisDay(clock.now());

  function requireMonth(month: string): string {
    if (!/^\d{4}-(0[1-9]|1[0-2])-01$/.test(month)) throw new NotFoundError(`not a month: ${month}`);
    return month;
  }

  /** The month's invoices-to-be, computed from facts read in a fixed number of queries. */
  async function compute(commune: Commune, month: string, trx?: Transaction) {
    const executor = trx ?? db;
    const { start, end } = monthPeriod(month);
    const monthFacts = await facts.monthFacts(commune.id, start, end, executor);
    const invoiced = await invoices.familiesInvoiced(commune.id, start, executor);
    const pending = monthFacts.families.filter((family) => !invoiced.has(family.id));
    const quotientOf = await quotients.validOnForFamilies(
      commune.id,
      pending.map((family) => family.id),
      start,
      trx,
    );
    const activityIds = [...new Set([...monthFacts.bookings, ...monthFacts.attendance].map((fact) => fact.activityId))];
    const activityRows = await activityRepository.listByIds(commune.id, activityIds, executor);
    const calendar = calendars.calendarOf(commune);
    const communeMonth = {
      month,
      calendar,
      windowOptions: windowOptions(calendar),
      activities: activityRows.map(
        (activity): InvoicingActivity => ({
          id: activity.id,
          name: activity.name,
          kind: activity.kind,
          days: activity.days,
          rules: { booking: activity.rules.booking, cancelling: activity.rules.cancelling, tariff: activity.rules.tariff },
        }),
      ),
    };
    const byFamily = groupByFamily(monthFacts);
    const residence = { name: commune.name, residentCities: commune.settings.billing.residentCities };
    const families: PreviewFamily[] = [];
    for (const family of pending) {
      const own = byFamily.get(family.id);
      const qf = quotientOf.get(family.id)?.value ?? null;
      const resident = isResident(family, residence);
      const computed: ComputedInvoice = invoiceFamily(communeMonth, {
        familyId: family.id,
        qf,
        resident,
        children: own?.children ?? [],
        registrations: own?.registrations ?? [],
        bookings: own?.bookings ?? [],
        attendance: own?.attendance ?? [],
        justifiedAbsences: own?.justifiedAbsences ?? [],
      });
      if (!computed.lines.length) continue;
      families.push({
        familyId: family.id,
        familyName: family.name,
        familyReference: family.reference,
        quotient: qf,
        resident,
        lines: computed.lines,
        totalCents: computed.totalCents,
      });
    }
    const names = new Map(activityRows.map((activity) => [activity.id, activity.name]));
    const totals = [...totalsPerActivity(families.map((family) => ({ familyId: family.familyId, qf: family.quotient, lines: family.lines, totalCents: family.totalCents })))]
      .map(([activityId, total]) => ({ activityId, activityName: names.get(activityId) ?? '', ...total }))
      .sort((a, b) => a.activityId - b.activityId);
    const preview: InvoicingPreview = {
      month,
      periodStart: start,
      periodEnd: end,
      families,
      totals,
      totalCents: families.reduce((sum, family) => sum + family.totalCents, 0),
      alreadyInvoiced: invoiced.size,
    };
    return preview;
  }

  async function requireInvoice(commune: Commune, invoiceId: number, executor?: Transaction): Promise<InvoiceWithLines> {
    const invoice = await invoices.findForCommune(commune.id, invoiceId, today(), executor);
    if (!invoice) throw new NotFoundError(`invoice ${invoiceId} not in commune ${commune.id}`);
    return invoice;
  }

  return {
    today,

    /** The month staff see by default: the previous one. */
    defaultMonth(): string {
      const [year, month] = today().split('-').map(Number) as [number, number];
      return month === 1 ? `${year - 1}-12-01` : `${year}-${String(month - 1).padStart(2, '0')}-01`;
    },

    /** The preview: per family its lines and total, the run's totals per activity. */
    async preview(commune: Commune, month: string): Promise<InvoicingPreview> {
      return compute(commune, requireMonth(month));
    },

    /** « Facturation » for a month: the months to choose from, the preview, what was issued, the runs. */
    async page(commune: Commune, month: string): Promise<InvoicingPage> {
      requireMonth(month);
      const [months, preview, issued, monthRuns] = [
        await facts.monthsWithActivity(commune.id),
        await compute(commune, month),
        await invoices.listForMonth(commune.id, month, today()),
        await runs.listForMonth(commune.id, month),
      ];
      return {
        months: months.includes(month) ? months : [month, ...months].sort().reverse(),
        month,
        preview,
        invoices: issued,
        runs: monthRuns,
        issuable: monthPeriod(month).end < today(),
      };
    },

    async run(commune: Commune, runId: number): Promise<InvoicingRun> {
      const run = await runs.find(commune.id, runId);
      if (!run) throw new NotFoundError(`run ${runId} not in commune ${commune.id}`);
      return run;
    },

    /**
     * Issues the month's invoices: every family with a billed day that has no invoice for the
     * month yet, in one transaction. A month not over yet is refused (its days are still moving).
     * `formKey`: the same form posted twice runs once and answers the first outcome.
     */
    async issue(commune: Commune, staff: User, month: string, formKey?: string): Promise<InvoicingOutcome> {
      requireMonth(month);
      const { start, end } = monthPeriod(month);
      const submission = submissionOf(commune, staff, 'invoicing_run', formKey);
      const replayed = await forms.replay<InvoicingOutcome>(submission);
      if (replayed) return replayed.outcome;
      if (end >= today()) {
        throw refused([{ field: 'mois', refusal: { code: 'month_not_over' } }], 409);
      }
      const runId = await runs.start(commune.id, month, staff.id, clock.now());
      let outcome: InvoicingOutcome;
      try {
        outcome = await forms.transaction(submission, async (trx) => {
          await runs.lockMonth(commune.id, month, trx);
          const preview = await compute(commune, month, trx);
          const issuedAt = clock.now();
          const issueDay = parisDay(issuedAt);
          const year = Number(issueDay.slice(0, 4));
          const due = dueOn(issueDay, commune.settings.billing.dueDays);
          const total = preview.families.length;
          const step = progressStep(total);
          await runs.progress(commune.id, runId, 0, total);
          const numbers: string[] = [];
          // The run's numbers in one step, in this transaction: a rollback gives them all back.
          const first = total ? await counters.reserve(commune.id, 'invoice', year, total, trx) : 0;
          for (const [index, family] of preview.families.entries()) {
            const number = invoiceNumber('invoice', year, first + index);
            numbers.push(number);
            await invoices.insert(
              commune.id,
              {
                familyId: family.familyId,
                kind: 'invoice',
                number,
                familyName: family.familyName,
                familyReference: family.familyReference,
                periodStart: start,
                periodEnd: end,
                issuedAt,
                issuedBy: staff.id,
                dueOn: due,
                totalCents: family.totalCents,
                quotient: family.quotient,
                creditForInvoiceId: null,
                reason: null,
                runId,
                settledAt: null,
                lines: family.lines.map((line): NewInvoiceLine => ({ ...line, creditForLineId: null })),
              },
              trx,
            );
            const done = index + 1;
            // Through the pool, not `trx`: the page must see it while this transaction is open.
            if (done % step === 0 && done < total) await runs.progress(commune.id, runId, done, total);
            await hooks.afterFamily?.(done, total);
          }
          const result: InvoicingOutcome = {
            runId,
            month,
            issued: numbers.length,
            totalCents: preview.totalCents,
            firstNumber: numbers[0] ?? null,
            lastNumber: numbers.at(-1) ?? null,
            alreadyInvoiced: preview.alreadyInvoiced,
          };
          await runs.finish(commune.id, runId, { status: 'issued', invoicesIssued: numbers.length, totalCents: preview.totalCents, familiesTotal: total, at: clock.now() }, trx);
          await audit.record(
            commune.id,
            {
              staffId: staff.id,
              occurredAt: issuedAt,
              action: 'invoicing_run',
              entity: 'invoicing_run',
              entityId: runId,
              familyId: null,
              after: { month, issued: result.issued, totalCents: result.totalCents, firstNumber: result.firstNumber, lastNumber: result.lastNumber },
            },
            trx,
          );
          return result;
        });
      } catch (error) {
        await runs.finish(commune.id, runId, { status: 'failed', invoicesIssued: 0, totalCents: 0, familiesTotal: null, at: clock.now() });
        throw error;
      }
      if (outcome.runId !== runId) {
        // The same form, posted twice at once: the first run's outcome is the answer; this one issued nothing.
        await runs.finish(commune.id, runId, { status: 'issued', invoicesIssued: 0, totalCents: 0, familiesTotal: 0, at: clock.now() });
      }
      return outcome;
    },

    /** Any invoice of the commune, for staff, with the credit notes that correct it. */
    async invoiceForStaff(commune: Commune, invoiceId: number): Promise<StaffInvoice> {
      const invoice = await requireInvoice(commune, invoiceId);
      const creditNotes = invoice.kind === 'invoice' ? await invoices.creditNotesFor(commune.id, invoice.id, today()) : [];
      const credited = invoice.kind === 'invoice' ? await invoices.creditedLineIds(commune.id, invoice.id) : new Set<number>();
      return { invoice, creditNotes, creditableLineIds: invoice.lines.filter((line) => !credited.has(line.id)).map((line) => line.id) };
    },

    /**
     * A credit note (« avoir ») correcting an invoice: the lines given (all those not credited yet
     * when `lineIds` is 'all'), with negative amounts, numbered « AV-… » gap-free, settled from its
     * issue; the invoice itself never changes. When it leaves nothing to pay on an unpaid invoice,
     * the invoice is recorded settled. Audited.
     */
    async creditNote(
      commune: Commune,
      staff: User,
      invoiceId: number,
      input: { reason: string; lineIds: 'all' | number[] },
      formKey?: string,
    ): Promise<CreditNoteOutcome> {
      const reason = input.reason.trim();
      if (!reason) throw refused([{ field: 'motif', refusal: { code: 'credit_note_reason_missing' } }]);
      const submission = submissionOf(commune, staff, 'credit_note', formKey);
      const replayed = await forms.replay<CreditNoteOutcome>(submission);
      if (replayed) return replayed.outcome;
      return forms.transaction(submission, async (trx) => {
        await invoices.lock(commune.id, invoiceId, trx);
        const invoice = await requireInvoice(commune, invoiceId, trx);
        if (invoice.kind !== 'invoice') throw new NotFoundError(`${invoice.number} is a credit note`);
        // A payment under way holds the invoice: crediting it now would let the payment be counted in
        // full against an invoice that owes less (issue 18). Read under the invoice's lock, which
        // opening a payment also takes: the two cannot cross.
        const holder = await repositories.payments.pendingHolder(commune.id, invoice.id, trx);
        if (holder) {
          throw new PaymentRefusedError(
            { code: 'credit_note_held', invoiceNumber: invoice.number, method: holder.method, until: holder.expiresAt, collectionDate: holder.collectionDate },
            'motif',
            409,
          );
        }
        const credited = await invoices.creditedLineIds(commune.id, invoice.id, trx);
        const open = invoice.lines.filter((line) => !credited.has(line.id));
        const wanted = input.lineIds === 'all' ? open : open.filter((line) => (input.lineIds as number[]).includes(line.id));
        if (input.lineIds !== 'all' && wanted.length !== new Set(input.lineIds).size) {
          throw refused([{ field: 'lignes', refusal: { code: 'credit_note_line_unavailable' } }]);
        }
        if (!wanted.length) {
          throw refused([{ field: 'motif', refusal: { code: 'invoice_fully_credited' } }], 409);
        }
        const issuedAt = clock.now();
        const issueDay = parisDay(issuedAt);
        const year = Number(issueDay.slice(0, 4));
        const number = invoiceNumber('credit_note', year, await counters.next(commune.id, 'credit_note', year, trx));
        const lines: NewInvoiceLine[] = wanted.map((line) => ({
          memberId: line.memberId,
          childName: line.childName,
          activityId: line.activityId,
          activityName: line.activityName,
          charge: line.charge,
          unitPriceCents: line.unitPriceCents,
          quantity: line.quantity,
          grossCents: -line.grossCents,
          siblingReductionPercent: line.siblingReductionPercent,
          reductionCents: -line.reductionCents,
          amountCents: -line.amountCents,
          rule: line.rule,
          days: line.days,
          creditForLineId: line.id,
        }));
        const totalCents = lines.reduce((sum, line) => sum + line.amountCents, 0);
        const creditNoteId = await invoices.insert(
          commune.id,
          {
            familyId: invoice.familyId,
            kind: 'credit_note',
            number,
            familyName: invoice.familyName,
            familyReference: invoice.familyReference,
            periodStart: invoice.periodStart,
            periodEnd: invoice.periodEnd,
            issuedAt,
            issuedBy: staff.id,
            dueOn: issueDay,
            totalCents,
            quotient: invoice.quotient,
            creditForInvoiceId: invoice.id,
            reason,
            runId: null,
            settledAt: issuedAt,
            lines,
          },
          trx,
        );
        if (invoice.settledAt === null && wanted.length === open.length) await invoices.settle(commune.id, invoice.id, issuedAt, trx);
        await hooks.creditNoteIssued?.(commune, { id: creditNoteId, invoiceId: invoice.id, totalCents }, trx);
        const outcome: CreditNoteOutcome = { creditNoteId, number, totalCents, invoiceId: invoice.id, invoiceNumber: invoice.number };
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: issuedAt,
            action: 'credit_note_issued',
            entity: 'invoice',
            entityId: creditNoteId,
            familyId: invoice.familyId,
            after: { number, creditFor: invoice.number, totalCents, reason },
          },
          trx,
        );
        return outcome;
      });
    },
  };
}

/** The month's facts of each family, in the shapes the domain takes. */
function groupByFamily(monthFacts: MonthFacts) {
  type Own = Omit<FamilyMonth, 'familyId' | 'qf' | 'resident'> & {
    children: FamilyMonth['children'][number][];
    registrations: FamilyMonth['registrations'][number][];
    bookings: FamilyMonth['bookings'][number][];
    attendance: FamilyMonth['attendance'][number][];
    justifiedAbsences: FamilyMonth['justifiedAbsences'][number][];
  };
  const byFamily = new Map<number, Own>();
  const own = (familyId: number): Own => {
    let entry = byFamily.get(familyId);
    if (!entry) {
      entry = { children: [], registrations: [], bookings: [], attendance: [], justifiedAbsences: [] };
      byFamily.set(familyId, entry);
    }
    return entry;
  };
  for (const child of monthFacts.children) {
    own(child.familyId).children.push({ id: child.id, name: `${child.firstName} ${child.lastName}`, birthDate: child.birthDate });
  }
  for (const registration of monthFacts.registrations) own(registration.familyId).registrations.push(registration);
  for (const booking of monthFacts.bookings) own(booking.familyId).bookings.push(booking);
  for (const mark of monthFacts.attendance) own(mark.familyId).attendance.push(mark);
  for (const absence of monthFacts.justifiedAbsences) own(absence.familyId).justifiedAbsences.push(absence);
  return byFamily;
}

export type InvoicingService = ReturnType<typeof invoicingService>;
