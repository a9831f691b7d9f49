import type { Mandate, MandateStatus, NewMandate } from '../model/mandate.ts';
import type { Executor } from './database.ts';

interface MandateRow {
  id: number;
  commune_id: number;
  family_id: number;
  request_id: number;
  holder_name: string;
  iban_masked: string;
  bic: string;
  address: string;
  postcode: string;
  city: string;
  status: MandateStatus;
  reference: string | null;
  signed_on: string | null;
  first_debit_done: boolean;
  created_at: Date;
}

const toMandate = (row: MandateRow): Mandate => ({
  id: row.id,
  familyId: row.family_id,
  requestId: row.request_id,
  holderName: row.holder_name,
  ibanMasked: row.iban_masked,
  bic: row.bic,
  address: row.address,
  postcode: row.postcode,
  city: row.city,
  status: row.status,
  reference: row.reference,
  signedOn: row.signed_on,
  firstDebitDone: row.first_debit_done,
  createdAt: row.created_at,
});

/** A mandate's IBAN as stored: in clear (before migration 40) or encrypted, with what it is encrypted for. */
export interface StoredIban {
  id: number;
  communeId: number;
  familyId: number;
  value: string;
}

/** SEPA mandates (migration 26); every method takes the commune first. */
export function mandateRepository(db: Executor) {
  return {
    async insert(communeId: number, mandate: NewMandate, executor: Executor = db): Promise<number> {
      const [row] = await executor('sepa_mandates')
        .insert({
          commune_id: communeId,
          family_id: mandate.familyId,
          request_id: mandate.requestId,
          holder_name: mandate.holderName,
          iban_encrypted: mandate.ibanEncrypted,
          iban_masked: mandate.ibanMasked,
          bic: mandate.bic,
          address: mandate.address,
          postcode: mandate.postcode,
          city: mandate.city,
          status: 'pending',
          created_at: mandate.createdAt,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    /** The mandate a request carries, locked for the decision. */
    async lockForRequest(communeId: number, requestId: number, executor: Executor): Promise<Mandate | undefined> {
      const row = await executor<MandateRow>('sepa_mandates').where({ commune_id: communeId, request_id: requestId }).forUpdate().first();
      return row ? toMandate(row) : undefined;
    },

    /** The family's mandates, newest first. */
    async listForFamily(communeId: number, familyId: number, executor: Executor = db): Promise<Mandate[]> {
      const rows = await executor<MandateRow>('sepa_mandates').where({ commune_id: communeId, family_id: familyId }).orderBy('id', 'desc');
      return rows.map(toMandate);
    },

    /** How many of the family's mandates ever got a reference: the next one is numbered after them. */
    async countReferenced(communeId: number, familyId: number, executor: Executor): Promise<number> {
      const [row] = await executor('sepa_mandates')
        .where({ commune_id: communeId, family_id: familyId })
        .whereNotNull('reference')
        .count<{ count: string }[]>('* as count');
      return Number(row?.count ?? 0);
    },

    async activate(communeId: number, id: number, reference: string, signedOn: string, executor: Executor): Promise<void> {
      await executor('sepa_mandates')
        .where({ commune_id: communeId, id, status: 'pending' })
        .update({ status: 'active', reference, signed_on: signedOn });
    },

    /** The commune's active mandates, by family, locked: the debit export flips their first debit. */
    async activeByFamily(communeId: number, executor: Executor): Promise<Map<number, Mandate>> {
      const rows = await executor<MandateRow>('sepa_mandates').where({ commune_id: communeId, status: 'active' }).forUpdate();
      return new Map(rows.map((row) => [row.family_id, toMandate(row)]));
    },

    async markFirstDebitDone(communeId: number, ids: number[], executor: Executor): Promise<void> {
      if (ids.length) await executor('sepa_mandates').where('commune_id', communeId).whereIn('id', ids).update({ first_debit_done: true });
    },

    /**
     * Mandates of every commune whose IBAN is still in clear (written before migration 40), locked
     * and skipped by another process doing the same: the start-up encrypts them.
     */
    async lockClearIbans(afterId: number, limit: number, executor: Executor): Promise<StoredIban[]> {
      const rows = await executor('sepa_mandates').whereNotNull('iban').andWhere('id', '>', afterId).orderBy('id').limit(limit).forUpdate().skipLocked().select('id', 'commune_id', 'family_id', 'iban');
      return rows.map((row) => ({ id: row.id, communeId: row.commune_id, familyId: row.family_id, value: row.iban }));
    },

    /**
     * Mandates of every commune whose IBAN is encrypted with another key than `keyId`, after `afterId`,
     * locked: what `npm run rotate-key` re-encrypts.
     */
    async lockIbansNotUnder(keyId: string, afterId: number, limit: number, executor: Executor): Promise<StoredIban[]> {
      const rows = await executor('sepa_mandates')
        .whereNotNull('iban_encrypted')
        .andWhere('id', '>', afterId)
        .andWhereRaw(`split_part(iban_encrypted, ':', 2) <> ?`, [keyId])
        .orderBy('id')
        .limit(limit)
        .forUpdate()
        .select('id', 'commune_id', 'family_id', 'iban_encrypted');
      return rows.map((row) => ({ id: row.id, communeId: row.commune_id, familyId: row.family_id, value: row.iban_encrypted }));
    },

    /** Stores a mandate's IBAN encrypted, and forgets its clear text. */
    async storeEncryptedIban(communeId: number, id: number, iban: { encrypted: string; masked: string }, executor: Executor): Promise<void> {
      await executor('sepa_mandates').where({ commune_id: communeId, id }).update({ iban: null, iban_encrypted: iban.encrypted, iban_masked: iban.masked });
    },

    /** How many IBANs each key id protects (every commune): the start-up checks it has them all. */
    async countIbansByKey(executor: Executor = db): Promise<Map<string, number>> {
      const rows = await executor('sepa_mandates')
        .whereNotNull('iban_encrypted')
        .groupByRaw(`split_part(iban_encrypted, ':', 2)`)
        .select(executor.raw(`split_part(iban_encrypted, ':', 2) AS key_id`), executor.raw('count(*)::int AS count'));
      return new Map(rows.map((row: { key_id: string; count: number }) => [row.key_id, row.count]));
    },

    async refuse(communeId: number, id: number, executor: Executor): Promise<void> {
      await executor('sepa_mandates').where({ commune_id: communeId, id, status: 'pending' }).update({ status: 'refused' });
    },
  };
}
