import { describe, expect, it } from 'vitest';
import { formKeyOf } from '../../src/web/forms.ts';

describe('formKeyOf', () => {
  it('reads the one-time key a form posts, in lower case', () => {
    expect(formKeyOf({ idempotency_key: '0F8FAD5B-D9CB-469F-A165-70867728950E' })).toBe('0f8fad5b-d9cb-469f-a165-70867728950e');
  });

  it.each([{}, { idempotency_key: '' }, undefined])('answers 400 to a form that carries none (%j): every form that reads a key requires it', (body) => {
    expect(() => formKeyOf(body)).toThrow(expect.objectContaining({ status: 400 }));
  });

  it.each([['pas-une-cle'], [['0f8fad5b-d9cb-469f-a165-70867728950e', '0f8fad5b-d9cb-469f-a165-70867728950e']], ["0f8fad5b-d9cb-469f-a165-70867728950e' OR 1=1"]])(
    'answers 400 to a malformed key (%j)',
    (key) => {
      expect(() => formKeyOf({ idempotency_key: key })).toThrow(expect.objectContaining({ status: 400 }));
    },
  );
});
