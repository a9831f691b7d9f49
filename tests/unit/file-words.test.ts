import { describe, expect, it } from 'vitest';
import { familyStorageWords, fileProblemWords, formatFileSize, formatSpaceUsed } from '../../src/i18n/file-words.ts';
import { messageFormWords } from '../../src/i18n/message-words.ts';
import type { FileProblem } from '../../src/model/stored-file.ts';

const MB = 1024 * 1024;

describe('formatFileSize', () => {
  it.each([
    [0, '0\u00a0Mo'],
    [1, '1\u00a0Ko'],
    [870_000, '850\u00a0Ko'],
    [MB, '1\u00a0Mo'],
    [Math.round(3.2 * MB), '3,2\u00a0Mo'],
    [5 * MB, '5\u00a0Mo'],
    [50 * MB, '50\u00a0Mo'],
  ])('%i bytes read « %s »', (bytes, words) => {
    expect(formatFileSize(bytes)).toBe(words);
  });
});

describe('formatSpaceUsed', () => {
  it.each([
    [0, '0\u00a0Mo utilisé sur 50\u00a0Mo'],
    [Math.round(1.5 * MB), '1,5\u00a0Mo utilisé sur 50\u00a0Mo'],
    [Math.round(3.2 * MB), '3,2\u00a0Mo utilisés sur 50\u00a0Mo'],
    [870_000, '850\u00a0Ko utilisés sur 50\u00a0Mo'],
  ])('%i bytes of 50 Mo read « %s »', (bytes, words) => {
    expect(formatSpaceUsed(bytes, 50 * MB)).toBe(words);
  });
});

describe('familyStorageWords (issue 18 item 7)', () => {
  it('says the family\'s space where it sends files', () => {
    expect(familyStorageWords({ usedBytes: Math.round(12.5 * MB), budgetBytes: 200 * MB })).toBe('Vous utilisez 12,5\u00a0Mo sur 200\u00a0Mo');
    expect(familyStorageWords({ usedBytes: 0, budgetBytes: 200 * MB })).toBe('Vous utilisez 0\u00a0Mo sur 200\u00a0Mo');
  });
});

describe('fileProblemWords: the services give codes, i18n says them', () => {
  it.each([
    [{ code: 'active_pdf', reason: 'javascript' }, /^Le PDF contient du code JavaScript : nous ne pouvons pas l'accepter\./],
    [{ code: 'active_pdf', reason: 'launch' }, /^Le PDF contient le lancement d'un programme ou d'un fichier/],
    [{ code: 'active_pdf', reason: 'embedded_file' }, /^Le PDF contient un fichier joint/],
    [{ code: 'active_pdf', reason: 'xfa' }, /^Le PDF contient un formulaire XFA/],
    [{ code: 'encrypted_pdf' }, /^Le PDF est protégé par un mot de passe/],
    [{ code: 'too_complex_pdf' }, /^Le PDF est trop complexe pour être vérifié/],
    [{ code: 'sending_too_many_pages', maxPages: 20, pages: 31 }, /^Ce document compterait 31 pages : 20 pages au plus par document/],
    [{ code: 'family_budget', fileBytes: 3 * MB, usedBytes: 198 * MB, budgetBytes: 200 * MB }, /^Ce fichier \(3\u00a0Mo\) dépasse l'espace de votre famille : Vous utilisez 198\u00a0Mo sur 200\u00a0Mo\./],
    [{ code: 'too_many_files', maxFiles: 10 }, /^Envoyez 10 fichiers au plus à la fois$/],
  ] as [FileProblem, RegExp][])('%o', (problem, words) => {
    expect(fileProblemWords(problem)).toMatch(words);
  });

  it('says when to try again after too many messages, keeping the text', () => {
    expect(messageFormWords({ code: 'too_many_messages', limit: 20, retryAfterSeconds: 61 })).toBe(
      "Vous avez envoyé 20 messages dans l'heure : votre message n'est pas envoyé, il reste ci-dessous. Réessayez dans 2 minutes",
    );
    expect(messageFormWords({ code: 'too_many_threads', limit: 5, retryAfterSeconds: 30 })).toMatch(/Réessayez dans 1 minute, ou écrivez dans une conversation déjà ouverte$/);
  });
});
