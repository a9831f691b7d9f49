import { describe, expect, it } from 'vitest';
import { clockFor } from '../../src/bootstrap.ts';
import { parseEnv } from '../../src/config/env.ts';
import { clockStartingAt, fixedClock } from '../../src/domain/clock.ts';
import { contrastRatio } from '../../src/domain/contrast.ts';
import { safeReturnPath } from '../../src/web/middleware/auth.ts';

describe('parseEnv', () => {
  it('requires a session secret and a database in production', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required in production/);
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: required in production/);
  });

  it('refuses argon2 parameters weaker than the OWASP minimum', () => {
    expect(() => parseEnv({ ARGON2_MEMORY_KIB: '8192' })).toThrow(/ARGON2_MEMORY_KIB/);
    expect(() => parseEnv({ ARGON2_TIME_COST: '1' })).toThrow(/ARGON2_TIME_COST/);
  });

  it('refuses a FAKE_NOW without a time-zone offset', () => {
    expect(() => parseEnv({ FAKE_NOW: '2026-11-26T10:59:00' })).toThrow(/FAKE_NOW/);
    expect(parseEnv({ FAKE_NOW: '2026-11-26T10:59:00+01:00' }).FAKE_NOW).toBe('2026-11-26T10:59:00+01:00');
  });
});

describe('clockFor', () => {
  it('starts the clock at FAKE_NOW outside production and lets it run on', () => {
    const clock = clockFor({ NODE_ENV: 'development', FAKE_NOW: '2026-11-26T10:59:00+01:00' });
    const elapsed = clock.now().getTime() - new Date('2026-11-26T09:59:00Z').getTime();
    expect(elapsed).toBeGreaterThanOrEqual(0);
    expect(elapsed).toBeLessThan(5_000);
  });

  it('ignores FAKE_NOW in production', () => {
    const clock = clockFor({ NODE_ENV: 'production', FAKE_NOW: '2001-01-01T00:00:00+01:00' });
    expect(clock.now().getFullYear()).toBeGreaterThan(2001);
  });
});

describe('clockStartingAt', () => {
  it('moves on at the pace of the real clock', () => {
    const real = fixedClock(new Date('2026-01-01T00:00:00Z'));
    const clock = clockStartingAt(new Date('2026-11-26T10:00:00Z'), real);
    real.set(new Date('2026-01-01T00:01:30Z'));
    expect(clock.now().toISOString()).toBe('2026-11-26T10:01:30.000Z');
  });
});

describe('contrastRatio', () => {
  it.each([
    ['#ffffff', '#000000', 21],
    ['#ffffff', '#767676', 4.54],
    ['#777777', '#ffffff', 4.48],
  ])('of %s on %s is about %d', (a, b, expected) => {
    expect(contrastRatio(a, b)).toBeCloseTo(expected, 1);
  });
});

describe('safeReturnPath', () => {
  it.each([
    ['/echirolles/tableau-de-bord', '/echirolles/tableau-de-bord'],
    ['/echirolles/factures?statut=a-payer', '/echirolles/factures?statut=a-payer'],
    ['/villennes/tableau-de-bord', undefined],
    ['//evil.example.com/echirolles/', undefined],
    ['https://evil.example.com/', undefined],
    ['/echirolles//evil.example.com', undefined],
    ['/echirolles/\\evil.example.com', undefined],
    ['/echirolles', undefined],
    [undefined, undefined],
  ])('of %s is %s', (candidate, expected) => {
    expect(safeReturnPath(candidate, 'echirolles')).toBe(expected);
  });
});
