import type { Clock } from '../../domain/clock.ts';
import { NotFoundError, ValidationError } from '../../domain/errors.ts';
import type { Commune } from '../../data/commune-repository.ts';
import type { CommuneDocument, CommuneDocumentMeta } from '../../data/commune-document-repository.ts';
import type { Repositories } from '../../data/index.ts';
import type { User } from '../../data/user-repository.ts';
import { formSubmissions, submissionOf } from '../commune/form-submissions.ts';
import { documentFormWords, type DocumentFormProblem } from '../../i18n/document-words.ts';
import { checkUpload, fieldErrorOf, sha256Of, storedNameOf, type CheckedUpload, type UploadInput } from '../files/file-checks.ts';

export const DOCUMENT_TITLE_MAX = 150;
export const DOCUMENT_DESCRIPTION_MAX = 500;

/** What staff typed and chose in the publication form; the service checks it all at once. */
export interface PublicationInput {
  title: string;
  description: string;
  toReturn: boolean;
  /** A code of the commune file's `documentTypes`, or '' for none. */
  documentTypeCode: string;
  file?: UploadInput;
}

type FieldError = { field: string; message: string };

const refusal = (field: string, problem: DocumentFormProblem): FieldError => ({ field, message: documentFormWords(problem) });

/**
 * « Documentation structure » (DESIGN §6, issue 13 item 5): documents the commune publishes for its
 * families — règlement intérieur, menus, forms. Staff publish and remove them (audited); signed-in
 * parents and staff of the commune read and download them. A form « à nous retourner » names the
 * document type of the commune file the family sends it back as, on the requested-documents page.
 */
export function documentationService(repositories: Repositories, clock: Clock) {
  const { communeDocuments, audit } = repositories;
  const forms = formSubmissions(repositories, clock);

  function requireMember(commune: Commune, user: User) {
    if (user.communeId !== commune.id) throw new NotFoundError(`user ${user.id} is not of commune ${commune.id}`);
  }

  async function check(commune: Commune, input: PublicationInput) {
    const errors: FieldError[] = [];
    const title = input.title.trim().replace(/\s+/g, ' ');
    const description = input.description.trim();
    if (!title) errors.push(refusal('titre', { code: 'title_missing' }));
    else if (title.length > DOCUMENT_TITLE_MAX) errors.push(refusal('titre', { code: 'title_too_long', max: DOCUMENT_TITLE_MAX }));
    if (description.length > DOCUMENT_DESCRIPTION_MAX) {
      errors.push(refusal('description', { code: 'description_too_long', max: DOCUMENT_DESCRIPTION_MAX }));
    }
    const code = input.documentTypeCode.trim();
    const known = commune.settings.documentTypes.some((type) => type.code === code);
    if (code && !known) errors.push(refusal('type', { code: 'type_unknown' }));
    else if (input.toReturn && !code) {
      errors.push(refusal('type', { code: 'type_for_return_missing' }));
    }
    let file: CheckedUpload | undefined;
    if (!input.file) errors.push(refusal('fichier', { code: 'publication_file_missing' }));
    else {
      const checked = await checkUpload(input.file, 'fichier');
      if ('error' in checked) errors.push(fieldErrorOf(checked.error));
      else file = checked.file;
    }
    if (errors.length) throw new ValidationError(errors);
    return { title, description, toReturn: input.toReturn, documentTypeCode: code || null, file: file! };
  }

  return {
    /** The commune's documents, newest first, for its signed-in parents and staff. */
    async list(commune: Commune, user: User): Promise<CommuneDocumentMeta[]> {
      requireMember(commune, user);
      return communeDocuments.list(commune.id);
    },

    async get(commune: Commune, user: User, documentId: number): Promise<CommuneDocumentMeta> {
      requireMember(commune, user);
      const document = await communeDocuments.find(commune.id, documentId);
      if (!document) throw new NotFoundError(`document ${documentId} not in commune ${commune.id}`);
      return document;
    },

    async download(commune: Commune, user: User, documentId: number): Promise<CommuneDocument> {
      requireMember(commune, user);
      const document = await communeDocuments.findWithContent(commune.id, documentId);
      if (!document) throw new NotFoundError(`document ${documentId} not in commune ${commune.id}`);
      return document;
    },

    /** Staff publish a document; audited. The same form posted twice (`formKey`) publishes once. */
    async publish(commune: Commune, staff: User, input: PublicationInput, formKey?: string): Promise<number> {
      requireMember(commune, staff);
      const publication = await check(commune, input);
      return forms.transaction(submissionOf(commune, staff, 'commune_document_publish', formKey), async (trx) => {
        const now = clock.now();
        const id = await communeDocuments.insert(
          commune.id,
          {
            title: publication.title,
            description: publication.description,
            toReturn: publication.toReturn,
            documentTypeCode: publication.documentTypeCode,
            content: publication.file.content,
            detectedType: publication.file.type,
            sha256: sha256Of(publication.file.content),
            originalName: storedNameOf(publication.file, 'document'),
            publishedBy: staff.id,
            publishedAt: now,
          },
          trx,
        );
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: now,
            action: 'commune_document_published',
            entity: 'commune_document',
            entityId: id,
            familyId: null,
            before: null,
            after: { title: publication.title, toReturn: publication.toReturn, documentTypeCode: publication.documentTypeCode },
          },
          trx,
        );
        return id;
      });
    },

    /** Staff remove a document from the portal; audited. Posted twice (`formKey`), it is removed once. */
    async remove(commune: Commune, staff: User, documentId: number, formKey?: string): Promise<string> {
      requireMember(commune, staff);
      return forms.transaction(submissionOf(commune, staff, 'commune_document_remove', formKey), async (trx) => {
        const removed = await communeDocuments.remove(commune.id, documentId, trx);
        if (!removed) throw new NotFoundError(`document ${documentId} not in commune ${commune.id}`);
        await audit.record(
          commune.id,
          {
            staffId: staff.id,
            occurredAt: clock.now(),
            action: 'commune_document_removed',
            entity: 'commune_document',
            entityId: documentId,
            familyId: null,
            before: { title: removed.title },
            after: null,
          },
          trx,
        );
        return removed.title;
      });
    },
  };
}
