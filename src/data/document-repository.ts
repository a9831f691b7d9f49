import type { Executor } from './database.ts';
import type { StoredFile, StoredFileMeta } from '../model/stored-file.ts';
import { storedFileColumns, toStoredFile, toStoredFileMeta, type StoredFileRow } from './stored-file-repository.ts';
import type { DocumentSubmission, QueuedDocument } from '../model/document.ts';
export type { DocumentSubmission, QueuedDocument } from '../model/document.ts';

interface DocumentRow {
  id: number;
  family_id: number;
  member_id: number | null;
  type_code: string;
  status: DocumentSubmission['status'];
  submitted_by: number;
  submitted_at: Date;
  decided_by: number | null;
  decided_at: Date | null;
  valid_until: string | null;
  refusal_reason: string | null;
}

type FileRow = StoredFileRow & { document_id: number };

const FILE_COLUMNS = ['df.document_id', ...storedFileColumns('f')];

const toSubmission = (row: DocumentRow, files: StoredFileMeta[]): DocumentSubmission => ({
  id: row.id,
  familyId: row.family_id,
  memberId: row.member_id,
  typeCode: row.type_code,
  status: row.status,
  submittedBy: row.submitted_by,
  submittedAt: row.submitted_at,
  decidedBy: row.decided_by,
  decidedAt: row.decided_at,
  validUntil: row.valid_until,
  refusalReason: row.refusal_reason,
  files,
});

