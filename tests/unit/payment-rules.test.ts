import { describe, expect, it } from 'vitest';
import { checkPayment, receiptNumber, type PaymentCandidate } from '../../src/domain/payment-rules.ts';

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
