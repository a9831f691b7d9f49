import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../src/domain/errors.ts';
import { idParam, parseRowId, rowId, rowIdList } from '../../src/web/row-id.ts';

describe('rowId', () => {
  it.each([
    ['1', 1],
    ['42', 42],
    ['1000000000', 1_000_000_000],
    ['2147483647', 2_147_483_647],
  ])('reads %s as %i', (raw, id) => {
    expect(parseRowId(raw)).toBe(id);
  });

  it.each([
    ['0'],
    ['-1'],
    ['+1'],
    ['01'],
    ['007'],
    [' 1'],
    ['1 '],
    ['1.0'],
    ['1.'],
    ['1e3'],
    ['0x10'],
    ['١٢'],
    ['2147483648'],
    ['3000000000'],
    ['9999999999'],
    ['99999999999999999999999'],
    [''],
    ['abc'],
    ['Infinity'],
    ['NaN'],
  ])('refuses %j', (raw) => {
    expect(parseRowId(raw)).toBeUndefined();
  });

  it.each([[undefined], [null], [12], [['12']], [{}]])('refuses what is not text: %j', (raw) => {
    expect(parseRowId(raw)).toBeUndefined();
  });

  it('gives the field its own message', () => {
    const result = rowId('Choisissez un enfant').safeParse('01');
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual(['Choisissez un enfant']);
  });
});

describe('rowIdList', () => {
  const list = rowIdList('Demande inconnue', 'Cochez au moins une demande');

  it('reads one id or several', () => {
    expect(list.parse('7')).toEqual([7]);
    expect(list.parse(['7', '2147483647'])).toEqual([7, 2_147_483_647]);
  });

  it.each([
    [undefined, 'Cochez au moins une demande'],
    [[], 'Cochez au moins une demande'],
    [['7', '3000000000'], 'Demande inconnue'],
    ['1e3', 'Demande inconnue'],
  ])('refuses %j with « %s »', (raw, message) => {
    const result = list.safeParse(raw);
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toBe(message);
  });
});

describe('idParam', () => {
  const request = (memberId: string) => ({ params: { memberId } }) as unknown as Request;

  it('reads the id of a URL', () => {
    expect(idParam(request('12'), 'memberId')).toBe(12);
  });

  it.each([['3000000000'], ['1e3'], ['-1'], ['01'], [' 1'], ['1.0']])('answers « not found » for %j', (raw) => {
    expect(() => idParam(request(raw), 'memberId')).toThrow(NotFoundError);
  });
});
