import { describe, expect, it } from 'vitest';
import { askedDocuments, documentKey, documentState, isSatisfied, parseDocumentKey, type SendingFacts } from '../../src/domain/document-status.ts';

const at = (iso: string) => new Date(`${iso}T10:00:00+01:00`);
const pending = (day: string): SendingFacts => ({ status: 'pending', submittedAt: at(day), validUntil: null, refusalReason: null });
const accepted = (day: string, validUntil: string): SendingFacts => ({ status: 'accepted', submittedAt: at(day), validUntil, refusalReason: null });
const refused = (day: string, reason: string): SendingFacts => ({ status: 'refused', submittedAt: at(day), validUntil: null, refusalReason: reason });

describe('documentState', () => {
  const TODAY = '2026-11-23';
  it.each([
    ['nothing sent', [], { code: 'missing' }, false],
    ['sent, not checked yet', [pending('2026-11-20')], { code: 'pending', submittedAt: at('2026-11-20') }, false],
    ['accepted, valid until later', [accepted('2026-09-01', '2027-08-31')], { code: 'accepted', validUntil: '2027-08-31' }, true],
    ['accepted, today its last valid day', [accepted('2026-09-01', TODAY)], { code: 'accepted', validUntil: TODAY }, true],
    ['accepted, valid until yesterday', [accepted('2026-09-01', '2026-11-22')], { code: 'expired', validUntil: '2026-11-22' }, false],
    ['refused', [refused('2026-11-20', 'Illisible')], { code: 'refused', reason: 'Illisible' }, false],
    ['refused then sent again', [refused('2026-11-18', 'Illisible'), pending('2026-11-20')], { code: 'pending', submittedAt: at('2026-11-20') }, false],
    ['refused, sent again, accepted', [refused('2026-11-18', 'Illisible'), accepted('2026-11-20', '2027-08-31')], { code: 'accepted', validUntil: '2027-08-31' }, true],
    ['expired then sent again', [accepted('2025-09-01', '2026-08-31'), pending('2026-11-20')], { code: 'pending', submittedAt: at('2026-11-20') }, false],
    ['expired, renewal refused', [accepted('2025-09-01', '2026-08-31'), refused('2026-11-20', 'Mauvaise année')], { code: 'refused', reason: 'Mauvaise année' }, false],
    ['still valid while a renewal is checked', [accepted('2026-09-01', '2026-12-31'), pending('2026-11-20')], { code: 'accepted', validUntil: '2026-12-31' }, true],
    ['still valid though a renewal was refused', [accepted('2026-09-01', '2026-12-31'), refused('2026-11-20', 'Flou')], { code: 'accepted', validUntil: '2026-12-31' }, true],
    ['two sent at the same instant: the later one', [refused('2026-11-20', 'Flou'), pending('2026-11-20')], { code: 'pending', submittedAt: at('2026-11-20') }, false],
  ] as [string, SendingFacts[], unknown, boolean][])('%s', (_, sendings, state, satisfied) => {
    const found = documentState(sendings, TODAY);
    expect(found).toEqual(state);
    expect(isSatisfied(found)).toBe(satisfied);
  });
});

describe('askedDocuments', () => {
  const types = [
    { code: 'assurance', scope: 'child' as const },
    { code: 'domicile', scope: 'family' as const },
  ];
  const requiredByActivity = new Map([
    [1, ['assurance']],
    [2, ['assurance', 'domicile']],
    [3, []],
  ]);
  const registration = (memberId: number, activityId: number, status = 'validated', endsOn = '2027-07-02') => ({ memberId, activityId, status, endsOn });

  it('asks a per-child type of each child whose running registration requires it, a family type once', () => {
    const asked = askedDocuments(
      {
        types,
        requiredByActivity,
        registrations: [registration(10, 1), registration(10, 2, 'pending'), registration(11, 2), registration(12, 1, 'refused'), registration(13, 1, 'validated', '2026-07-03'), registration(14, 3)],
      },
      '2026-11-23',
    );
    expect([...asked.values()]).toEqual([
      { code: 'assurance', memberId: 10, activityIds: [1, 2] },
      { code: 'domicile', memberId: null, activityIds: [2] },
      { code: 'assurance', memberId: 11, activityIds: [2] },
    ]);
  });
});

describe('document keys', () => {
  it('name a child document by its type and the child, a family one by its type; anything else is unknown', () => {
    expect(documentKey('assurance', 12)).toBe('assurance.12');
    expect(documentKey('domicile', null)).toBe('domicile');
    expect(parseDocumentKey('assurance.12')).toEqual({ code: 'assurance', memberId: 12 });
    expect(parseDocumentKey('domicile')).toEqual({ code: 'domicile', memberId: null });
    expect(parseDocumentKey('assurance.x')).toBeUndefined();
    expect(parseDocumentKey('../etc')).toBeUndefined();
  });
});
