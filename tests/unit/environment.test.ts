import { describe, expect, it } from 'vitest';
import { clockFor } from '../../src/bootstrap.ts';
import { developmentTools, isLoopback, parseEnv } from '../../src/config/env.ts';
import { maskUrlSecrets } from '../../src/logger.ts';
import { clockStartingAt, fixedClock } from '../../src/integrations/clock.ts';
import { contrastRatio } from '../../src/domain/contrast.ts';
import { safeReturnPath } from '../../src/web/middleware/auth.ts';

describe('parseEnv', () => {
  it('requires a session secret and a database in production', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/SESSION_SECRET: required in production/);
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/DATABASE_URL: required in production/);
  });

  it('requires the data encryption key in production, and refuses a key that is not 32 bytes', () => {
    expect(() => parseEnv({ NODE_ENV: 'production' })).toThrow(/DATA_ENCRYPTION_KEY: required in production/);
    expect(() => parseEnv({ NODE_ENV: 'development', DATA_ENCRYPTION_KEY: 'change-me' })).toThrow(/DATA_ENCRYPTION_KEY: 32 octets/);
    expect(() => parseEnv({ NODE_ENV: 'development', DATA_ENCRYPTION_OLD_KEYS: `${'ab'.repeat(32)},short` })).toThrow(/DATA_ENCRYPTION_OLD_KEYS/);
    expect(parseEnv({ NODE_ENV: 'development', DATA_ENCRYPTION_OLD_KEYS: `${'ab'.repeat(32)}, ${'cd'.repeat(32)}` }).DATA_ENCRYPTION_OLD_KEYS).toBeDefined();
    expect(parseEnv({ NODE_ENV: 'development' }).DATA_ENCRYPTION_KEY).toBeUndefined();
  });

  it('never repeats a refused key in its message', () => {
    const secretLooking = 'tooshort-secret-value-1234';
    expect(() => parseEnv({ NODE_ENV: 'development', DATA_ENCRYPTION_KEY: secretLooking })).toThrow(expect.objectContaining({ message: expect.not.stringContaining(secretLooking) }));
  });

  it('refuses argon2 parameters weaker than the OWASP minimum', () => {
    expect(() => parseEnv({ ARGON2_MEMORY_KIB: '8192' })).toThrow(/ARGON2_MEMORY_KIB/);
    expect(() => parseEnv({ ARGON2_TIME_COST: '1' })).toThrow(/ARGON2_TIME_COST/);
  });

  it('refuses a FAKE_NOW without a time-zone offset', () => {
    expect(() => parseEnv({ FAKE_NOW: '2026-11-26T10:59:00' })).toThrow(/FAKE_NOW/);
    expect(parseEnv({ NODE_ENV: 'development', FAKE_NOW: '2026-11-26T10:59:00+01:00' }).FAKE_NOW).toBe('2026-11-26T10:59:00+01:00');
  });

  it('takes an unset NODE_ENV for a deployment: development is asked for explicitly', () => {
    expect(() => parseEnv({})).toThrow(/SESSION_SECRET: required in production/);
    const deployment = parseEnv({
      SESSION_SECRET: 'a-production-secret-of-at-least-32-characters',
      DATA_ENCRYPTION_KEY: 'ab'.repeat(32),
      DATABASE_URL: 'postgres://u:p@db:5432/espace_famille',
      SMTP_URL: 'smtp://mail:1025',
      PUBLIC_URL: 'https://famille.example.fr',
    });
    expect(deployment.NODE_ENV).toBe('production');
    expect(deployment.HOST).toBe('0.0.0.0');
  });

  it('listens on this machine only in development unless HOST says otherwise', () => {
    expect(parseEnv({ NODE_ENV: 'development' }).HOST).toBe('127.0.0.1');
    expect(parseEnv({ NODE_ENV: 'development', HOST: '0.0.0.0' }).HOST).toBe('0.0.0.0');
  });

  it('refuses demo data asked for anywhere but a developer machine on loopback', () => {
    expect(() => parseEnv({ NODE_ENV: 'development', HOST: '0.0.0.0', SEED_DEMO_DATA: 'true' })).toThrow(/SEED_DEMO_DATA/);
    expect(parseEnv({ NODE_ENV: 'development', SEED_DEMO_DATA: 'true' }).SEED_DEMO_DATA).toBe(true);
  });
});

