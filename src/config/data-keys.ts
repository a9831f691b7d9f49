/**
 * The text forms of the data encryption keys (`DATA_ENCRYPTION_KEY`, `DATA_ENCRYPTION_OLD_KEYS`,
 * the key file kept in DATA_DIR outside production): 32 random bytes, written as 64 hexadecimal
 * characters or in base64.
 */
export const KEY_BYTES = 32;

/** A 32-byte key from its text, or undefined when the text is not one. */
export function decodeDataKey(text: string): Buffer | undefined {
  const trimmed = text.trim();
  const key = /^[0-9a-fA-F]{64}$/.test(trimmed)
    ? Buffer.from(trimmed, 'hex')
    : /^[A-Za-z0-9+/_-]{43}=?$/.test(trimmed)
      ? Buffer.from(trimmed, 'base64')
      : undefined;
  return key?.length === KEY_BYTES ? key : undefined;
}

/** The older keys, comma-separated (spaces tolerated); an empty text is no key. */
export function splitOldKeys(text: string | undefined): string[] {
  return (text ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean);
}
