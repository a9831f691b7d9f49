/**
 * « Which quotient is valid on a day », case by case: the domain rule (unit test) and the SQL of
 * the batch read (integration test) must give the same answers.
 */
export interface QuotientRowCase {
  key: string;
  value: number;
  validFrom: string;
  validUntil: string | null;
  setAt: Date;
}

const at = (iso: string) => new Date(iso);

export const QUOTIENT_ROWS = {
  year2026: { key: 'year2026', value: 620, validFrom: '2026-01-01', validUntil: '2026-12-31', setAt: at('2026-01-05T10:00:00+01:00') },
  year2027: { key: 'year2027', value: 700, validFrom: '2027-01-01', validUntil: '2027-12-31', setAt: at('2026-12-20T10:00:00+01:00') },
  openSince2025: { key: 'openSince2025', value: 900, validFrom: '2025-01-01', validUntil: null, setAt: at('2025-01-03T10:00:00+01:00') },
  correction2026: { key: 'correction2026', value: 610, validFrom: '2026-01-01', validUntil: '2026-12-31', setAt: at('2026-02-01T10:00:00+01:00') },
  fromDecember: { key: 'fromDecember', value: 450, validFrom: '2026-12-01', validUntil: '2026-12-31', setAt: at('2026-11-23T10:00:00+01:00') },
} satisfies Record<string, QuotientRowCase>;

type RowKey = keyof typeof QUOTIENT_ROWS;

/** [what the case shows, the family's rows (in the order stored), the day, the row expected valid (or none)] */
export const VALID_ON_CASES: [string, RowKey[], string, RowKey | undefined][] = [
  ['no value at all: none', [], '2026-06-01', undefined],
  ['before the first value starts: none', ['year2026'], '2025-12-31', undefined],
  ['on its first day: valid', ['year2026'], '2026-01-01', 'year2026'],
  ['on its last day: valid (the end is included)', ['year2026'], '2026-12-31', 'year2026'],
  ['the day after its end: expired, none', ['year2026'], '2027-01-01', undefined],
  ['two civil years: the first in its year', ['year2026', 'year2027'], '2026-06-15', 'year2026'],
  ['two civil years: the second in its year', ['year2026', 'year2027'], '2027-03-01', 'year2027'],
  ['an open value older than a newer one: the newer wins while it runs', ['openSince2025', 'year2026'], '2026-06-01', 'year2026'],
  ['the same, stored in the other order', ['year2026', 'openSince2025'], '2026-06-01', 'year2026'],
  ['the newer one ended: the open older one applies again', ['openSince2025', 'year2026'], '2027-03-01', 'openSince2025'],
  ['two values from the same day: the one set last (a correction) wins', ['year2026', 'correction2026'], '2026-06-01', 'correction2026'],
  ['the correction wins whatever the order stored', ['correction2026', 'year2026'], '2026-06-01', 'correction2026'],
  ['a declaration from the next month: not yet on the first of this month', ['year2026', 'fromDecember'], '2026-11-01', 'year2026'],
  ['a declaration from the next month: valid on its first day', ['year2026', 'fromDecember'], '2026-12-01', 'fromDecember'],
];
