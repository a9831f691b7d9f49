import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewInvoice } from '../../src/data/invoice-repository.ts';
import { addChild, demoAgent, freshFamily, type FreshFamily } from '../support/fresh-family.ts';
import { buildTestApp, type TestApp } from '../support/test-app.ts';

// Monday 23 November 2026.
const NOW = new Date('2026-11-23T09:00:00+01:00');
const SLUG = 'echirolles';

let t: TestApp;
beforeAll(() => {
  t = buildTestApp(NOW);
});
afterAll(() => t.close());

async function anActivity(communeId: number) {
  const row = await t.runtime.db('activities').where({ commune_id: communeId }).orderBy('id').first();
  return { id: row.id as number, name: row.name as string };
}

/** An invoice written straight through the repository, as the run writes it. */
async function invoiceFor(family: FreshFamily, childId: number, staffId: number, fields: Partial<NewInvoice> & { number: string; periodStart: string }) {
  const activity = await anActivity(family.commune.id);
  const days = ['2026-10-05', '2026-10-06'];
  return t.runtime.repositories.invoices.insert(family.commune.id, {
    familyId: family.familyId,
    kind: 'invoice',
    familyName: family.name,
    familyReference: 'F-TEST',
    periodEnd: fields.periodStart.slice(0, 8) + '28',
    issuedAt: NOW,
    issuedBy: staffId,
    dueOn: '2026-11-15',
    totalCents: 700,
    quotient: 450,
    creditForInvoiceId: null,
    reason: null,
    runId: null,
    settledAt: null,
    lines: [
      {
        memberId: childId,
        childName: 'Jade',
        activityId: activity.id,
        activityName: activity.name,
        charge: 'booked',
        unitPriceCents: 350,
        quantity: 2,
        grossCents: 700,
        siblingReductionPercent: 0,
        reductionCents: 0,
        amountCents: 700,
        rule: { kind: 'bracket', from: 0, upTo: 450, top: false },
        days,
        creditForLineId: null,
      },
    ],
    ...fields,
  });
}

describe('the invoice repository', () => {
  it('reads a family’s invoices with their status, lines, days, balance and cost per activity; another family’s is undefined', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Repo' });
    const other = await freshFamily(t, SLUG, { prefix: 'Autre' });
    const childId = await addChild(t, family);
    const { user: staff } = await demoAgent(t, SLUG);
    const invoices = t.runtime.repositories.invoices;
    const october = await invoiceFor(family, childId, staff.id, { number: `FAC-T-${family.familyId}-1`, periodStart: '2026-10-01', dueOn: '2026-11-15' });
    const november = await invoiceFor(family, childId, staff.id, { number: `FAC-T-${family.familyId}-2`, periodStart: '2026-11-01', dueOn: '2026-12-15' });

    const open = await invoices.listForFamily(family.commune.id, family.familyId, { settled: false, today: '2026-11-23' });
    expect(open.map((invoice) => [invoice.id, invoice.status])).toEqual([
      [november, 'due'],
      [october, 'overdue'],
    ]);
    expect(await invoices.balance(family.commune.id, family.familyId, '2026-11-23')).toEqual({ dueCents: 1400, overdueCents: 700 });

    const found = await invoices.findWithLines(family.commune.id, family.familyId, october, '2026-11-23');
    expect(found?.lines[0]).toMatchObject({ days: ['2026-10-05', '2026-10-06'], amountCents: 700, rule: { kind: 'bracket', upTo: 450 } });
    expect(await invoices.findWithLines(family.commune.id, other.familyId, october, '2026-11-23')).toBeUndefined();

    expect(await invoices.settle(family.commune.id, october, NOW)).toBe(true);
    expect(await invoices.settle(family.commune.id, october, NOW)).toBe(false);
    const settled = await invoices.listForFamily(family.commune.id, family.familyId, { settled: true, today: '2026-11-23' });
    expect(settled.map((invoice) => [invoice.id, invoice.status])).toEqual([[october, 'settled']]);
    expect(await invoices.balance(family.commune.id, family.familyId, '2026-11-23')).toEqual({ dueCents: 700, overdueCents: 0 });

    const costs = await invoices.costPerActivity(family.commune.id, family.familyId, '2026-09-01', '2027-08-31');
    expect(costs).toEqual([expect.objectContaining({ memberId: childId, days: 4, amountCents: 1400 })]);
  });

  it('refuses to change an issued invoice or its lines, except recording its settlement once', async () => {
    const family = await freshFamily(t, SLUG, { prefix: 'Immuable' });
    const childId = await addChild(t, family);
    const { user: staff } = await demoAgent(t, SLUG);
    const id = await invoiceFor(family, childId, staff.id, { number: `FAC-T-${family.familyId}-1`, periodStart: '2026-10-01' });
    const db = t.runtime.db;
    await expect(db('invoice_lines').where({ invoice_id: id }).update({ amount_cents: 1 })).rejects.toThrow(/cannot be changed/);
    await expect(db('invoice_lines').where({ invoice_id: id }).delete()).rejects.toThrow(/cannot be changed/);
    await expect(db('invoices').where({ id }).update({ total_cents: 1 })).rejects.toThrow(/cannot be changed/);
    await expect(db('invoices').where({ id }).delete()).rejects.toThrow(/cannot be deleted/);
    await db('invoices').where({ id }).update({ settled_at: NOW });
    await expect(db('invoices').where({ id }).update({ settled_at: null })).rejects.toThrow(/cannot be changed/);
    await expect(invoiceFor(family, childId, staff.id, { number: `FAC-T-${family.familyId}-2`, periodStart: '2026-10-01' })).rejects.toThrow(
      /invoices_one_per_family_and_month/,
    );
  });
});
