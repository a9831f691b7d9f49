import type { Knex } from 'knex';

/**
 * Requested documents (DESIGN §6 `/documents`, §7 Documents; issue 13 items 1–3). One row of
 * `family_documents` per sending of a document type for the family (`member_id` null) or for one
 * child: pending until staff accept it with a validity end (the last valid day, inclusive) or
 * refuse it with a reason. Its pages are `stored_files`, in `family_document_files`. A family
 * has at most one pending sending per type and member: files sent meanwhile join it.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('family_documents', (t) => {
    t.increments('id');
    t.integer('commune_id').notNullable();
    t.integer('family_id').notNullable();
    t.integer('member_id');
    t.text('type_code').notNullable();
    t.text('status').notNullable();
    t.integer('submitted_by').notNullable();
    t.timestamp('submitted_at', { useTz: true }).notNullable();
    t.integer('decided_by');
    t.timestamp('decided_at', { useTz: true });
    t.date('valid_until');
    t.text('refusal_reason');
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'member_id']).references(['commune_id', 'id']).inTable('members');
    t.foreign(['commune_id', 'submitted_by']).references(['commune_id', 'id']).inTable('users');
    t.foreign(['commune_id', 'decided_by']).references(['commune_id', 'id']).inTable('users');
    t.unique(['commune_id', 'id']);
    t.index(['commune_id', 'family_id']);
  });
  await knex.raw(`
    ALTER TABLE family_documents ADD CONSTRAINT family_documents_status CHECK (
      (status = 'pending' AND decided_at IS NULL AND valid_until IS NULL AND refusal_reason IS NULL)
      OR (status = 'accepted' AND decided_at IS NOT NULL AND valid_until IS NOT NULL AND refusal_reason IS NULL)
      OR (status = 'refused' AND decided_at IS NOT NULL AND valid_until IS NULL AND length(refusal_reason) > 0)
    )`);
  // One pending sending per (family, type, member): a second page sent meanwhile joins the first.
  await knex.raw(`
    CREATE UNIQUE INDEX family_documents_one_pending
      ON family_documents (commune_id, family_id, type_code, coalesce(member_id, 0)) WHERE status = 'pending'`);
  // The staff queue, oldest first.
  await knex.raw(`CREATE INDEX family_documents_queue ON family_documents (commune_id, submitted_at, id) WHERE status = 'pending'`);

  await knex.schema.createTable('family_document_files', (t) => {
    t.integer('commune_id').notNullable();
    t.integer('document_id').notNullable();
    t.integer('file_id').notNullable();
    t.foreign(['commune_id', 'document_id']).references(['commune_id', 'id']).inTable('family_documents');
    t.foreign(['commune_id', 'file_id']).references(['commune_id', 'id']).inTable('stored_files');
    t.primary(['commune_id', 'document_id', 'file_id']);
    t.unique(['commune_id', 'file_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('family_document_files');
  await knex.schema.dropTable('family_documents');
}
