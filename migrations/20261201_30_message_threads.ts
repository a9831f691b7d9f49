import type { Knex } from 'knex';

/**
 * Two-way messages (issue 13 item 6). A message now belongs to a thread: the conversation of one
 * family with the service about one subject. The thread is the family's — both guardians read it
 * and either may answer — and holds what staff work on: whether it waits for an answer (the last
 * message is the family's and the thread is open), who it is assigned to, when staff last read it.
 *
 * Each message sent before this migration becomes a thread of its own with the same id, so the
 * links of the e-mails already sent (`/messages/<id>`) open that thread.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('message_threads', (t) => {
    // Keyed by commune too (every tenant key includes commune_id: tests/integration/tenant-keys.test.ts).
    t.increments('id', { primaryKey: false });
    t.integer('commune_id').notNullable().references('communes.id');
    t.integer('family_id').notNullable();
    t.text('subject').notNullable();
    // The child the family wrote about, if any.
    t.integer('member_id').nullable();
    t.integer('opened_by').notNullable();
    t.timestamp('opened_at', { useTz: true }).notNullable();
    t.timestamp('last_message_at', { useTz: true }).notNullable();
    t.text('last_author_role').notNullable();
    t.integer('assigned_to').nullable();
    t.timestamp('staff_read_at', { useTz: true }).nullable();
    t.timestamp('closed_at', { useTz: true }).nullable();
    t.integer('closed_by').nullable();
    t.foreign(['commune_id', 'family_id']).references(['commune_id', 'id']).inTable('families');
    t.foreign(['commune_id', 'member_id']).references(['commune_id', 'id']).inTable('members');
    t.foreign(['commune_id', 'opened_by']).references(['commune_id', 'id']).inTable('users');
    t.foreign(['commune_id', 'assigned_to']).references(['commune_id', 'id']).inTable('users');
    t.foreign(['commune_id', 'closed_by']).references(['commune_id', 'id']).inTable('users');
    t.primary(['commune_id', 'id']);
    t.index(['commune_id', 'family_id', 'last_message_at']);
    t.index(['commune_id', 'last_message_at']);
  });
  await knex.raw(`ALTER TABLE message_threads ADD CONSTRAINT message_threads_subject CHECK (btrim(subject) <> '')`);
  await knex.raw(`ALTER TABLE message_threads ADD CONSTRAINT message_threads_last_author CHECK (last_author_role IN ('staff', 'parent'))`);
  await knex.raw(`ALTER TABLE message_threads ADD CONSTRAINT message_threads_closed CHECK ((closed_at IS NULL) = (closed_by IS NULL))`);
  // The staff inbox counts open threads waiting for an answer, at every page of the back-office.
  await knex.raw(
    `CREATE INDEX message_threads_unanswered ON message_threads (commune_id, last_message_at) WHERE closed_at IS NULL AND last_author_role = 'parent'`,
  );

  await knex.raw(`
    INSERT INTO message_threads (id, commune_id, family_id, subject, opened_by, opened_at, last_message_at, last_author_role, staff_read_at)
    SELECT id, commune_id, family_id, subject, sent_by, sent_at, sent_at, 'staff', sent_at FROM messages`);
  await knex.raw(`SELECT setval(pg_get_serial_sequence('message_threads', 'id'), COALESCE((SELECT max(id) FROM message_threads), 0) + 1, false)`);

  await knex.schema.alterTable('messages', (t) => {
    t.integer('thread_id').nullable();
    t.text('author_role').notNullable().defaultTo('staff');
    t.integer('attachment_file_id').nullable();
  });
  await knex.raw(`UPDATE messages SET thread_id = id`);
  await knex.raw(`ALTER TABLE messages ALTER COLUMN thread_id SET NOT NULL, ALTER COLUMN author_role DROP DEFAULT`);
  await knex.raw(`ALTER TABLE messages ALTER COLUMN form_token DROP NOT NULL`);
  await knex.raw(`ALTER TABLE messages DROP CONSTRAINT messages_not_blank`);
  await knex.raw(`ALTER TABLE messages ADD CONSTRAINT messages_not_blank CHECK (btrim(body) <> '')`);
  await knex.raw(`ALTER TABLE messages DROP COLUMN subject`);
  await knex.raw(`ALTER TABLE messages ADD CONSTRAINT messages_author_role CHECK (author_role IN ('staff', 'parent'))`);
  // « Lu » is the family's reading of the service's messages; the family's own are never « unread ».
  await knex.raw(`ALTER TABLE messages ADD CONSTRAINT messages_read_by_family CHECK (author_role = 'staff' OR read_at IS NULL)`);
  await knex.schema.alterTable('messages', (t) => {
    t.foreign(['commune_id', 'thread_id']).references(['commune_id', 'id']).inTable('message_threads');
    t.foreign(['commune_id', 'attachment_file_id']).references(['commune_id', 'id']).inTable('stored_files');
    t.index(['commune_id', 'thread_id', 'sent_at']);
  });
  await knex.raw(
    `CREATE INDEX messages_unread_by_family ON messages (commune_id, family_id) WHERE read_at IS NULL AND author_role = 'staff'`,
  );
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`DROP INDEX messages_unread_by_family`);
  await knex.schema.alterTable('messages', (t) => {
    t.text('subject').nullable();
  });
  await knex.raw(`UPDATE messages m SET subject = th.subject FROM message_threads th WHERE th.commune_id = m.commune_id AND th.id = m.thread_id`);
  // Messages written by families had no place before threads.
  await knex.raw(`DELETE FROM messages WHERE author_role = 'parent'`);
  await knex.raw(`UPDATE messages SET form_token = gen_random_uuid() WHERE form_token IS NULL`);
  await knex.raw(`ALTER TABLE messages DROP CONSTRAINT messages_read_by_family, DROP CONSTRAINT messages_author_role, DROP CONSTRAINT messages_not_blank`);
  await knex.raw(`ALTER TABLE messages ALTER COLUMN subject SET NOT NULL, ALTER COLUMN form_token SET NOT NULL`);
  await knex.raw(`ALTER TABLE messages ADD CONSTRAINT messages_not_blank CHECK (btrim(subject) <> '' AND btrim(body) <> '')`);
  await knex.schema.alterTable('messages', (t) => {
    t.dropForeign(['commune_id', 'thread_id']);
    t.dropForeign(['commune_id', 'attachment_file_id']);
    t.dropIndex(['commune_id', 'thread_id', 'sent_at']);
    t.dropColumn('thread_id');
    t.dropColumn('author_role');
    t.dropColumn('attachment_file_id');
  });
  await knex.schema.dropTable('message_threads');
}
