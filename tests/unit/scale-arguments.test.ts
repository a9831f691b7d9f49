import { describe, expect, it } from 'vitest';
import { parseScaleArguments } from '../../src/cli/scale-arguments.ts';
import { monthBefore } from '../../src/services/commune/scale-seed-service.ts';

describe('npm run seed:scale arguments', () => {
  it.each([
    [[], { commune: 'echirolles', families: 20_000, invoices: true, allowProduction: false }],
    [['--commune', 'villennes', '--families', '500'], { commune: 'villennes', families: 500, invoices: true, allowProduction: false }],
    [['--families=50', '--no-invoices'], { commune: 'echirolles', families: 50, invoices: false, allowProduction: false }],
    [['--allow-production'], { commune: 'echirolles', families: 20_000, invoices: true, allowProduction: true }],
  ])('reads %j', (argv, expected) => {
    expect(parseScaleArguments(argv)).toEqual(expected);
  });

  it.each([
    [['--families', 'beaucoup'], /--families/],
    [['--families', '0'], /--families/],
    [['--families'], /--families/],
    [['--commune', 'Échirolles'], /--commune/],
    [['--famillies', '3'], /option inconnue : --famillies/],
  ])('refuses %j with a sentence', (argv, message) => {
    const parsed = parseScaleArguments(argv);
    expect(parsed).toHaveProperty('error');
    expect((parsed as { error: string }).error).toMatch(message);
  });
});

describe('monthBefore', () => {
  it.each([
    ['2026-10-01', '2026-09-01'],
    ['2027-01-01', '2026-12-01'],
    ['2026-12-01', '2026-11-01'],
  ])('%s → %s', (month, expected) => expect(monthBefore(month)).toBe(expected));
});
