import type { Knex } from 'knex';

/**
 * A change of sign-in address waits for a single-use link sent to the new address: the link is an
 * account token like activation and reset ones, carrying the address it confirms.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('account_tokens', (t) => {
    t.text('new_email').nullable();
  });
  await knex.raw(`ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose`);
  await knex.raw(
    `ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose CHECK (purpose IN ('activation', 'password_reset', 'email_change'))`,
  );
  await knex.raw(
    `ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_new_email CHECK ((purpose = 'email_change') = (new_email IS NOT NULL))`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex('account_tokens').where({ purpose: 'email_change' }).delete();
  await knex.raw(`ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_new_email`);
  await knex.raw(`ALTER TABLE account_tokens DROP CONSTRAINT account_tokens_purpose`);
  await knex.raw(
    `ALTER TABLE account_tokens ADD CONSTRAINT account_tokens_purpose CHECK (purpose IN ('activation', 'password_reset'))`,
  );
  await knex.schema.alterTable('account_tokens', (t) => {
    t.dropColumn('new_email');
  });
}
