import { describe, expect, it } from 'vitest';
import { daysByMonth, daysInWords, invoiceStatusSentence } from '../../src/i18n/invoice-words.ts';
import {
  presentActivityCosts,
  presentBalance,
  presentInvoiceDetail,
  presentInvoiceList,
  presentInvoiceRow,
  presentStatus,
} from '../../src/web/presenters/invoice-presenter.ts';
import { invoiceFixture, invoiceLine } from '../support/invoice-fixtures.ts';

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

describe('the days a line bills, in words', () => {
  it.each([
    [['2026-11-03', '2026-11-04', '2026-11-06', '2026-11-10'], ['3, 4, 6, 10 novembre']],
    [['2026-12-01', '2026-11-30', '2026-12-02'], ['30 novembre', '1er, 2 décembre']],
    [['2027-01-04'], ['4 janvier']],
    [[], []],
  ])('groups %j by month as %j', (days, expected) => {
    expect(daysByMonth(days)).toEqual(expected);
  });

  it('joins the months with a semicolon', () => {
    expect(daysInWords(['2026-11-30', '2026-12-01'])).toBe('30 novembre ; 1er décembre');
  });
});

describe('the status of an invoice', () => {
  it.each([
    ['due', 'À payer', 'tag--due'],
    ['overdue', 'En retard', 'tag--late'],
    ['settled', 'Soldée', 'tag--ok'],
    ['in_payment', 'En cours de paiement', 'tag--pending'],
  ] as const)('%s reads « %s » (and a colour that only repeats it: %s)', (status, label, className) => {
    expect(presentStatus({ status, kind: 'invoice' })).toEqual({ label, className });
  });

  it('says a settled credit note in the masculine', () => {
    expect(presentStatus({ status: 'settled', kind: 'credit_note' }).label).toBe('Soldé');
  });

  it('gives the date in the sentence: the due date to pay before, the day it was settled', () => {
    const invoice = invoiceFixture();
    expect(invoiceStatusSentence(invoice)).toBe('À payer avant le mardi 15 décembre 2026');
    expect(invoiceStatusSentence({ ...invoice, status: 'overdue' })).toBe('En retard : à payer avant le mardi 15 décembre 2026');
    expect(invoiceStatusSentence({ ...invoice, status: 'settled', settledAt: new Date('2026-12-01T23:30:00Z') })).toBe('Soldée le mercredi 2 décembre 2026');
  });
});

describe('presentInvoiceRow', () => {
  it('gives the number, the period in words, the amount, the due date, the links', () => {
    const row = presentInvoiceRow(invoiceFixture());
    expect({ ...row, amount: nbsp(row.amount) }).toEqual({
      id: 7,
      path: '/factures/7',
      pdfPath: '/factures/7.pdf',
      kindLabel: 'Facture',
      number: 'FAC-2026-000123',
      period: 'novembre 2026',
      amount: '42,50 €',
      dueOn: 'mardi 15 décembre 2026',
      status: { label: 'À payer', className: 'tag--due' },
    });
  });

  it('gives no due date to a credit note', () => {
    const row = presentInvoiceRow(invoiceFixture({ kind: 'credit_note', number: 'AV-2026-000001', totalCents: -850, status: 'settled' }));
    expect(row.dueOn).toBeUndefined();
    expect(row.kindLabel).toBe('Avoir');
    expect(nbsp(row.amount)).toBe('-8,50 €');
  });
});

describe('presentBalance', () => {
  it.each([
    [{ dueCents: 0, overdueCents: 0 }, "Vous n'avez aucune facture à payer.", false],
    [{ dueCents: 4250, overdueCents: 0 }, '42,50 € à payer.', true],
    [{ dueCents: 4950, overdueCents: 700 }, '49,50 € à payer, dont 7,00 € en retard.', true],
  ])('%j reads « %s »', (balance, sentence, hasDue) => {
    const view = presentBalance(balance);
    expect(nbsp(view.sentence)).toBe(sentence);
    expect(view.hasDue).toBe(hasDue);
    expect(view.hasOverdue).toBe(balance.overdueCents > 0);
  });
});

