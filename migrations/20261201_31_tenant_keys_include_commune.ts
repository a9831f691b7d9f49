import type { Knex } from 'knex';
import { swapKeys } from './support/tenant-keys.ts';

/**
 * Every key of tenant data includes `commune_id` (DESIGN §3, issue 14 item 5), so the schema can be
 * distributed by commune (Citus) as it is: tests/integration/tenant-keys.test.ts reads the catalogue
 * and fails otherwise.
 *
 * - The tables below had `PRIMARY KEY (id)`: it becomes `PRIMARY KEY (commune_id, id)`. Most of them
 *   also had `UNIQUE (commune_id, id)`, which every composite foreign key to them leaned on; the
 *   primary key now plays that part, so the unique key is dropped rather than kept as a second index
 *   of the same columns. The foreign keys leaning on the dropped key are dropped first and added
 *   back with their exact definitions (names, ON DELETE / ON UPDATE actions), bound to the new
 *   primary key.
 * - `account_tokens.token_hash` was unique across communes: it is unique per commune (every lookup
 *   names the commune; a token is 256 random bits, so nothing that was allowed becomes refused).
 *
 * No row is changed; `id` keeps its sequence, so ids stay unique across communes as before.
 */

/** Table → whether it had `UNIQUE (commune_id, id)` (knex's name: `<table>_commune_id_id_unique`). */
const TABLES: Record<string, boolean> = {
  families: true,
  members: true,
  users: true,
  account_tokens: false,
  mail_outbox: false,
  sign_in_events: false,
  requests: true,
  audit_log: false,
  news: false,
  messages: true,
  activities: true,
  registrations: true,
  bookings: true,
  attendance: true,
  stored_files: true,
  absences: false,
  family_quotients: true,
  invoicing_runs: true,
  invoices: true,
  invoice_lines: true,
  payments: true,
  payment_invoices: false,
  sepa_mandates: true,
  debit_files: true,
  debit_lines: false,
};

const uniqueName = (table: string) => `${table}_commune_id_id_unique`;

export async function up(knex: Knex): Promise<void> {
  for (const [table, hadUnique] of Object.entries(TABLES)) {
    const from = hadUnique ? [`${table}_pkey`, uniqueName(table)] : [`${table}_pkey`];
    await swapKeys(knex, table, from, () => knex.raw('ALTER TABLE ?? ADD CONSTRAINT ?? PRIMARY KEY (commune_id, id)', [table, `${table}_pkey`]));
  }
  await knex.raw('ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_token_hash_unique');
  await knex.raw('ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_commune_id_token_hash_unique UNIQUE (commune_id, token_hash)');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_commune_id_token_hash_unique');
  await knex.raw('ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_token_hash_unique UNIQUE (token_hash)');
  for (const [table, hadUnique] of Object.entries(TABLES).reverse()) {
    await swapKeys(knex, table, [`${table}_pkey`], async () => {
      await knex.raw('ALTER TABLE ?? ADD CONSTRAINT ?? PRIMARY KEY (id)', [table, `${table}_pkey`]);
      if (hadUnique) await knex.raw('ALTER TABLE ?? ADD CONSTRAINT ?? UNIQUE (commune_id, id)', [table, uniqueName(table)]);
    });
  }
}
