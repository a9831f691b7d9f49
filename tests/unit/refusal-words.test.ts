import { describe, expect, it } from 'vitest';
import { ValidationError } from '../../src/domain/errors.ts';
import { refused, type Refusal } from '../../src/domain/refusals.ts';
import { fieldProblemWords, refusalWords } from '../../src/i18n/refusal-words.ts';
import { fieldErrorsOf } from '../../src/web/forms.ts';

describe('refusalWords', () => {
  it.each<[Refusal, string]>([
    [{ code: 'month_not_over' }, 'Ce mois n’est pas terminé : ses factures s’émettent à partir du 1er du mois suivant'],
    [
      { code: 'already_registered', childFirstName: 'Léa', activityName: 'Restauration scolaire', schoolYear: '2026-2027' },
      'Léa est déjà inscrit·e, ou une demande est en cours, pour « Restauration scolaire » en 2026-2027',
    ],
    [{ code: 'quotient_too_high', maxEuros: 99_999 }, 'Le quotient familial ne peut pas dépasser 99 999 € : vérifiez le montant'],
    [{ code: 'attestation_start_too_late', latestYear: 2027 }, 'La date de début ne peut pas dépasser le 31 décembre 2027'],
    [{ code: 'password_weak', problem: { code: 'too_short', minimum: 12, length: 5 } }, 'Le mot de passe doit contenir au moins 12 caractères (5 saisis)'],
    [{ code: 'attendance_period', refusal: { code: 'ends_before_start' } }, 'La date de fin doit être le même jour que la date de début ou après.'],
  ])('says %j as the form shows it', (refusal, words) => {
    expect(refusalWords(refusal).replace(/[\u00a0\u202f]/g, ' ')).toBe(words);
  });

  it('fails loudly on a code it has no words for, never shows the code', () => {
    expect(() => refusalWords({ code: 'no_such_code' })).toThrow(/no_such_code/);
  });
});

describe('a ValidationError at the form layer', () => {
  it("says a service's codes in French and keeps a schema's messages and links as they are", () => {
    const link = { href: '/echirolles/documents', label: 'Mes documents' };
    const error = refused([
      { field: 'mois', refusal: { code: 'month_not_over' } },
      { field: 'document', message: 'Envoyez d’abord l’attestation', link },
    ]);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.message).toBe('mois: month_not_over; document: Envoyez d’abord l’attestation');
    expect(fieldErrorsOf(error)).toEqual([
      { field: 'mois', message: fieldProblemWords({ field: 'mois', refusal: { code: 'month_not_over' } }) },
      { field: 'document', message: 'Envoyez d’abord l’attestation', link },
    ]);
  });
});
