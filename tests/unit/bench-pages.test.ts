import { describe, expect, it } from 'vitest';
import { arrivalsPerSecond, changedWeek, csrfTokenFrom, formBody, locationOf, percentile, sessionCookieFrom, weekFormFrom } from '../../bench/pages.ts';

describe('what the benchmark reads from the app', () => {
  it('keeps the session cookie of a Set-Cookie header, whatever its case, and nothing else', () => {
    expect(sessionCookieFrom({ 'Set-Cookie': ['other=1; Path=/', 'ef.sid=s%3Aabc.def; Path=/; HttpOnly; SameSite=Lax'] })).toBe('ef.sid=s%3Aabc.def');
    expect(sessionCookieFrom({ 'set-cookie': 'ef.sid=xyz; Path=/' })).toBe('ef.sid=xyz');
    expect(sessionCookieFrom({ 'Content-Type': 'text/html' })).toBeUndefined();
    expect(locationOf({ Location: '/echirolles/tableau-de-bord' })).toBe('/echirolles/tableau-de-bord');
  });

  it('reads the CSRF token, unescaped', () => {
    expect(csrfTokenFrom('<input type="hidden" name="_csrf" value="a&amp;b">')).toBe('a&b');
    expect(csrfTokenFrom('<p>pas de formulaire</p>')).toBeUndefined();
  });

  const week = `
    <form method="post" action="/echirolles/reservations/12">
      <input type="hidden" name="_csrf" value="tok">
      <input type="hidden" name="semaine" value="2026-W49">
      <input type="hidden" name="avant" value="1:2026-11-30,1:2026-12-01">
      <input type="checkbox" id="c1" name="jours" value="1:2026-11-30" checked
        data-initial="oui">
      <input type="checkbox" id="c2" name="jours" value="1:2026-12-01" checked
        data-initial="oui">
      <input type="checkbox" id="c3" name="jours" value="5:2026-12-02"
        data-initial="non">`;

  it('reads the week form: token, week, the cells drawn ticked and every changeable cell', () => {
    expect(weekFormFrom(week)).toEqual({
      csrf: 'tok',
      week: '2026-W49',
      shown: '1:2026-11-30,1:2026-12-01',
      cells: [
        { key: '1:2026-11-30', checked: true },
        { key: '1:2026-12-01', checked: true },
        { key: '5:2026-12-02', checked: false },
      ],
    });
    expect(weekFormFrom('<p>Aucune activité</p>')).toBeUndefined();
  });

  it('changes a week: unticks the first ticked day, or ticks the first day of an empty week', () => {
    expect(changedWeek(weekFormFrom(week)!)).toEqual(['1:2026-12-01']);
    expect(changedWeek({ csrf: 't', week: 'w', shown: '', cells: [{ key: 'a', checked: false }, { key: 'b', checked: false }] })).toEqual(['a']);
    expect(changedWeek({ csrf: 't', week: 'w', shown: '', cells: [] })).toEqual([]);
  });

  it('writes a form body, repeating a field for a list', () => {
    expect(formBody({ _csrf: 'a b', jours: ['1:2026-11-30', '2:2026-12-01'] })).toBe('_csrf=a+b&jours=1%3A2026-11-30&jours=2%3A2026-12-01');
    expect(formBody({ jours: [] })).toBe('');
  });
});

describe('percentile (nearest rank)', () => {
  it.each([
    [[], 50, undefined],
    [[7], 99, 7],
    [[5, 1, 4, 2, 3], 50, 3],
    [Array.from({ length: 100 }, (_, index) => index + 1), 99, 99],
    [Array.from({ length: 100 }, (_, index) => index + 1), 100, 100],
    [[10, 20], 0, 10],
  ])('of %j at %d is %s', (values, p, expected) => expect(percentile(values, p)).toBe(expected));
});

describe('arrivals of the rush', () => {
  it('spreads 2,500 parents over 60 seconds, 41 or 42 a second, all of them', () => {
    const arrivals = arrivalsPerSecond(2_500, 60);
    expect(arrivals).toHaveLength(60);
    expect(arrivals.reduce((sum, count) => sum + count, 0)).toBe(2_500);
    expect(new Set(arrivals)).toEqual(new Set([42, 41]));
    expect(arrivals[0]).toBe(42);
    expect(arrivals[59]).toBe(41);
  });
});
