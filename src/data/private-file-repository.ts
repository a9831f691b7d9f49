import type { Executor } from './database.ts';
import { fileContentColumns } from './stored-file-repository.ts';
import type { StoredFileType } from '../model/stored-file.ts';
import type { PrivateFile, PrivateFileMeta } from '../model/private-file.ts';
export type { PrivateFile, PrivateFileMeta } from '../model/private-file.ts';

interface PrivateFileRow {
  id: number;
  user_id: number;
  label: string;
  size: number;
  detected_type: StoredFileType;
  created_at: Date;
  content?: Buffer;
}

const META_COLUMNS = ['id', 'user_id', 'label', 'size', 'detected_type', 'created_at'];

const toMeta = (row: PrivateFileRow): PrivateFileMeta => ({
  id: row.id,
  ownerId: row.user_id,
  label: row.label,
  size: row.size,
  detectedType: row.detected_type,
  createdAt: row.created_at,
});

/**
 * The porte-documents (DESIGN §7 Documents): every query names the commune AND the owner's account,
 * so a file is reachable only by the account that stored it.
 */
export function privateFileRepository(db: Executor) {
  const owned = (executor: Executor, communeId: number, ownerId: number) =>
    executor('private_files').where({ commune_id: communeId, user_id: ownerId });

  return {
    async listForOwner(communeId: number, ownerId: number, executor: Executor = db): Promise<PrivateFileMeta[]> {
      const rows = (await owned(executor, communeId, ownerId).select(META_COLUMNS).orderBy([{ column: 'created_at', order: 'desc' }, { column: 'id', order: 'desc' }])) as PrivateFileRow[];
      return rows.map(toMeta);
    },

    /** Bytes the account uses. */
    async usedBytes(communeId: number, ownerId: number, executor: Executor = db): Promise<number> {
      const [row] = await owned(executor, communeId, ownerId).sum<{ used: string | null }[]>('size as used');
      return Number(row?.used ?? 0);
    },

    /**
     * Locks the owner's account row for the rest of the transaction (FOR NO KEY UPDATE: foreign-key
     * checks still pass): two uploads of the same account then check the quota one after the other.
     */
    async lockOwner(communeId: number, ownerId: number, executor: Executor): Promise<boolean> {
      const row = await executor('users').where({ commune_id: communeId, id: ownerId }).forNoKeyUpdate().first('id');
      return Boolean(row);
    },

    async insert(
      communeId: number,
      file: { ownerId: number; label: string; content: Buffer; detectedType: StoredFileType; sha256: string; originalName: string; createdAt: Date },
      executor: Executor = db,
    ): Promise<number> {
      const [row] = await executor('private_files')
        .insert({
          commune_id: communeId,
          user_id: file.ownerId,
          label: file.label,
          ...fileContentColumns(file),
          created_at: file.createdAt,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    async find(communeId: number, ownerId: number, fileId: number, executor: Executor = db): Promise<PrivateFileMeta | undefined> {
      const row = (await owned(executor, communeId, ownerId).andWhere({ id: fileId }).first(META_COLUMNS)) as PrivateFileRow | undefined;
      return row && toMeta(row);
    },

    async findWithContent(communeId: number, ownerId: number, fileId: number, executor: Executor = db): Promise<PrivateFile | undefined> {
      const row = (await owned(executor, communeId, ownerId).andWhere({ id: fileId }).first([...META_COLUMNS, 'content'])) as PrivateFileRow | undefined;
      return row && { ...toMeta(row), content: row.content! };
    },

    /** Answers whether the owner had that file. */
    async rename(communeId: number, ownerId: number, fileId: number, label: string, executor: Executor = db): Promise<boolean> {
      return (await owned(executor, communeId, ownerId).andWhere({ id: fileId }).update({ label })) > 0;
    },

    /** The removed file's label; undefined when the owner had no such file. */
    async remove(communeId: number, ownerId: number, fileId: number, executor: Executor = db): Promise<string | undefined> {
      const [row] = await owned(executor, communeId, ownerId).andWhere({ id: fileId }).delete().returning<{ label: string }[]>('label');
      return row?.label;
    },
  };
}
