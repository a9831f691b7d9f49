import { describe, expect, it } from 'vitest';
import { formatFileSize, formatSpaceUsed } from '../../src/i18n/file-words.ts';

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
