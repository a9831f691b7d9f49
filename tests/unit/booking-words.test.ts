import { describe, expect, it } from 'vitest';
import type { ChangeRefusal } from '../../src/domain/booking-grid.ts';
import type { ClosedDay } from '../../src/domain/calendar/closed-days.ts';
import { closedDayWords, obstacleWords, recurringWords, refusalWords, weekWords } from '../../src/i18n/booking-words.ts';
import { markingRefusalWords } from '../../src/i18n/attendance-words.ts';

const deadline = new Date('2026-12-01T10:00:00Z');

describe('closedDayWords: why a day is closed, from its code', () => {
  it.each<[ClosedDay, string]>([
    [{ open: false, reason: 'weekend' }, 'Week-end'],
    [{ open: false, reason: 'jour_sans_activite' }, "Pas d'accueil ce jour-là"],
    [{ open: false, reason: 'jour_ferie', name: 'Ascension' }, 'Jour férié : Ascension'],
    [{ open: false, reason: 'fermeture', name: 'journée pédagogique' }, 'Fermeture : journée pédagogique'],
    [{ open: false, reason: 'calendrier_inconnu' }, 'Calendrier scolaire pas encore publié'],
    [{ open: false, reason: 'hors_vacances' }, 'Hors vacances scolaires'],
    [{ open: false, reason: 'vacances', name: 'Vacances de Noël' }, 'Vacances de Noël'],
  ])('%o → %s', (day, words) => {
    expect(closedDayWords(day)).toBe(words);
  });
});

describe('the words of a refused change and of a cell that cannot change', () => {
  it.each<[ChangeRefusal, string, string | undefined]>([
    [{ code: 'not_registered' }, "Pas d'inscription validée à cette activité ce jour-là", "Pas d'inscription validée à cette activité ce jour-là"],
    [{ code: 'day_closed', day: { open: false, reason: 'weekend' } }, 'fermé (Week-end)', 'Week-end'],
    [{ code: 'past_deadline', deadline }, 'délai dépassé : non modifiable depuis le mardi 1er décembre 2026 à 11h00', 'non modifiable depuis le mardi 1er décembre 2026 à 11h00'],
    [{ code: 'not_open_yet', opensAt: new Date('2027-03-01T00:00:00+01:00') }, 'réservable à partir du lundi 1er mars 2027', 'réservable à partir du lundi 1er mars 2027'],
    [{ code: 'not_open_yet' }, 'pas encore réservable', 'pas encore réservable'],
    [{ code: 'unknown_activity' }, "cette activité n'existe pas", undefined],
    [{ code: 'outside_week' }, "ce jour n'est pas dans la semaine affichée", undefined],
    [{ code: 'missing_document', documentName: "Attestation d'assurance" }, "document « Attestation d'assurance » à fournir d'abord (Mes documents)", undefined],
  ])('%o', (code, refusal, cell) => {
    expect(refusalWords(code)).toBe(refusal);
    if (cell !== undefined && code.code !== 'unknown_activity' && code.code !== 'outside_week' && code.code !== 'missing_document') expect(obstacleWords(code)).toBe(cell);
  });

  it('says why a sheet cannot be marked with the words of the closed day', () => {
    expect(markingRefusalWords({ code: 'day_closed', day: { open: false, reason: 'jour_ferie', name: 'Noël' } })).toBe(
      "Ce jour est fermé (Jour férié : Noël) : il n'y a pas de pointage.",
    );
  });
});

describe('the words of weeks and semaines types', () => {
  it('writes a week from its Monday to its Sunday, the first of the month « 1er »', () => {
    expect(weekWords('2027-W09')).toBe('du lundi 1er mars au dimanche 7 mars 2027');
    expect(weekWords('2026-W53')).toBe('du lundi 28 décembre 2026 au dimanche 3 janvier 2027');
  });

  it('writes a pattern with its weekdays, its rhythm and its period', () => {
    expect(recurringWords({ weekdays: ['lundi', 'mardi', 'jeudi'], every: 2, from: '2026-12-01', until: '2027-01-15' })).toBe(
      'le lundi, le mardi et le jeudi, une semaine sur 2, du mardi 1er décembre 2026 au vendredi 15 janvier 2027',
    );
  });
});
