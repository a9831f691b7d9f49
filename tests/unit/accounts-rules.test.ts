import { describe, expect, it } from 'vitest';
import { isPublicHoliday, publicHolidays } from '../../src/domain/calendar/public-holidays.ts';
import { baseIdentifier, uniqueIdentifier } from '../../src/domain/identifier.ts';
import { passwordProblems } from '../../src/domain/password-policy.ts';
import { passwordProblemWords } from '../../src/i18n/password-words.ts';

describe('publicHolidays', () => {
  it('lists the eleven French public holidays of 2026, Easter-based ones included', () => {
    expect([...publicHolidays(2026).keys()]).toEqual([
      '2026-01-01', '2026-04-06', '2026-05-01', '2026-05-08', '2026-05-14', '2026-05-25',
      '2026-07-14', '2026-08-15', '2026-11-01', '2026-11-11', '2026-12-25',
    ]);
  });

  it('moves the Easter-based ones with Easter (2027: Easter on 28 March)', () => {
    expect(isPublicHoliday('2027-03-29')).toBe(true);
    expect(isPublicHoliday('2027-05-06')).toBe(true);
    expect(isPublicHoliday('2027-05-17')).toBe(true);
    expect(isPublicHoliday('2027-04-06')).toBe(false);
  });

  it('adds Good Friday and 26 December in Alsace-Moselle', () => {
    expect(isPublicHoliday('2026-04-03')).toBe(false);
    expect(isPublicHoliday('2026-04-03', { alsaceMoselle: true })).toBe(true);
    expect(isPublicHoliday('2026-12-26', { alsaceMoselle: true })).toBe(true);
  });
});

describe('passwordProblems', () => {
  it.each([
    ['court', ['Le mot de passe doit contenir au moins 12 caractères (5 saisis)']],
    ['onze-lettre', ['Le mot de passe doit contenir au moins 12 caractères (11 saisis)']],
    ['douze-lettres', []],
    ['aaaaaaaaaaaaaa', ['Le mot de passe ne doit pas répéter un ou deux caractères seulement']],
    ['martin-claire-2026', ['Le mot de passe ne doit pas contenir votre identifiant ni votre adresse e-mail']],
    ['éléphant-rose', []],
  ])('%s → %j', (password, expected) => {
    expect(passwordProblems(password, { identifier: 'martin-claire', email: 'claire.martin@example.org' }).map(passwordProblemWords)).toEqual(expected);
  });
});

describe('identifiers', () => {
  it.each([
    ['Martin', 'Claire', 'martin-claire'],
    ['Le Gall', 'Éloïse', 'le-gall-eloise'],
    ["N'Diaye", 'Aïssatou', 'n-diaye-aissatou'],
    ['Dupont-Moretti', 'Jean Marc', 'dupont-moretti-jean-marc'],
  ])('%s %s → %s', (last, first, expected) => {
    expect(baseIdentifier(last, first)).toBe(expected);
  });

  it('adds a number when the identifier is taken', () => {
    expect(uniqueIdentifier('martin-claire', new Set(['martin-claire', 'martin-claire-2']))).toBe('martin-claire-3');
    expect(uniqueIdentifier('martin-claire', new Set())).toBe('martin-claire');
  });
});
