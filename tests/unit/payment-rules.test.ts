import { describe, expect, it } from 'vitest';
import { checkPayment, pendingOnlineChoices, receiptNumber, settlementOf, type PaymentCandidate } from '../../src/domain/payment-rules.ts';

const FAMILY = 7;
const candidate = (id: number, overrides: Partial<PaymentCandidate> = {}): PaymentCandidate => ({
  id,
  number: `FAC-2026-00000${id}`,
  familyId: FAMILY,
  kind: 'invoice',
  settledAt: null,
  leftToPayCents: 4250,
  inLivePayment: false,
  ...overrides,
});

describe('checkPayment', () => {
  it('pays whole invoices: the amount is the sum of what is left to pay on each, from the stored invoices', () => {
    const check = checkPayment(FAMILY, [1, 2, 1], [candidate(1), candidate(2, { leftToPayCents: 850 })], 'counter');
    expect(check).toEqual({ ok: true, invoices: [{ invoiceId: 1, amountCents: 4250 }, { invoiceId: 2, amountCents: 850 }], amountCents: 5100 });
  });

  it('refuses nothing chosen', () => {
    expect(checkPayment(FAMILY, [], [], 'counter')).toEqual({ ok: false, refusal: 'none', invoiceIds: [] });
  });

  it('refuses an unknown invoice, another family’s and a credit note as not found, before anything else', () => {
    const candidates = [candidate(1, { settledAt: new Date() }), candidate(2, { familyId: 8 }), candidate(3, { kind: 'credit_note' })];
    expect(checkPayment(FAMILY, [1, 2, 3, 4], candidates, 'online')).toEqual({ ok: false, refusal: 'not_found', invoiceIds: [2, 3, 4] });
  });

  it('refuses a settled invoice, then one in a live payment, naming them', () => {
    const candidates = [candidate(1, { settledAt: new Date() }), candidate(2, { inLivePayment: true }), candidate(3)];
    expect(checkPayment(FAMILY, [1, 2, 3], candidates, 'counter')).toEqual({ ok: false, refusal: 'settled', invoiceIds: [1] });
    expect(checkPayment(FAMILY, [2, 3], candidates, 'counter')).toEqual({ ok: false, refusal: 'in_payment', invoiceIds: [2] });
  });

  it('takes at least 1,00 € online, any amount at the counter', () => {
    const small = [candidate(1, { leftToPayCents: 99 })];
    expect(checkPayment(FAMILY, [1], small, 'online')).toEqual({ ok: false, refusal: 'under_minimum', invoiceIds: [1] });
    expect(checkPayment(FAMILY, [1], [candidate(1, { leftToPayCents: 100 })], 'online').ok).toBe(true);
    expect(checkPayment(FAMILY, [1], small, 'counter')).toMatchObject({ ok: true, amountCents: 99 });
  });
});

describe('receiptNumber', () => {
  it('is REC-year-six digits', () => {
    expect(receiptNumber(2026, 1)).toBe('REC-2026-000001');
    expect(receiptNumber(2027, 123456)).toBe('REC-2027-123456');
  });
});

describe('settlementOf: what settling a payment does, from what its invoices owe now', () => {
  const paid = [
    { invoiceId: 1, amountCents: 4250 },
    { invoiceId: 2, amountCents: 850 },
  ];
  const now = (overrides: Partial<Record<1 | 2, Partial<PaymentCandidate>>> = {}): PaymentCandidate[] =>
    ([1, 2] as const).map((id) => ({ id, number: `FAC-${id}`, familyId: 7, kind: 'invoice', settledAt: null, leftToPayCents: id === 1 ? 4250 : 850, inLivePayment: true, ...overrides[id] }));

  it.each([
    ['nothing changed', now(), true, { kind: 'settle', invoiceIds: [1, 2], refundCents: 0 }],
    ['a credit note lowered one invoice', now({ 1: { leftToPayCents: 3400 } }), true, { kind: 'settle', invoiceIds: [1, 2], refundCents: 850 }],
    ['a credit note settled one invoice in full', now({ 2: { leftToPayCents: 0, settledAt: new Date() } }), true, { kind: 'settle', invoiceIds: [1], refundCents: 850 }],
    ['closed, its invoices still free', now({ 1: { inLivePayment: false }, 2: { inLivePayment: false } }), false, { kind: 'settle', invoiceIds: [1, 2], refundCents: 0 }],
    ['closed, another payment took one invoice since', now({ 1: { inLivePayment: false }, 2: { inLivePayment: true } }), false, { kind: 'refund_all', refundCents: 5100 }],
  ] as const)('%s', (_case, current, live, expected) => {
    expect(settlementOf(paid, current, live)).toEqual(expected);
  });

  it('refuses an invoice owing more than was paid for it (invoices never grow)', () => {
    expect(() => settlementOf(paid, now({ 1: { leftToPayCents: 5000 } }), true)).toThrow(RangeError);
  });
});

describe('pendingOnlineChoices: « Reprendre » while PayFiP can take the operation, « Annuler » once it cannot', () => {
  const createdAt = new Date('2026-11-23T09:00:00+01:00');
  const at = (minutes: number) => new Date(createdAt.getTime() + minutes * 60_000);

  it.each([
    [0, 'op', at(15), false],
    [14.9, 'op', at(15), false],
    [15.5, 'op', null, false],
    [16, 'op', null, true],
    [0, null, null, true],
  ] as const)('%s minutes after it began, operation %s', (minutes, operation, resumableUntil, cancellable) => {
    const choices = pendingOnlineChoices({ createdAt, providerOperationId: operation }, at(minutes));
    expect(choices.resumableUntil).toEqual(resumableUntil);
    expect(choices.cancellable).toBe(cancellable);
  });
});
