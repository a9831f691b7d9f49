import { describe, expect, it } from 'vitest';
import type { Payment } from '../../src/model/payment.ts';
import { presentPayForm, presentPaymentOutcome } from '../../src/web/presenters/online-payment-presenter.ts';
import { invoiceFixture } from '../support/invoice-fixtures.ts';

const nbsp = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

const payment = (overrides: Partial<Payment> = {}): Payment => ({
  id: 12,
  communeId: 1,
  familyId: 3,
  familyName: 'Garnier',
  familyReference: 'F-0003',
  method: 'online',
  status: 'paid',
  amountCents: 5100,
  createdBy: 7,
  createdAt: new Date('2026-11-23T08:00:00Z'),
  expiresAt: new Date('2026-11-23T08:20:00Z'),
  paidAt: new Date('2026-11-23T08:05:00Z'),
  receiptNumber: 'REC-2026-000045',
  providerOperationId: 'abc',
  providerReference: 'EF00000012',
  counterMeans: null,
  chequeNumber: null,
  chequeBank: null,
  invoices: [
    { invoiceId: 1, number: 'FAC-2026-000010', periodStart: '2026-10-01', amountCents: 4250 },
    { invoiceId: 2, number: 'FAC-2026-000020', periodStart: '2026-11-01', amountCents: 850 },
  ],
  ...overrides,
});

const NOW = new Date('2026-11-23T09:30:00+01:00');

describe('the outcome of an online payment, in words', () => {
  it('says a paid payment with its invoices soldées and its receipt', () => {
    const view = presentPaymentOutcome({ payment: payment() }, NOW);
    expect(view.title).toBe('Paiement accepté');
    expect(view.sentences[0]).toBe('Paiement accepté : factures FAC-2026-000010, FAC-2026-000020 soldées, reçu n° REC-2026-000045.');
    expect(nbsp(view.sentences[1]!)).toBe('Montant payé : 51,00 €, le lundi 23 novembre 2026 à 09h05.');
    expect(view.receipt).toEqual({ number: 'REC-2026-000045', path: '/paiements/12/recu.pdf' });
  });

  it('speaks of one invoice in the singular', () => {
    const view = presentPaymentOutcome({ payment: payment({ invoices: [payment().invoices[0]!], amountCents: 4250 }) }, NOW);
    expect(view.sentences[0]).toBe('Paiement accepté : facture FAC-2026-000010 soldée, reçu n° REC-2026-000045.');
  });

  it.each([
    ['refused', 'Paiement refusé'],
    ['cancelled', 'Paiement abandonné'],
    ['expired', 'Paiement non abouti'],
  ] as const)('says a %s payment debited nothing and its invoices are still to pay', (status, title) => {
    const view = presentPaymentOutcome({ payment: payment({ status, paidAt: null, receiptNumber: null }) }, NOW);
    expect(view.title).toBe(title);
    expect(view.sentences.join(' ')).toContain('aucune somme n’a été débitée');
    expect(view.sentences.join(' ')).toContain('Les factures FAC-2026-000010, FAC-2026-000020 restent à payer.');
    expect(view.receipt).toBeUndefined();
    expect(view.retry).toBe(true);
  });

  it('says a payment left unfinished, offers « Reprendre » while PayFiP can take it, and « Annuler » once it cannot', () => {
    const left = payment({ status: 'pending', paidAt: null, receiptNumber: null, createdAt: new Date('2026-11-23T09:00:00+01:00'), providerOperationId: 'op1' });
    const early = presentPaymentOutcome({ payment: left, resumableUntil: new Date('2026-11-23T09:15:00+01:00'), cancellableFrom: new Date('2026-11-23T09:16:00+01:00'), cancellable: false }, new Date('2026-11-23T09:05:00+01:00'));
    expect(early.title).toBe('Paiement non terminé');
    expect(nbsp(early.sentences.join(' '))).toContain('un paiement en ligne de 51,00 € des factures FAC-2026-000010, FAC-2026-000020, sans le terminer');
    expect(early.sentences.join(' ')).toContain('jusqu’à 09h15');
    expect(early.sentences.join(' ')).toContain('ne peuvent pas être payées deux fois');
    expect(early.actions).toEqual({ resumePath: '/paiement/12/reprendre' });
    const late = presentPaymentOutcome({ payment: left, resumableUntil: null, cancellableFrom: new Date('2026-11-23T09:16:00+01:00'), cancellable: true }, new Date('2026-11-23T09:17:00+01:00'));
    expect(late.actions).toEqual({ cancelPath: '/paiement/12/annuler' });
    expect(late.sentences.join(' ')).toContain('annulez-le pour payer à nouveau ces factures');
  });
});

describe('the « Payer en ligne » form', () => {
  it('offers the unpaid invoices only, keeps what was ticked, and totals them all', () => {
    const invoices = [
      invoiceFixture({ id: 1, status: 'overdue', totalCents: 4250 }),
      invoiceFixture({ id: 2, status: 'due', totalCents: 850 }),
      invoiceFixture({ id: 3, status: 'in_payment', totalCents: 1000 }),
      invoiceFixture({ id: 4, status: 'settled', totalCents: 1000 }),
      invoiceFixture({ id: 5, kind: 'credit_note', status: 'due', totalCents: -300 }),
    ];
    const form = presentPayForm(invoices, { factures: ['2'] })!;
    expect(form.invoices.map((invoice) => [invoice.id, invoice.checked])).toEqual([
      [1, false],
      [2, true],
    ]);
    expect(nbsp(form.total)).toBe('51,00 €');
  });

  it('is not shown when nothing can be paid', () => {
    expect(presentPayForm([invoiceFixture({ id: 3, status: 'in_payment', totalCents: 1000 })])).toBeUndefined();
  });
});
