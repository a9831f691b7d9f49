import type { Knex } from 'knex';

/**
 * Issue 18 item 7: a family's storage budget counts the files the family sent, not those staff
 * attached to their answers (they are kept with the family's id so the family may download them).
 * `sent_by_staff` tells them apart; the attachments of staff messages already sent are marked.
 * `pages`: a PDF's pages as the PDF reader counted them (an image is one page), so the cap on the
 * pages of one sending holds across the files joined to it; files stored before count as one page.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stored_files', (t) => {
    t.boolean('sent_by_staff').notNullable().defaultTo(false);
    t.integer('pages').notNullable().defaultTo(1);
  });
  await knex.raw(`ALTER TABLE stored_files ADD CONSTRAINT stored_files_pages CHECK (pages >= 1)`);
  await knex.raw(`
    UPDATE stored_files f SET sent_by_staff = true
      FROM messages m
     WHERE m.commune_id = f.commune_id AND m.attachment_file_id = f.id AND m.author_role = 'staff'`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('stored_files', (t) => {
    t.dropColumn('sent_by_staff');
    t.dropColumn('pages');
  });
}