/** Requested documents (issue 13): each sending, its pages, and the staff decision. */
export function documentRepository(db: Executor) {
  /** The pages of these sendings, in one query, oldest first. */
  async function filesOf(communeId: number, documentIds: number[], executor: Executor): Promise<Map<number, StoredFileMeta[]>> {
    const byDocument = new Map<number, StoredFileMeta[]>(documentIds.map((id) => [id, []]));
    if (!documentIds.length) return byDocument;
    const rows = (await executor('family_document_files as df')
      .join('stored_files as f', function joinFile() {
        this.on('f.commune_id', 'df.commune_id').andOn('f.id', 'df.file_id');
      })
      .where('df.commune_id', communeId)
      .whereIn('df.document_id', documentIds)
      .orderBy('f.id')
      .select(FILE_COLUMNS)) as FileRow[];
    for (const row of rows) byDocument.get(row.document_id)!.push(toStoredFileMeta(row));
    return byDocument;
  }

  async function withFiles(communeId: number, rows: DocumentRow[], executor: Executor): Promise<DocumentSubmission[]> {
    const files = await filesOf(communeId, rows.map((row) => row.id), executor);
    return rows.map((row) => toSubmission(row, files.get(row.id) ?? []));
  }

  return {
    /** Every sending of the family, oldest first, with its pages (two queries). */
    async listForFamily(communeId: number, familyId: number, executor: Executor = db): Promise<DocumentSubmission[]> {
      const rows = (await executor('family_documents').where({ commune_id: communeId, family_id: familyId }).orderBy(['submitted_at', 'id'])) as DocumentRow[];
      return withFiles(communeId, rows, executor);
    },

    /**
     * The pending sending of this document, locked for the transaction; created when there is
     * none. Two sendings at the same moment meet on the one-pending index: the second waits, then
     * finds the first's row.
     */
    async pendingFor(
      communeId: number,
      document: { familyId: number; memberId: number | null; typeCode: string; submittedBy: number; submittedAt: Date },
      executor: Executor,
    ): Promise<number> {
      // A pending sending decided between the INSERT and the SELECT: the next INSERT makes a new one.
      for (let attempt = 0; attempt < 3; attempt += 1) {
        const inserted = (await executor.raw(
          `INSERT INTO family_documents (commune_id, family_id, member_id, type_code, status, submitted_by, submitted_at)
           VALUES (?, ?, ?, ?, 'pending', ?, ?)
           ON CONFLICT (commune_id, family_id, type_code, coalesce(member_id, 0)) WHERE status = 'pending' DO NOTHING
           RETURNING id`,
          [communeId, document.familyId, document.memberId, document.typeCode, document.submittedBy, document.submittedAt],
        )) as { rows: { id: number }[] };
        if (inserted.rows[0]) return inserted.rows[0].id;
        const row = await executor('family_documents')
          .where({ commune_id: communeId, family_id: document.familyId, type_code: document.typeCode, status: 'pending' })
          .andWhereRaw('coalesce(member_id, 0) = ?', [document.memberId ?? 0])
          .forUpdate()
          .first<{ id: number } | undefined>('id');
        if (row) return row.id;
      }
      throw new Error('no pending document after three attempts');
    },

    /** The pages and bytes of the files a sending holds already (its cap holds across the files joined to it). */
    async sendingSize(communeId: number, documentId: number, executor: Executor): Promise<{ pages: number; bytes: number }> {
      const [row] = await executor('family_document_files as df')
        .join('stored_files as f', function joinFile() {
          this.on('f.commune_id', 'df.commune_id').andOn('f.id', 'df.file_id');
        })
        .where({ 'df.commune_id': communeId, 'df.document_id': documentId })
        .select(executor.raw('COALESCE(sum(f.pages), 0)::int AS pages'), executor.raw('COALESCE(sum(f.size), 0)::bigint AS bytes'));
      return { pages: Number(row?.pages ?? 0), bytes: Number(row?.bytes ?? 0) };
    },

    async attachFile(communeId: number, documentId: number, fileId: number, executor: Executor): Promise<void> {
      await executor('family_document_files').insert({ commune_id: communeId, document_id: documentId, file_id: fileId });
    },

    /** The staff queue: pending sendings, oldest first, with the family, the child and who sent them. */
    async listPending(communeId: number, executor: Executor = db): Promise<QueuedDocument[]> {
      const rows = (await executor('family_documents as d')
        .join('families as fa', function joinFamily() {
          this.on('fa.commune_id', 'd.commune_id').andOn('fa.id', 'd.family_id');
        })
        .join('users as u', function joinUser() {
          this.on('u.commune_id', 'd.commune_id').andOn('u.id', 'd.submitted_by');
        })
        .leftJoin('members as m', function joinMember() {
          this.on('m.commune_id', 'd.commune_id').andOn('m.id', 'd.member_id');
        })
        .where({ 'd.commune_id': communeId, 'd.status': 'pending' })
        .orderBy(['d.submitted_at', 'd.id'])
        .select(
          'd.*',
          'fa.name as family_name',
          'fa.reference as family_reference',
          executor.raw(`m.first_name || ' ' || m.last_name AS member_name`),
          executor.raw(`u.first_name || ' ' || u.last_name AS submitted_by_name`),
        )) as (DocumentRow & { family_name: string; family_reference: string; member_name: string | null; submitted_by_name: string })[];
      const submissions = await withFiles(communeId, rows, executor);
      return submissions.map((submission, index) => ({
        ...submission,
        familyName: rows[index]!.family_name,
        familyReference: rows[index]!.family_reference,
        memberName: rows[index]!.member_name,
        submittedByName: rows[index]!.submitted_by_name,
      }));
    },

    /** A pending sending of the commune, locked for its decision; undefined once decided (or unknown). */
    async lockPending(communeId: number, documentId: number, executor: Executor): Promise<DocumentSubmission | undefined> {
      const row = (await executor('family_documents').where({ commune_id: communeId, id: documentId, status: 'pending' }).forUpdate().first()) as DocumentRow | undefined;
      return row && (await withFiles(communeId, [row], executor))[0];
    },

    async recordDecision(
      communeId: number,
      documentId: number,
      decision: { status: 'accepted'; validUntil: string; decidedBy: number; decidedAt: Date } | { status: 'refused'; reason: string; decidedBy: number; decidedAt: Date },
      executor: Executor,
    ): Promise<void> {
      await executor('family_documents')
        .where({ commune_id: communeId, id: documentId })
        .update({
          status: decision.status,
          decided_by: decision.decidedBy,
          decided_at: decision.decidedAt,
          valid_until: decision.status === 'accepted' ? decision.validUntil : null,
          refusal_reason: decision.status === 'refused' ? decision.reason : null,
        });
    },

    /**
     * A page of a sending, with its content: of the commune's sending `documentId` (staff), and
     * with `familyId` of that family only (a parent) — anything else is unknown.
     */
    async findFile(communeId: number, fileId: number, scope: { familyId: number } | { documentId: number }, executor: Executor = db): Promise<StoredFile | undefined> {
      const row = (await executor('family_document_files as df')
        .join('stored_files as f', function joinFile() {
          this.on('f.commune_id', 'df.commune_id').andOn('f.id', 'df.file_id');
        })
        .join('family_documents as d', function joinDocument() {
          this.on('d.commune_id', 'df.commune_id').andOn('d.id', 'df.document_id');
        })
        .where({ 'df.commune_id': communeId, 'df.file_id': fileId })
        .modify((query) => {
          if ('familyId' in scope) query.andWhere('d.family_id', scope.familyId);
          else query.andWhere('d.id', scope.documentId);
        })
        .select([...FILE_COLUMNS, 'f.content'])
        .first()) as FileRow | undefined;
      return row && toStoredFile(row);
    },
  };
}

export type DocumentRepository = ReturnType<typeof documentRepository>;
