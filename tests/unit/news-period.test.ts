import { describe, expect, it } from 'vitest';
import { newsState } from '../../src/domain/news-period.ts';

describe('newsState', () => {
  it.each([
    ['published tomorrow', { publishedOn: '2026-11-24', endsOn: null }, 'scheduled'],
    ['published today', { publishedOn: '2026-11-23', endsOn: null }, 'current'],
    ['published earlier, no end', { publishedOn: '2026-01-01', endsOn: null }, 'current'],
    ['ending today (the end day is included)', { publishedOn: '2026-11-01', endsOn: '2026-11-23' }, 'current'],
    ['ended yesterday', { publishedOn: '2026-11-01', endsOn: '2026-11-22' }, 'ended'],
    ['one day only, today', { publishedOn: '2026-11-23', endsOn: '2026-11-23' }, 'current'],
    ['a period still to come', { publishedOn: '2026-12-01', endsOn: '2026-12-31' }, 'scheduled'],
  ] as const)('is %s on 2026-11-23', (_label, news, expected) => {
    expect(newsState(news, '2026-11-23')).toBe(expected);
  });
});
