import type { Knex } from 'knex';

/**
 * Staff search families without minding accents (« Zoe » finds « Zoé »). `unaccent` ships with
 * PostgreSQL's contrib modules (the embedded binaries and the official image include it) and is a
 * trusted extension: the database owner may create it without being a superuser.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw('CREATE EXTENSION IF NOT EXISTS unaccent');
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('DROP EXTENSION IF EXISTS unaccent');
}
