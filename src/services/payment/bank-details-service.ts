import { checkIban, maskIban } from '../../domain/sepa.ts';
import type { Executor } from '../../data/database.ts';
import type { Repositories } from '../../data/index.ts';
import type { StoredIban } from '../../data/mandate-repository.ts';
import { DecryptionError, type DataCipher } from '../../integrations/data-cipher.ts';
import { ibanContext } from '../../model/mandate.ts';

/** How many mandates one transaction encrypts or re-encrypts. */
const BATCH = 200;

/** An IBAN ready to store: encrypted for its family, and masked for the pages. */
export interface SealedIban {
  ibanEncrypted: string;
  ibanMasked: string;
}

/** What `npm run rotate-key` did. */
export interface RotationReport {
  /** Values re-encrypted with the current key. */
  reencrypted: number;
  /** Values it could not decrypt (key missing from the ring, or altered), by mandate id. */
  unreadable: { mandateId: number; problem: DecryptionError['problem'] }[];
}

/** Start-up refuses a key ring that cannot read every stored IBAN. */
export class MissingKeyError extends Error {
  constructor(readonly missing: { keyId: string; count: number }[]) {
    super(`data encryption keys missing from the ring: ${missing.map((key) => `${key.keyId} (${key.count})`).join(', ')}`);
    this.name = 'MissingKeyError';
  }
}

/**
 * Families' bank details at rest (issue 18 point 5): an IBAN is encrypted before it is stored,
 * decrypted only in memory to write the debit file, and shown everywhere else from its masked form.
 * The cipher (its key ring) is given by the composition root.
 */
export function bankDetailsService(repositories: Repositories, cipher: DataCipher) {
  const { db, mandates } = repositories;

  function seal(communeId: number, familyId: number, iban: string): SealedIban {
    return { ibanEncrypted: cipher.encrypt(iban, ibanContext(communeId, familyId)), ibanMasked: maskIban(iban) };
  }

  /**
   * Runs `step` on the rows `lock` claims, batch after batch in id order, each batch one
   * transaction; a row `step` gives nothing for is left as it is.
   */
  async function inBatches(lock: (afterId: number, trx: Executor) => Promise<StoredIban[]>, step: (row: StoredIban) => SealedIban | undefined): Promise<number> {
    let afterId = 0;
    let count = 0;
    for (;;) {
      const rows = await db.transaction(async (trx) => {
        const claimed = await lock(afterId, trx);
        for (const row of claimed) {
          const sealed = step(row);
          if (sealed) await mandates.storeEncryptedIban(row.communeId, row.id, { encrypted: sealed.ibanEncrypted, masked: sealed.ibanMasked }, trx);
        }
        return claimed;
      });
      count += rows.length;
      if (rows.length < BATCH) return count;
      afterId = rows[rows.length - 1]!.id;
    }
  }

  return {
    /** The id of the key new values are encrypted with. */
    currentKeyId: cipher.currentKeyId,

    seal,

    /** The whole IBAN of a family's mandate, for the debit file only; never stored nor logged. */
    open(communeId: number, familyId: number, ibanEncrypted: string): string {
      return cipher.decrypt(ibanEncrypted, ibanContext(communeId, familyId));
    },

    /**
     * Encrypts the IBANs still in clear (written before migration 40), every commune, and empties
     * their clear column. Idempotent, and safe with several processes starting together (rows are
     * claimed with SKIP LOCKED). Answers how many it encrypted.
     */
    async encryptClearIbans(): Promise<number> {
      return inBatches(
        (afterId, trx) => mandates.lockClearIbans(afterId, BATCH, trx),
        (row) => {
          // Stored once checked, so in electronic format; checked again rather than trusted.
          const checked = checkIban(row.value);
          return seal(row.communeId, row.familyId, checked.ok ? checked.value : row.value);
        },
      );
    },

    /**
     * Refuses (MissingKeyError) a key ring that lacks a key some stored IBAN was encrypted with:
     * better no start than debit files that cannot be written.
     */
    async checkKeys(): Promise<void> {
      const missing = [...(await mandates.countIbansByKey())].filter(([keyId]) => !cipher.knows(keyId)).map(([keyId, count]) => ({ keyId, count }));
      if (missing.length) throw new MissingKeyError(missing);
    },

    /**
     * Re-encrypts with the current key every IBAN encrypted with an older one (`npm run
     * rotate-key`); afterwards the older keys can leave the ring. A value none of the keys opens is
     * left as it is and reported, never overwritten.
     */
    async reencrypt(): Promise<RotationReport> {
      const unreadable: RotationReport['unreadable'] = [];
      let reencrypted = 0;
      await inBatches(
        (afterId, trx) => mandates.lockIbansNotUnder(cipher.currentKeyId, afterId, BATCH, trx),
        (row) => {
          try {
            const iban = cipher.decrypt(row.value, ibanContext(row.communeId, row.familyId));
            reencrypted += 1;
            return seal(row.communeId, row.familyId, iban);
          } catch (error) {
            if (!(error instanceof DecryptionError)) throw error;
            unreadable.push({ mandateId: row.id, problem: error.problem });
            return undefined;
          }
        },
      );
      return { reencrypted, unreadable };
    },
  };
}

export type BankDetailsService = ReturnType<typeof bankDetailsService>;