describe('PAYFIP_URL', () => {
  const production = {
    NODE_ENV: 'production',
    SESSION_SECRET: 'a-production-secret-of-at-least-32-characters',
    DATA_ENCRYPTION_KEY: 'ab'.repeat(32),
    DATABASE_URL: 'postgres://u:p@db:5432/espace_famille',
    SMTP_URL: 'smtp://mail:1025',
    PUBLIC_URL: 'https://famille.example.fr',
  };

  it('has no default: unset outside production means the local simulator', () => {
    expect(parseEnv({ NODE_ENV: 'development' }).PAYFIP_URL).toBeUndefined();
    expect(parseEnv(production).PAYFIP_URL).toBeUndefined();
  });

  it('takes PayFiP\'s endpoint, over https only in production', () => {
    expect(parseEnv({ ...production, PAYFIP_URL: 'https://www.payfip.gouv.fr/tpa/services/securite' }).PAYFIP_URL).toBe(
      'https://www.payfip.gouv.fr/tpa/services/securite',
    );
    expect(() => parseEnv({ ...production, PAYFIP_URL: 'http://www.payfip.gouv.fr/tpa/services/securite' })).toThrow(/PAYFIP_URL: https only/);
    expect(parseEnv({ NODE_ENV: 'development', PAYFIP_URL: 'http://127.0.0.1:3999/tpa/services/securite' }).PAYFIP_URL).toBe(
      'http://127.0.0.1:3999/tpa/services/securite',
    );
    expect(() => parseEnv({ NODE_ENV: 'development', PAYFIP_URL: 'ftp://payfip' })).toThrow(/PAYFIP_URL/);
  });
});

describe('isLoopback', () => {
  it.each([
    ['127.0.0.1', true],
    ['127.1.2.3', true],
    ['localhost', true],
    ['::1', true],
    ['[::1]', true],
    ['::ffff:127.0.0.1', true],
    ['0.0.0.0', false],
    ['::', false],
    ['192.168.1.10', false],
    ['::ffff:10.0.0.1', false],
    ['127.0.0.1.example.org', false],
  ])('of %s is %s', (host, expected) => {
    expect(isLoopback(host)).toBe(expected);
  });
});

describe('developmentTools', () => {
  const base = { SMTP_URL: undefined, SEED_DEMO_DATA: undefined };
  it.each([
    ['development on loopback', { NODE_ENV: 'development', HOST: '127.0.0.1' }, { demoData: true, devMailbox: true }],
    ['development on every interface', { NODE_ENV: 'development', HOST: '0.0.0.0' }, { demoData: false, devMailbox: false }],
    ['development with SMTP', { NODE_ENV: 'development', HOST: '127.0.0.1', SMTP_URL: 'smtp://localhost:1025' }, { demoData: true, devMailbox: false }],
    ['development without demo', { NODE_ENV: 'development', HOST: 'localhost', SEED_DEMO_DATA: false }, { demoData: false, devMailbox: true }],
    ['production, even on loopback', { NODE_ENV: 'production', HOST: '127.0.0.1' }, { demoData: false, devMailbox: false }],
  ] as const)('%s', (_case, env, expected) => {
    expect(developmentTools({ ...base, ...env })).toEqual(expected);
  });
});

describe('maskUrlSecrets', () => {
  it.each([
    ['/echirolles/mot-de-passe/q3V9_xk2LmZ0aBcDeFgHiJkLmNoPqRsTuVwXyZ01234', '/echirolles/mot-de-passe/[masqué]'],
    ['/villennes/activation/AbCdEfGhIjKlMnOpQrStUv?retour=1', '/villennes/activation/[masqué]?retour=1'],
    ['http://localhost:3000/echirolles/mot-de-passe/q3V9_xk2LmZ0aBcDeFgHiJk/', 'http://localhost:3000/echirolles/mot-de-passe/[masqué]/'],
    ['/confirmer?jeton=q3V9xk2LmZ0aBcDeFgHiJk&x=1', '/confirmer?jeton=[masqué]&x=1'],
    ['/echirolles/mot-de-passe-oublie', '/echirolles/mot-de-passe-oublie'],
    ['/echirolles/famille/ajouter-un-enfant', '/echirolles/famille/ajouter-un-enfant'],
    ['/echirolles/reservations/12?semaine=2026-W48', '/echirolles/reservations/12?semaine=2026-W48'],
    ['/echirolles/admin/inscrits-par-jour-et-par-activite', '/echirolles/admin/inscrits-par-jour-et-par-activite'],
  ])('%s', (url, expected) => {
    expect(maskUrlSecrets(url)).toBe(expected);
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
