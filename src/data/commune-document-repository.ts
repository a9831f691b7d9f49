import type { Executor } from './database.ts';
import { fileContentColumns } from './stored-file-repository.ts';
import type { StoredFileType } from '../model/stored-file.ts';
import type { CommuneDocument, CommuneDocumentInput, CommuneDocumentMeta } from '../model/commune-document.ts';
export type { CommuneDocument, CommuneDocumentInput, CommuneDocumentMeta } from '../model/commune-document.ts';

interface CommuneDocumentRow {
  id: number;
  title: string;
  description: string;
  to_return: boolean;
  document_type_code: string | null;
  size: number;
  detected_type: StoredFileType;
  original_name: string;
  published_at: Date;
  content?: Buffer;
}

const META_COLUMNS = ['id', 'title', 'description', 'to_return', 'document_type_code', 'size', 'detected_type', 'original_name', 'published_at'];

const toMeta = (row: CommuneDocumentRow): CommuneDocumentMeta => ({
  id: row.id,
  title: row.title,
  description: row.description,
  toReturn: row.to_return,
  documentTypeCode: row.document_type_code,
  size: row.size,
  detectedType: row.detected_type,
  originalName: row.original_name,
  publishedAt: row.published_at,
});

/** The documents a commune publishes for its families (« Documentation structure »). */
export function communeDocumentRepository(db: Executor) {
  const ofCommune = (executor: Executor, communeId: number) => executor('commune_documents').where({ commune_id: communeId });

  return {
    /** Newest first; without the files' bytes. */
    async list(communeId: number, executor: Executor = db): Promise<CommuneDocumentMeta[]> {
      const rows = (await ofCommune(executor, communeId).select(META_COLUMNS).orderBy([{ column: 'published_at', order: 'desc' }, { column: 'id', order: 'desc' }])) as CommuneDocumentRow[];
      return rows.map(toMeta);
    },

    async insert(
      communeId: number,
      document: CommuneDocumentInput & { content: Buffer; detectedType: StoredFileType; sha256: string; originalName: string; publishedBy: number; publishedAt: Date },
      executor: Executor = db,
    ): Promise<number> {
      const [row] = await executor('commune_documents')
        .insert({
          commune_id: communeId,
          title: document.title,
          description: document.description,
          to_return: document.toReturn,
          document_type_code: document.documentTypeCode,
          ...fileContentColumns(document),
          published_by: document.publishedBy,
          published_at: document.publishedAt,
        })
        .returning<{ id: number }[]>('id');
      return row!.id;
    },

    async find(communeId: number, documentId: number, executor: Executor = db): Promise<CommuneDocumentMeta | undefined> {
      const row = (await ofCommune(executor, communeId).andWhere({ id: documentId }).first(META_COLUMNS)) as CommuneDocumentRow | undefined;
      return row && toMeta(row);
    },

    async findWithContent(communeId: number, documentId: number, executor: Executor = db): Promise<CommuneDocument | undefined> {
      const row = (await ofCommune(executor, communeId).andWhere({ id: documentId }).first([...META_COLUMNS, 'content'])) as CommuneDocumentRow | undefined;
      return row && { ...toMeta(row), content: row.content! };
    },

    /** The removed document; undefined when the commune has no such document. */
    async remove(communeId: number, documentId: number, executor: Executor = db): Promise<CommuneDocumentMeta | undefined> {
      const [row] = await ofCommune(executor, communeId).andWhere({ id: documentId }).delete().returning<CommuneDocumentRow[]>(META_COLUMNS);
      return row && toMeta(row);
    },
  };
}
