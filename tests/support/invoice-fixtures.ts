import fs from 'node:fs';
import path from 'node:path';
import { parseCommuneFile } from '../../src/config/commune-file.ts';
import type { Commune } from '../../src/model/commune.ts';
import type { InvoiceLine, InvoiceWithLines } from '../../src/model/invoice.ts';

/** A commune as the repository returns it, from a shipped commune file (no database). */
export function communeFromFile(slug: 'echirolles' | 'lemesnilsaintdenis' | 'villennes', id = 1): Commune {
  const file = parseCommuneFile(`${slug}.json`, JSON.parse(fs.readFileSync(path.resolve(`seeds/communes/${slug}.json`), 'utf8')));
  const { slug: fileSlug, name, ...settings } = file;
  return { id, slug: fileSlug, name, holidayZone: file.holidayZone, settings };
}

export function invoiceLine(overrides: Partial<InvoiceLine> = {}): InvoiceLine {
  const days = overrides.days ?? ['2026-11-03', '2026-11-04', '2026-11-06', '2026-11-10'];
  const unitPriceCents = overrides.unitPriceCents ?? 425;
  const quantity = overrides.quantity ?? days.length;
  const grossCents = overrides.grossCents ?? unitPriceCents * quantity;
  const reductionCents = overrides.reductionCents ?? 0;
  return {
    id: 1,
    memberId: 11,
    childName: 'Léa Martin',
    activityId: 3,
    activityName: 'Restauration scolaire',
    charge: 'booked',
    unitPriceCents,
    quantity,
    grossCents,
    siblingReductionPercent: 0,
    reductionCents,
    amountCents: grossCents - reductionCents,
    rule: { kind: 'bracket', from: 451, upTo: 700, top: false },
    days,
    ...overrides,
  };
}

/**
 * The November 2026 invoice of the Martin family: Léa's meals (10 × 4,25 € = 42,50 €), then
 * whatever lines a test adds. Due on Tuesday 15 December 2026.
 */
export function invoiceFixture(overrides: Partial<InvoiceWithLines> = {}): InvoiceWithLines {
  const lines = overrides.lines ?? [
    invoiceLine({
      days: ['2026-11-02', '2026-11-03', '2026-11-05', '2026-11-06', '2026-11-09', '2026-11-10', '2026-11-12', '2026-11-13', '2026-11-16', '2026-11-17'],
    }),
  ];
  return {
    id: 7,
    communeId: 1,
    familyId: 5,
    familyName: 'Martin',
    familyReference: 'F-0001',
    kind: 'invoice',
    number: 'FAC-2026-000123',
    periodStart: '2026-11-01',
    periodEnd: '2026-11-30',
    issuedAt: new Date('2026-12-01T08:00:00Z'),
    dueOn: '2026-12-15',
    totalCents: lines.reduce((sum, line) => sum + line.amountCents, 0),
    quotient: 620,
    creditFor: null,
    reason: null,
    settledAt: null,
    status: 'due',
    lines,
    ...overrides,
  };
}
