import { describe, expect, it } from 'vitest';
import { accountKey, delayAfterFailures, sourceKey } from '../../src/integrations/sign-in-throttle.ts';
import { browserInWords } from '../../src/web/presenters/sign-in-event-presenter.ts';

describe('delayAfterFailures', () => {
  it.each([
    [1, 0],
    [2, 0],
    [3, 1_000],
    [4, 2_000],
    [5, 3_000],
    [6, 4_000],
    [7, 5_000],
    [9, 5_000],
  ])('after %i failures waits %i ms', (failures, delay) => {
    expect(delayAfterFailures(failures)).toBe(delay);
  });
});

describe('accountKey', () => {
  it('counts a login once whatever its case and surrounding spaces, per commune', () => {
    expect(accountKey(3, '  Martin-Claire ')).toBe('3:martin-claire');
    expect(accountKey(4, 'martin-claire')).not.toBe(accountKey(3, 'martin-claire'));
  });

  it('keeps a very long login within the column by hashing it', () => {
    const key = accountKey(3, `${'a'.repeat(250)}@example.org`);
    expect(key).toMatch(/^sha256-[0-9a-f]{64}$/);
    expect(accountKey(3, `${'A'.repeat(250)}@example.org`)).toBe(key);
  });
});

describe('sourceKey', () => {
  it.each([
    ['203.0.113.7', '203.0.113.7'],
    ['::ffff:203.0.113.7', '203.0.113.7'],
    ['2001:db8:85a3:12:8a2e:370:7334:1', '2001:0db8:85a3:0012::/64'],
    ['2001:db8::1', '2001:0db8:0000:0000::/64'],
    ['2001:DB8:0:0:ffff::2', '2001:0db8:0000:0000::/64'],
    ['::1', '0000:0000:0000:0000::/64'],
  ])('counts %s as %s', (ip, key) => {
    expect(sourceKey(ip)).toBe(key);
  });
});

describe('browserInWords', () => {
  it.each([
    [
      'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36',
      'Chrome 120 sur Android',
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      'Safari 17 sur iOS',
    ],
    ['Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0', 'Firefox 121 sur Windows'],
    ['curl/8.0', 'Navigateur inconnu'],
    ['', 'Navigateur inconnu'],
    [null, 'Navigateur inconnu'],
  ])('names %j « %s »', (userAgent, words) => {
    expect(browserInWords(userAgent)).toBe(words);
  });
});
