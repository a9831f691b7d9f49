import type { Knex } from 'knex';

/**
 * The porte-documents and the commune's documentation (DESIGN §6, §7 Documents, issue 13 items 4–5).
 *
 * - `private_files`: a parent's private storage. A row belongs to ONE account (`user_id`), not to the
 *   family: the other guardian and staff never see it. `label` is the name the parent gave it. The
 *   quota (50 Mo per account) is checked in the upload's transaction with the owner's `users` row
 *   locked, so two uploads at the limit cannot both pass.
 * - `commune_documents`: files staff publish for the commune's families (règlement intérieur, menus,
 *   forms). `to_return` marks a form to fill in and send back; it then names the document type of the
 *   commune file (`document_type_code`) the family sends it as.
 *
 * Both keep the file in PostgreSQL like `stored_files` (bytea, size, type detected from the content,
 * sha256), so every instance sees them and backups include them (DESIGN §11 Files).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('private_files', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('user_id').notNullable();
    t.text('label').notNullable();
    t.binary('content').notNullable();
    t.integer('size').notNullable();
    t.text('detected_type').notNullable();
    t.text('sha256').notNullable();
    t.text('original_name').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable();
    t.foreign(['commune_id', 'user_id']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.index(['commune_id', 'user_id']);
  });
  await knex.raw(`ALTER TABLE private_files ADD CONSTRAINT private_files_type CHECK (detected_type IN ('application/pdf', 'image/jpeg', 'image/png'))`);
  await knex.raw(`ALTER TABLE private_files ADD CONSTRAINT private_files_size CHECK (size = octet_length(content) AND size > 0)`);
  await knex.raw(`ALTER TABLE private_files ADD CONSTRAINT private_files_label CHECK (char_length(label) BETWEEN 1 AND 100)`);

  await knex.schema.createTable('commune_documents', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.text('title').notNullable();
    t.text('description').notNullable().defaultTo('');
    t.boolean('to_return').notNullable().defaultTo(false);
    t.text('document_type_code').nullable();
    t.binary('content').notNullable();
    t.integer('size').notNullable();
    t.text('detected_type').notNullable();
    t.text('sha256').notNullable();
    t.text('original_name').notNullable();
    t.integer('published_by').notNullable();
    t.timestamp('published_at', { useTz: true }).notNullable();
    t.foreign('commune_id').references('id').inTable('communes');
    t.foreign(['commune_id', 'published_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.index(['commune_id', 'published_at']);
  });
  await knex.raw(`ALTER TABLE commune_documents ADD CONSTRAINT commune_documents_type CHECK (detected_type IN ('application/pdf', 'image/jpeg', 'image/png'))`);
  await knex.raw(`ALTER TABLE commune_documents ADD CONSTRAINT commune_documents_size CHECK (size = octet_length(content) AND size > 0)`);
  await knex.raw(`ALTER TABLE commune_documents ADD CONSTRAINT commune_documents_title CHECK (char_length(title) BETWEEN 1 AND 150 AND char_length(description) <= 500)`);
  await knex.raw(`ALTER TABLE commune_documents ADD CONSTRAINT commune_documents_return CHECK (NOT to_return OR document_type_code IS NOT NULL)`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('commune_documents');
  await knex.schema.dropTable('private_files');
}