describe('presentInvoiceList', () => {
  it('marks the current filter and says an empty list in words', () => {
    const due = presentInvoiceList('a-payer', [], { dueCents: 0, overdueCents: 0 });
    expect(due.filters.map((filter) => [filter.label, filter.current, filter.path])).toEqual([
      ['À payer', true, '/factures?statut=a-payer'],
      ['Soldées', false, '/factures?statut=soldees'],
    ]);
    expect(due.empty).toBe('Aucune facture à payer : vous êtes à jour.');
    expect(presentInvoiceList('soldees', [], { dueCents: 0, overdueCents: 0 }).empty).toBe('Aucune facture soldée pour le moment.');
  });
});

describe('presentInvoiceDetail', () => {
  it('lists each line with its rule, reduction and days by month, and the totals', () => {
    const lines = [
      invoiceLine({ id: 1, siblingReductionPercent: 10, reductionCents: 170 }),
      invoiceLine({ id: 2, childName: 'Hugo Martin', charge: 'unbooked', unitPriceCents: 510, days: ['2026-11-30', '2026-12-01'], rule: { kind: 'no_qf', basis: 'top_bracket' } }),
    ];
    const detail = presentInvoiceDetail(invoiceFixture({ lines, quotient: null }));
    expect(detail.title).toBe('Facture FAC-2026-000123');
    expect(detail.quotient).toBe('tarif maximum : quotient non fourni');
    expect(detail.dueOn).toBe('mardi 15 décembre 2026');
    expect(detail.settledOn).toBeUndefined();
    expect(presentInvoiceDetail(invoiceFixture({ status: 'settled', settledAt: new Date('2026-12-04T10:00:00Z') })).settledOn).toBe('vendredi 4 décembre 2026');
    expect(detail.lines[0]).toMatchObject({ quantity: 4, dayCount: '4 jours', days: ['3, 4, 6, 10 novembre'] });
    expect(nbsp(detail.lines[0]!.rule)).toBe('tranche 451 à 700 € · réduction fratrie 10 %');
    expect(nbsp(detail.lines[0]!.reduction!)).toBe('-1,70 €');
    expect(nbsp(detail.lines[0]!.amount)).toBe('15,30 €');
    expect(detail.lines[1]).toMatchObject({ charge: 'présences sans réservation', rule: 'tarif maximum : quotient non connu', reduction: undefined, days: ['30 novembre', '1er décembre'] });
    expect(nbsp(detail.gross!)).toBe('27,20 €');
    expect(nbsp(detail.reductions!)).toBe('-1,70 €');
    expect(detail.totalLabel).toBe('Total');
    expect(detail.pdfLabel).toBe('Télécharger la facture FAC-2026-000123 (PDF)');
  });

  it('links a credit note to the invoice it corrects, with its reason', () => {
    const detail = presentInvoiceDetail(
      invoiceFixture({ kind: 'credit_note', number: 'AV-2026-000004', creditFor: { id: 3, number: 'FAC-2026-000100' }, reason: 'Repas non pris', status: 'settled' }),
    );
    expect(detail.creditFor).toEqual({ path: '/factures/3', number: 'FAC-2026-000100' });
    expect(detail.reason).toBe('Repas non pris');
    expect(detail.totalLabel).toBe("Montant de l'avoir");
    expect(detail.gross).toBeUndefined();
  });
});

describe('presentActivityCosts', () => {
  it('gives each child × activity its days and amount, and the total', () => {
    const view = presentActivityCosts([
      { memberId: 1, childName: 'Hugo Martin', activityId: 2, activityName: 'Accueil du soir', days: 1, amountCents: 250 },
      { memberId: 2, childName: 'Léa Martin', activityId: 3, activityName: 'Restauration scolaire', days: 34, amountCents: 14450 },
    ]);
    expect(view.rows.map((row) => [row.childName, row.activityName, row.days, nbsp(row.amount)])).toEqual([
      ['Hugo Martin', 'Accueil du soir', '1 jour', '2,50 €'],
      ['Léa Martin', 'Restauration scolaire', '34 jours', '144,50 €'],
    ]);
    expect(nbsp(view.total)).toBe('147,00 €');
  });
});
