import type { Executor } from './database.ts';
import type { StoredFile, StoredFileMeta, StoredFileType } from '../model/stored-file.ts';
export type { StoredFile, StoredFileMeta, StoredFileType } from '../model/stored-file.ts';

/** A `stored_files` row as knex reads it; `content` only when asked for. */
export interface StoredFileRow {
  id: number;
  family_id: number;
  size: number;
  detected_type: StoredFileType;
  sha256: string;
  original_name: string;
  created_at: Date;
  content?: Buffer;
}

/** The columns of a file without its bytes, under the alias `table` (e.g. `f`). */
export const storedFileColumns = (table: string) =>
  ['id', 'family_id', 'size', 'detected_type', 'sha256', 'original_name', 'created_at'].map((column) => `${table}.${column}`);

/** The one mapping of a `stored_files` row (the other repositories join it and map it here). */
export const toStoredFileMeta = (row: StoredFileRow): StoredFileMeta => ({
  id: row.id,
  familyId: row.family_id,
  size: row.size,
  detectedType: row.detected_type,
  sha256: row.sha256,
  originalName: row.original_name,
  createdAt: row.created_at,
});

export const toStoredFile = (row: StoredFileRow): StoredFile => ({ ...toStoredFileMeta(row), content: row.content! });

/**
 * The columns every table of files shares (`stored_files`, `private_files`, `commune_documents`):
 * the bytes, their size, the type read from them, their SHA-256 and the sender's name.
 */
export const fileContentColumns = (file: { content: Buffer; detectedType: StoredFileType; sha256: string; originalName: string }) => ({
  content: file.content,
  size: file.content.length,
  detected_type: file.detectedType,
  sha256: file.sha256,
  original_name: file.originalName,
});

/**
 * The files a family sent or was sent (DESIGN §11 Files): requested documents' pages, message
 * attachments, absence certificates, quotient attestations — one table, `stored_files`, written
 * and read here only; the areas that link a file (documents, messages, requests) keep its id.
 */
export function storedFileRepository(db: Executor) {
  return {
    async insert(
      communeId: number,
      file: { familyId: number; content: Buffer; detectedType: StoredFileType; sha256: string; originalName: string; createdAt: Date; sentByStaff: boolean; pages: number },
      executor: Executor = db,
    ): Promise<number> {
      const [row] = await executor('stored_files')
        .insert({
          commune_id: communeId,
          family_id: file.familyId,
          ...fileContentColumns(file),
          created_at: file.createdAt,
          sent_by_staff: file.sentByStaff,
          pages: file.pages,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    /**
     * The file attached to a request of the commune — an absence's certificate, a quotient
     * declaration's attestation; with `familyId`, of that family only.
     */
    async findOfRequest(communeId: number, requestId: number, familyId?: number, executor: Executor = db): Promise<StoredFile | undefined> {
      const row = (await executor('requests as r')
        .join('stored_files as f', function joinFile() {
          this.on('f.commune_id', 'r.commune_id')
            .andOn('f.family_id', 'r.family_id')
            .andOn('f.id', executor.raw(`(r.payload->>'fileId')::int`));
        })
        .where({ 'r.commune_id': communeId, 'r.id': requestId })
        .whereIn('r.type', ['absence', 'quotient_familial'])
        .modify((query) => {
          if (familyId !== undefined) query.andWhere('r.family_id', familyId);
        })
        .select('f.*')
        .first()) as StoredFileRow | undefined;
      return row && toStoredFile(row);
    },

    /**
     * Locks the family's row for the rest of the transaction (FOR NO KEY UPDATE: foreign keys to it
     * still pass): two writes of files for the same family then check its budget one after the other.
     * False when the family is not the commune's.
     */
    async lockFamily(communeId: number, familyId: number, executor: Executor): Promise<boolean> {
      return Boolean(await executor('families').where({ commune_id: communeId, id: familyId }).forNoKeyUpdate().first('id'));
    },

    /**
     * The bytes the family's own files take (issue 18 item 7): what it sent in `stored_files`
     * (documents, attachments, certificates, attestations — not the files staff attached to their
     * answers) and the porte-documents of its guardians' accounts, in one query.
     */
    async familyUsage(communeId: number, familyId: number, executor: Executor = db): Promise<number> {
      const result = await executor.raw<{ rows: { used: string }[] }>(
        `SELECT (
           COALESCE((SELECT sum(size) FROM stored_files WHERE commune_id = ? AND family_id = ? AND NOT sent_by_staff), 0)
         + COALESCE((SELECT sum(p.size) FROM private_files p JOIN users u ON u.commune_id = p.commune_id AND u.id = p.user_id
                      WHERE p.commune_id = ? AND u.family_id = ?), 0)
         )::bigint AS used`,
        [communeId, familyId, communeId, familyId],
      );
      return Number(result.rows[0]?.used ?? 0);
    },
  };
}

export type StoredFileRepository = ReturnType<typeof storedFileRepository>;
