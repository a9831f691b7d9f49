import type { Knex } from 'knex';

/**
 * IBANs encrypted at rest (issue 18 point 5). A mandate's IBAN moves from `iban` (clear text) to
 * `iban_encrypted` (AES-256-GCM, `v1:<key id>:…`, src/integrations/data-cipher.ts) with its masked
 * form in `iban_masked` (« FR76 •••• … 189 »), which is all the pages show, so they decrypt nothing.
 *
 * A migration has no key (keys are the application's configuration, not the schema's): it only
 * makes room. The start-up that follows it encrypts the rows still in clear and empties their
 * `iban` (src/services/payment/bank-details-service.ts `encryptClearIbans`, run by prepareDatabase
 * before anything serves), so after one start no row holds an IBAN in clear. A later migration may
 * drop `iban` once every deployment has started on this one.
 *
 * Each row holds its IBAN in one form only, and the encrypted form is never clear text.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sepa_mandates', (t) => {
    t.text('iban_encrypted').nullable();
    t.text('iban_masked').nullable();
    t.setNullable('iban');
  });
  await knex.raw(
    `ALTER TABLE sepa_mandates ADD CONSTRAINT sepa_mandates_iban_one_form CHECK (
       (iban IS NULL) <> (iban_encrypted IS NULL)
       AND (iban_encrypted IS NULL OR iban_masked IS NOT NULL))`,
  );
  await knex.raw(`ALTER TABLE sepa_mandates ADD CONSTRAINT sepa_mandates_iban_encrypted CHECK (iban_encrypted ~ '^v1:[0-9a-f]{8}:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$')`);
}

export async function down(knex: Knex): Promise<void> {
  const encrypted = await knex('sepa_mandates').whereNotNull('iban_encrypted').count<{ count: string }[]>('* as count');
  if (Number(encrypted[0]?.count ?? 0) > 0) throw new Error('sepa_mandates holds encrypted IBANs: decrypting them needs the key, which a migration does not have');
  await knex.raw('ALTER TABLE sepa_mandates DROP CONSTRAINT sepa_mandates_iban_encrypted, DROP CONSTRAINT sepa_mandates_iban_one_form');
  await knex.schema.alterTable('sepa_mandates', (t) => {
    t.dropColumn('iban_masked');
    t.dropColumn('iban_encrypted');
    t.dropNullable('iban');
  });
}
