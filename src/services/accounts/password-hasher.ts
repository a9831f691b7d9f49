import argon2, { type HashOptions } from 'argon2';

export interface Argon2Parameters {
  memoryKib: number;
  timeCost: number;
  parallelism: number;
}

export interface PasswordHasher {
  hash(password: string): Promise<string>;
  /** `needsRehash` is true when the stored hash was made with other parameters than today's. */
  verify(hash: string, password: string): Promise<{ valid: boolean; needsRehash: boolean }>;
  /** Spends the same time as a real check; used when the account does not exist. */
  verifyAgainstDummy(password: string): Promise<void>;
}

/** argon2id with configurable cost (DESIGN §5: no weaker than OWASP's m=19 MiB, t=2, p=1). */
export function argon2Hasher(parameters: Argon2Parameters): PasswordHasher {
  const options: HashOptions & { raw?: false } = {
    type: argon2.argon2id,
    memoryCost: parameters.memoryKib,
    timeCost: parameters.timeCost,
    parallelism: parameters.parallelism,
  };
  let dummyHash: Promise<string> | undefined;
  return {
    hash: (password) => argon2.hash(password, options),
    async verify(hash, password) {
      let valid = false;
      try {
        valid = await argon2.verify(hash, password);
      } catch {
        valid = false;
      }
      return { valid, needsRehash: valid && argon2.needsRehash(hash, options) };
    },
    async verifyAgainstDummy(password) {
      dummyHash ??= argon2.hash('not-a-real-password-only-for-timing', options);
      await argon2.verify(await dummyHash, password).catch(() => false);
    },
  };
}
