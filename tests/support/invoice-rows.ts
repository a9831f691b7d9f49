import type { NewInvoice, NewInvoiceLine } from '../../src/data/invoice-repository.ts';
import { demoAgent, type FreshFamily } from './fresh-family.ts';
import type { TestApp } from './test-app.ts';

/*
 * Invoices written straight through the invoice repository, as the invoicing run writes them: the
 * parent's pages are tested on rows whose every amount and day the test chose.
 */

export interface FixtureLine {
  memberId: number;
  childName: string;
  days: string[];
  unitPriceCents: number;
  /** Default: the commune's first activity. */
  activity?: { id: number; name: string };
  reductionCents?: number;
  siblingReductionPercent?: number;
}

export interface FixtureInvoice {
  /** 'YYYY-MM' */
  month: string;
  number: string;
  issuedAt: Date;
  dueOn: string;
  quotient?: number | null;
  settledAt?: Date | null;
  lines: FixtureLine[];
}

export async function firstActivity(t: TestApp, communeId: number): Promise<{ id: number; name: string }> {
  const row = await t.runtime.db('activities').where({ commune_id: communeId }).orderBy('id').first();
  return { id: row.id as number, name: row.name as string };
}

function lastDayOf(month: string): string {
  const [year, number] = month.split('-').map(Number) as [number, number];
  return `${month}-${String(new Date(Date.UTC(year, number, 0)).getUTCDate()).padStart(2, '0')}`;
}

async function linesOf(t: TestApp, family: FreshFamily, lines: FixtureLine[], sign: 1 | -1): Promise<NewInvoiceLine[]> {
  const fallback = await firstActivity(t, family.commune.id);
  return lines.map((line) => {
    const activity = line.activity ?? fallback;
    const gross = sign * line.unitPriceCents * line.days.length;
    const reduction = sign * (line.reductionCents ?? 0);
    return {
      memberId: line.memberId,
      childName: line.childName,
      activityId: activity.id,
      activityName: activity.name,
      charge: 'booked',
      unitPriceCents: line.unitPriceCents,
      quantity: line.days.length,
      grossCents: gross,
      siblingReductionPercent: line.siblingReductionPercent ?? 0,
      reductionCents: reduction,
      amountCents: gross - reduction,
      rule: { kind: 'bracket', from: 451, upTo: 700, top: false },
      days: line.days,
      creditForLineId: null,
    };
  });
}

/** An issued invoice of `family` for a month; its id. */
export async function insertInvoice(t: TestApp, family: FreshFamily, invoice: FixtureInvoice): Promise<number> {
  const { user: staff } = await demoAgent(t, family.commune.slug);
  const lines = await linesOf(t, family, invoice.lines, 1);
  const row: NewInvoice = {
    familyId: family.familyId,
    kind: 'invoice',
    number: invoice.number,
    familyName: family.name,
    familyReference: `F-${family.familyId}`,
    periodStart: `${invoice.month}-01`,
    periodEnd: lastDayOf(invoice.month),
    issuedAt: invoice.issuedAt,
    issuedBy: staff.id,
    dueOn: invoice.dueOn,
    totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
    quotient: invoice.quotient === undefined ? 620 : invoice.quotient,
    creditForInvoiceId: null,
    reason: null,
    runId: null,
    settledAt: invoice.settledAt ?? null,
    lines,
  };
  return t.runtime.repositories.invoices.insert(family.commune.id, row);
}

/** A credit note correcting `invoiceId` by the days of `lines`; its id. */
export async function insertCreditNote(
  t: TestApp,
  family: FreshFamily,
  invoiceId: number,
  note: { number: string; month: string; issuedAt: Date; reason: string; lines: FixtureLine[] },
): Promise<number> {
  const { user: staff } = await demoAgent(t, family.commune.slug);
  const lines = await linesOf(t, family, note.lines, -1);
  return t.runtime.repositories.invoices.insert(family.commune.id, {
    familyId: family.familyId,
    kind: 'credit_note',
    number: note.number,
    familyName: family.name,
    familyReference: `F-${family.familyId}`,
    periodStart: `${note.month}-01`,
    periodEnd: lastDayOf(note.month),
    issuedAt: note.issuedAt,
    issuedBy: staff.id,
    dueOn: note.issuedAt.toISOString().slice(0, 10),
    totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
    quotient: 620,
    creditForInvoiceId: invoiceId,
    reason: note.reason,
    runId: null,
    settledAt: note.issuedAt,
    lines,
  });
}
