import { KEY_BYTES } from '../config/data-keys.ts';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

/*
 * Encryption of the data a copy of the database must not give away (issue 18 point 5: the
 * families' IBANs). AES-256-GCM from Node's own crypto: an authenticated cipher, so a value
 * altered in the database, or moved to another row, is refused rather than decrypted to garbage.
 *
 * A stored value reads `v1:<key id>:<iv>:<ciphertext and tag>` (base64url). The key id is derived
 * from the key itself (an HMAC, which gives nothing of the key away), so an operator only handles
 * keys, never names for them, and two different keys cannot share an id by mistake. The key ring
 * holds the current key, which encrypts, and older keys, which only decrypt until `npm run
 * rotate-key` has re-encrypted what they protect (README « Bank details »).
 *
 * `context` is authenticated with the value (GCM's additional data) and never stored: the caller
 * gives what the value belongs to (e.g. `sepa_mandates.iban:<commune>:<family>`), so a ciphertext
 * copied onto another family's row does not decrypt there.
 */

const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const FORMAT = /^v1:([0-9a-f]{8}):([A-Za-z0-9_-]+):([A-Za-z0-9_-]+)$/;

/** Why a stored value cannot be decrypted; the value itself is never in the message. */
export type DecryptionProblem = 'format' | 'unknown_key' | 'tampered';

export class DecryptionError extends Error {
  constructor(
    readonly problem: DecryptionProblem,
    readonly keyId?: string,
  ) {
    super(problem === 'unknown_key' ? `encrypted with key ${keyId}, which is not in the key ring` : `encrypted value refused: ${problem}`);
    this.name = 'DecryptionError';
  }
}

/** A new random key, as the text `DATA_ENCRYPTION_KEY` takes. */
export function generateKeyText(): string {
  return randomBytes(KEY_BYTES).toString('base64');
}

/** The id every value encrypted with `key` carries: 8 hexadecimal characters. */
export function keyIdOf(key: Buffer): string {
  return createHmac('sha256', key).update('espace-famille data key id').digest('hex').slice(0, 8);
}

export interface DataCipher {
  /** The id of the key new values are encrypted with. */
  readonly currentKeyId: string;
  encrypt(plain: string, context: string): string;
  /** Throws a DecryptionError for a value of an unknown key, altered, or read in another context. */
  decrypt(stored: string, context: string): string;
  /** The key id a stored value names (undefined when it is not an encrypted value). */
  keyIdIn(stored: string): string | undefined;
  /** Whether the ring holds the key of this id. */
  knows(keyId: string): boolean;
}

/** The cipher of a key ring: `current` encrypts; `current` and `older` decrypt. */
export function dataCipher(current: Buffer, older: readonly Buffer[] = []): DataCipher {
  for (const key of [current, ...older]) {
    if (key.length !== KEY_BYTES) throw new RangeError(`a data encryption key is ${KEY_BYTES} bytes`);
  }
  const currentKeyId = keyIdOf(current);
  const ring = new Map<string, Buffer>();
  for (const key of [current, ...older]) ring.set(keyIdOf(key), key);

  return {
    currentKeyId,

    encrypt(plain, context) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', current, iv);
      cipher.setAAD(Buffer.from(context, 'utf8'));
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final(), cipher.getAuthTag()]);
      return `${VERSION}:${currentKeyId}:${iv.toString('base64url')}:${sealed.toString('base64url')}`;
    },

    decrypt(stored, context) {
      const match = FORMAT.exec(stored);
      if (!match) throw new DecryptionError('format');
      const [, keyId, ivText, sealedText] = match as unknown as [string, string, string, string];
      const key = ring.get(keyId);
      if (!key) throw new DecryptionError('unknown_key', keyId);
      const iv = Buffer.from(ivText, 'base64url');
      const sealed = Buffer.from(sealedText, 'base64url');
      if (iv.length !== IV_BYTES || sealed.length < TAG_BYTES) throw new DecryptionError('format');
      const decipher = createDecipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new DecryptionError('tampered', keyId);
      }
    },

    keyIdIn(stored) {
      return FORMAT.exec(stored)?.[1];
    },

    knows(keyId) {
      return ring.has(keyId);
    },
  };
}
