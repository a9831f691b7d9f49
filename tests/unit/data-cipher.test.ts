import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { dataCipherFor, dataEncryptionKeyOf } from '../../src/bootstrap.ts';
import { decodeDataKey } from '../../src/config/data-keys.ts';
import { dataCipher, DecryptionError, generateKeyText, keyIdOf } from '../../src/integrations/data-cipher.ts';
import { StartupError } from '../../src/startup-failure.ts';

const IBAN = 'FR7630006000011234567890189';
const CONTEXT = 'sepa_mandates.iban:2:41';
const key = () => decodeDataKey(generateKeyText())!;

/** The value with one character of its ciphertext part changed. */
function altered(stored: string): string {
  const parts = stored.split(':');
  const sealed = parts[3]!;
  const flipped = sealed[5] === 'A' ? 'B' : 'A';
  parts[3] = `${sealed.slice(0, 5)}${flipped}${sealed.slice(6)}`;
  return parts.join(':');
}

function problemOf(act: () => unknown): DecryptionError['problem'] | undefined {
  try {
    act();
  } catch (error) {
    if (error instanceof DecryptionError) return error.problem;
    throw error;
  }
  return undefined;
}

describe('dataCipher (AES-256-GCM)', () => {
  it('gives back what it encrypted, under its key id, and never the same ciphertext twice', () => {
    const cipher = dataCipher(key());
    const first = cipher.encrypt(IBAN, CONTEXT);
    const second = cipher.encrypt(IBAN, CONTEXT);
    expect(first).toMatch(new RegExp(`^v1:${cipher.currentKeyId}:[A-Za-z0-9_-]{16}:[A-Za-z0-9_-]+$`));
    expect(first).not.toBe(second);
    expect(first).not.toContain('3000600001');
    expect(cipher.decrypt(first, CONTEXT)).toBe(IBAN);
    expect(cipher.decrypt(second, CONTEXT)).toBe(IBAN);
    expect(cipher.keyIdIn(first)).toBe(cipher.currentKeyId);
  });

  it('refuses a tampered ciphertext, a cut one, and one read in another context (another family)', () => {
    const cipher = dataCipher(key());
    const stored = cipher.encrypt(IBAN, CONTEXT);
    expect(problemOf(() => cipher.decrypt(altered(stored), CONTEXT))).toBe('tampered');
    expect(problemOf(() => cipher.decrypt(stored.slice(0, -4), CONTEXT))).toBe('tampered');
    expect(problemOf(() => cipher.decrypt(stored, 'sepa_mandates.iban:2:42'))).toBe('tampered');
    expect(problemOf(() => cipher.decrypt(stored.replace(/^v1:/, 'v2:'), CONTEXT))).toBe('format');
    expect(problemOf(() => cipher.decrypt(IBAN, CONTEXT))).toBe('format');
  });

  it('refuses a value of a key it does not hold, naming the key id and never the value', () => {
    const before = dataCipher(key());
    const stored = before.encrypt(IBAN, CONTEXT);
    const other = dataCipher(key());
    const error = (() => {
      try {
        other.decrypt(stored, CONTEXT);
      } catch (caught) {
        return caught as DecryptionError;
      }
    })();
    expect(error).toBeInstanceOf(DecryptionError);
    expect([error!.problem, error!.keyId]).toEqual(['unknown_key', before.currentKeyId]);
    expect(error!.message).not.toContain(stored.split(':')[3]);
    expect(other.knows(before.currentKeyId)).toBe(false);
  });

  it('refuses a value whose key id was rewritten: the id only chooses the key', () => {
    const cipher = dataCipher(key());
    const stored = cipher.encrypt(IBAN, CONTEXT);
    expect(problemOf(() => cipher.decrypt(stored.replace(cipher.currentKeyId, '00000000'), CONTEXT))).toBe('unknown_key');
  });

  it('encrypts with the current key and still reads the older ones of the ring', () => {
    const [oldKey, newKey] = [key(), key()];
    const stored = dataCipher(oldKey).encrypt(IBAN, CONTEXT);
    const ring = dataCipher(newKey, [oldKey]);
    expect(ring.decrypt(stored, CONTEXT)).toBe(IBAN);
    expect(ring.keyIdIn(ring.encrypt(IBAN, CONTEXT))).toBe(keyIdOf(newKey));
    expect(ring.knows(keyIdOf(oldKey))).toBe(true);
  });

  it('derives a key id from the key: stable, 8 hexadecimal characters, different for another key', () => {
    const one = key();
    expect(keyIdOf(one)).toMatch(/^[0-9a-f]{8}$/);
    expect(keyIdOf(Buffer.from(one))).toBe(keyIdOf(one));
    expect(keyIdOf(key())).not.toBe(keyIdOf(one));
    expect(() => dataCipher(Buffer.alloc(16))).toThrow(RangeError);
  });
});

describe('decodeDataKey', () => {
  it('takes 32 bytes in base64 or hexadecimal, and nothing else', () => {
    expect(decodeDataKey(generateKeyText())).toHaveLength(32);
    expect(decodeDataKey('ab'.repeat(32))).toHaveLength(32);
    expect(decodeDataKey('ab'.repeat(16))).toBeUndefined();
    expect(decodeDataKey('change-me')).toBeUndefined();
    expect(decodeDataKey(Buffer.alloc(24).toString('base64'))).toBeUndefined();
  });
});

describe('the data key outside production', () => {
  it('is generated once in DATA_DIR, readable by its owner only, and kept across starts', () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'espace-famille-key-'));
    try {
      const first = dataEncryptionKeyOf({ NODE_ENV: 'development', DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: undefined });
      const file = path.join(dataDir, 'data-encryption-key');
      expect(fs.statSync(file).mode & 0o777).toBe(0o600);
      expect(decodeDataKey(first)).toHaveLength(32);
      expect(dataEncryptionKeyOf({ NODE_ENV: 'development', DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: undefined })).toBe(first);
      const stored = dataCipherFor({ NODE_ENV: 'development', DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: undefined, DATA_ENCRYPTION_OLD_KEYS: undefined }).encrypt(IBAN, CONTEXT);
      expect(dataCipherFor({ NODE_ENV: 'development', DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: undefined, DATA_ENCRYPTION_OLD_KEYS: undefined }).decrypt(stored, CONTEXT)).toBe(IBAN);
      fs.writeFileSync(file, 'not a key');
      expect(() => dataEncryptionKeyOf({ NODE_ENV: 'development', DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: undefined })).toThrow(StartupError);
    } finally {
      fs.rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('is never made up in production: the key comes from the environment', () => {
    const dataDir = path.join(os.tmpdir(), 'espace-famille-no-key-here');
    expect(() => dataEncryptionKeyOf({ NODE_ENV: 'production', DATA_DIR: dataDir, DATA_ENCRYPTION_KEY: undefined })).toThrow(/DATA_ENCRYPTION_KEY/);
    expect(fs.existsSync(dataDir)).toBe(false);
  });
});
