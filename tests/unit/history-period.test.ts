import { describe, expect, it } from 'vitest';
import { historyPeriodBounds, type HistoryPeriod } from '../../src/domain/history-period.ts';

const paris = (local: string, offset: '+01:00' | '+02:00') => new Date(`${local}${offset}`);
const HOUR = 3_600_000;

describe('historyPeriodBounds (Europe/Paris calendar)', () => {
  it.each<[string, HistoryPeriod, Date, Date, Date]>([
    [
      'an ordinary week runs from Monday 00:00 to the next Monday 00:00',
      'week',
      paris('2026-11-25T15:00', '+01:00'),
      paris('2026-11-23T00:00', '+01:00'),
      paris('2026-11-30T00:00', '+01:00'),
    ],
    [
      'on Monday at midnight, the week starts now',
      'week',
      paris('2026-11-23T00:00', '+01:00'),
      paris('2026-11-23T00:00', '+01:00'),
      paris('2026-11-30T00:00', '+01:00'),
    ],
    [
      'late on Sunday in Paris (still Sunday in UTC) is the end of the same week',
      'week',
      paris('2026-11-29T23:30', '+01:00'),
      paris('2026-11-23T00:00', '+01:00'),
      paris('2026-11-30T00:00', '+01:00'),
    ],
    [
      'early on Monday in Paris (still Sunday in UTC) is already the next week',
      'week',
      paris('2026-11-30T00:30', '+01:00'),
      paris('2026-11-30T00:00', '+01:00'),
      paris('2026-12-07T00:00', '+01:00'),
    ],
    [
      'the spring daylight-saving week keeps Monday midnight on both ends',
      'week',
      paris('2026-03-29T12:00', '+02:00'),
      paris('2026-03-23T00:00', '+01:00'),
      paris('2026-03-30T00:00', '+02:00'),
    ],
    [
      'the autumn daylight-saving week keeps Monday midnight on both ends',
      'week',
      paris('2026-10-21T09:00', '+02:00'),
      paris('2026-10-19T00:00', '+02:00'),
      paris('2026-10-26T00:00', '+01:00'),
    ],
    [
      'a month runs from the 1st 00:00 to the next 1st 00:00',
      'month',
      paris('2026-11-23T09:00', '+01:00'),
      paris('2026-11-01T00:00', '+01:00'),
      paris('2026-12-01T00:00', '+01:00'),
    ],
    [
      'the month of the spring change starts in winter time and ends in summer time',
      'month',
      paris('2026-03-31T23:59', '+02:00'),
      paris('2026-03-01T00:00', '+01:00'),
      paris('2026-04-01T00:00', '+02:00'),
    ],
    [
      'just after midnight on the 1st in Paris (still the 30th in UTC) is the new month',
      'month',
      paris('2026-12-01T00:30', '+01:00'),
      paris('2026-12-01T00:00', '+01:00'),
      paris('2027-01-01T00:00', '+01:00'),
    ],
  ])('%s', (_label, period, now, from, to) => {
    expect(historyPeriodBounds(period, now)).toEqual({ from, to });
  });

  it('makes the daylight-saving weeks 167 and 169 hours long', () => {
    const length = (now: Date) => {
      const { from, to } = historyPeriodBounds('week', now);
      return (to.getTime() - from.getTime()) / HOUR;
    };
    expect(length(paris('2026-03-25T10:00', '+01:00'))).toBe(167);
    expect(length(paris('2026-10-25T10:00', '+01:00'))).toBe(169);
    expect(length(paris('2026-11-25T10:00', '+01:00'))).toBe(168);
  });

  it('gives the same bounds whatever the time zone of the server', () => {
    const now = paris('2026-03-29T01:30', '+01:00');
    const original = process.env.TZ;
    const answers = ['UTC', 'America/New_York', 'Asia/Tokyo', 'Europe/Paris'].map((zone) => {
      process.env.TZ = zone;
      const { from, to } = historyPeriodBounds('week', now);
      return `${from.toISOString()}/${to.toISOString()}`;
    });
    process.env.TZ = original;
    expect(new Set(answers)).toEqual(new Set(['2026-03-22T23:00:00.000Z/2026-03-29T22:00:00.000Z']));
  });
});
